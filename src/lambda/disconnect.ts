import { tableDependencies } from '../handlers/table-dependencies.js';
import { handlerSettingsFromEnvironment } from '../handlers/handler-settings.js';
import { builtOnFirstUse } from '../handlers/lazy.js';
import { disconnectHandler } from '../handlers/disconnect.js';

export const handler = builtOnFirstUse(() => disconnectHandler(tableDependencies(handlerSettingsFromEnvironment(process.env))));
