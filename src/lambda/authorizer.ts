import { authorizerDependencies } from '../handlers/authorizer-dependencies.js';
import { authorizerHandler } from '../handlers/authorizer.js';
import { builtOnFirstUse } from '../handlers/lazy.js';

export const handler = builtOnFirstUse(() => authorizerHandler(authorizerDependencies(process.env)));
