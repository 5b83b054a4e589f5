import { checkKeyLength } from './auth-config.js';
import { cachedSecretReader } from './cached-secret.js';

export { secretMaxAgeSeconds as secretKeyMaxAgeSeconds } from './cached-secret.js';

/** The HS256 key, read from Secrets Manager when the authorizer runs (cachedSecretReader). */
export function secretKeyReader(
  secretId: string,
  /** Told of a failed read while the previous key stays in use. */
  onStaleKey: (error: unknown) => void = () => undefined,
): () => Promise<string> {
  return cachedSecretReader(secretId, {
    purpose: 'the HS256 key',
    check: (key) => checkKeyLength(key, `the key in the secret ${secretId}`),
    onStale: onStaleKey,
  });
}
