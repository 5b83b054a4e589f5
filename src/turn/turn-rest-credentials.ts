import { createHmac } from 'node:crypto';

/**
 * Credentials of the TURN REST API that coturn (`use-auth-secret`) and other TURN servers
 * check without a user database: the username is `<expiry in unix seconds>:<user>`, the
 * password base64(HMAC-SHA1(shared secret, username)). The server recomputes the password and
 * refuses it after the expiry.
 */
export function turnRestCredentials(secret: string, user: string, expiresAtSeconds: number): { readonly username: string; readonly credential: string } {
  const username = `${expiresAtSeconds}:${user.replace(/:/g, '_')}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}
