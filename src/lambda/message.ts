import { handlerSettingsFromEnvironment } from '../handlers/handler-settings.js';
import { builtOnFirstUse } from '../handlers/lazy.js';
import { messageDependencies } from '../handlers/message-dependencies.js';
import { messageHandler } from '../handlers/message.js';

export const handler = builtOnFirstUse(() => messageHandler(messageDependencies(handlerSettingsFromEnvironment(process.env))));
