import { SignJWT } from 'jose';
import type { AuthConfig } from '../auth/auth-config.js';
import type { TokenIssuer } from '../demo/demo-site.js';

/**
 * What stands in, locally, for the app backend that hands out signaling tokens: with
 * `AUTH_JWT_SECRET` set, `npm start` signs tokens for the rooms asked, valid for
 * `LOCAL_TOKEN_SECONDS`, at GET /token (the demo page's `?tokenUrl=/token`). Only on loopback,
 * and only with a shared secret: with a JWKS the keys are the identity provider's.
 */
export function localTokenIssuer(auth: AuthConfig | undefined, lifetimeSeconds: number): TokenIssuer | undefined {
  if (!auth?.secret || !auth.issuer || !auth.audience) return undefined;
  const key = new TextEncoder().encode(auth.secret);
  const { issuer, audience, roomsClaim } = auth;
  return async (rooms) => {
    const expiresAt = (Math.floor(Date.now() / 1000) + lifetimeSeconds) * 1000;
    const token = await new SignJWT({ [roomsClaim]: [...rooms] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('local-demo')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(expiresAt / 1000)
      .sign(key);
    return { token, expiresAt };
  };
}
