import type { AuthConfig } from './auth-config.js';
import { ConnectionAuthorizer } from './connection-authorizer.js';

/**
 * The authorizer for the key in use: made again only when the key read has changed, so a
 * rotated key (read through `readKey`, when `auth` names a secret) takes effect without a
 * new authorizer per request.
 */
export function currentAuthorizer(auth: AuthConfig, readKey?: () => Promise<string>): () => Promise<ConnectionAuthorizer> {
  let current: { readonly instance: ConnectionAuthorizer; readonly key: string | undefined } | undefined;
  return async () => {
    const key = readKey ? await readKey() : undefined;
    if (!current || current.key !== key) {
      current = { instance: new ConnectionAuthorizer(key === undefined ? auth : { ...auth, secret: key }), key };
    }
    return current.instance;
  };
}
