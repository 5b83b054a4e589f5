import { authConfigFromEnvironment } from '../auth/auth-config.js';
import { secretKeyReader } from '../auth/secret-key.js';
import { ConfigurationError } from '../config/limits.js';
import type { AuthorizerDependencies } from './authorizer.js';
import { count, logger, metricNames } from './observability.js';

export function authorizerDependencies(env: NodeJS.ProcessEnv): AuthorizerDependencies {
  const auth = authConfigFromEnvironment(env);
  if (!auth) throw new ConfigurationError('the authorizer is deployed but no AUTH_* variable is set');
  if (!auth.secretId) return { auth };
  return {
    auth,
    readKey: secretKeyReader(auth.secretId, (error) => {
      count(metricNames.handlerErrors);
      logger.error('could not read the token key again; the previous key stays in use', { error: error as Error });
    }),
  };
}
