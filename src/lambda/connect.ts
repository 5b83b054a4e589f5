import { tableDependencies } from '../handlers/table-dependencies.js';
import { handlerSettingsFromEnvironment } from '../handlers/handler-settings.js';
import { builtOnFirstUse } from '../handlers/lazy.js';
import { connectHandler } from '../handlers/connect.js';

export const handler = builtOnFirstUse(() => connectHandler(tableDependencies(handlerSettingsFromEnvironment(process.env))));
