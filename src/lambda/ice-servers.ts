import { iceServersDependencies } from '../handlers/ice-servers-dependencies.js';
import { iceServersFunction } from '../handlers/ice-servers-function.js';
import { iceServersHandler } from '../handlers/ice-servers.js';
import { builtOnFirstUse } from '../handlers/lazy.js';

export const handler = builtOnFirstUse(() => iceServersFunction(iceServersHandler(iceServersDependencies(process.env))));
