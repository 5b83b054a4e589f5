import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigurationError } from '../config/limits.js';

/** How long a secret read from Secrets Manager is used before it is read again. */
export const secretMaxAgeSeconds = 5 * 60;
/** After a failed read, how long the previous value stays in use before the next attempt. */
export const secretRetryMs = 30_000;

export interface CachedSecretOptions {
  /** What the secret is, for errors: "the token key", "the TURN shared secret". */
  readonly purpose: string;
  /** Throws a ConfigurationError when the value is unusable. */
  readonly check?: (value: string) => void;
  /** Told of a failed read while the previous value stays in use. */
  readonly onStale?: (error: unknown) => void;
}

/**
 * A secret string read from Secrets Manager when it is needed, not put into the function's
 * environment, where anyone allowed to read the function's configuration would see it.
 * Powertools Parameters caches it for `secretMaxAgeSeconds`, so a rotated value is in use
 * within minutes without a read per request. When a later read fails, the value already
 * read stays in use: a Secrets Manager outage does not stop the function.
 */
export function cachedSecretReader(secretId: string, options: CachedSecretOptions): () => Promise<string> {
  const secrets = new SecretsProvider();
  let last: { readonly value: string; retryAfter: number } | undefined;
  return async () => {
    if (last && Date.now() < last.retryAfter) return last.value;
    try {
      const value = await secrets.get(secretId, { maxAge: secretMaxAgeSeconds });
      if (typeof value !== 'string') {
        throw new ConfigurationError(`the secret ${secretId} holds no text: store ${options.purpose} as its secret string`);
      }
      options.check?.(value);
      last = { value, retryAfter: 0 };
      return value;
    } catch (error) {
      if (!last) throw error;
      options.onStale?.(error);
      last.retryAfter = Date.now() + secretRetryMs;
      return last.value;
    }
  };
}
