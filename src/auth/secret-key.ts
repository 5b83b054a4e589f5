import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigurationError } from '../config/limits.js';
import { checkKeyLength } from './auth-config.js';

/** How long a key read from Secrets Manager is used before it is read again. */
export const secretKeyMaxAgeSeconds = 5 * 60;
/** After a failed read, how long the previous key stays in use before the next attempt. */
export const secretKeyRetryMs = 30_000;

/**
 * The HS256 key, read from Secrets Manager when the authorizer runs, not put into the
 * function's environment, where anyone allowed to read the function's configuration would
 * see it. Powertools Parameters caches it for `secretKeyMaxAgeSeconds`, so a rotated key is
 * in use within minutes without a read per connection. When a later read fails, the key
 * already read stays in use: a Secrets Manager outage does not lock every user out.
 */
export function secretKeyReader(
  secretId: string,
  /** Told of a failed read while the previous key stays in use. */
  onStaleKey: (error: unknown) => void = () => undefined,
): () => Promise<string> {
  const secrets = new SecretsProvider();
  let last: { readonly key: string; retryAfter: number } | undefined;
  return async () => {
    if (last && Date.now() < last.retryAfter) return last.key;
    try {
      const key = await secrets.get(secretId, { maxAge: secretKeyMaxAgeSeconds });
      if (typeof key !== 'string') {
        throw new ConfigurationError(`the secret ${secretId} holds no text: store the HS256 key as its secret string`);
      }
      checkKeyLength(key, `the key in the secret ${secretId}`);
      last = { key, retryAfter: 0 };
      return key;
    } catch (error) {
      if (!last) throw error;
      onStaleKey(error);
      last.retryAfter = Date.now() + secretKeyRetryMs;
      return last.key;
    }
  };
}
