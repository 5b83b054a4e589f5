import { cleanupHandler } from '../handlers/cleanup.js';
import { tableDependencies } from '../handlers/table-dependencies.js';
import { handlerSettingsFromEnvironment } from '../handlers/handler-settings.js';
import { builtOnFirstUse } from '../handlers/lazy.js';

export const handler = builtOnFirstUse(() => cleanupHandler(tableDependencies(handlerSettingsFromEnvironment(process.env))));
