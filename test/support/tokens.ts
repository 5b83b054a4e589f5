import { SignJWT, type JWTPayload } from 'jose';

export const testSecret = 'a-test-secret-that-is-long-enough-for-hs256!';
export const testIssuer = 'https://issuer.test';
export const testAudience = 'y-webrtc-signaling';

/** An HS256 token as an own-secret deployment would issue it. */
export function hs256Token(claims: JWTPayload = {}, options: { expiresIn?: string; issuer?: string; audience?: string; secret?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(claims.sub ?? 'user-1'))
    .setIssuer(options.issuer ?? testIssuer)
    .setAudience(options.audience ?? testAudience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? testSecret));
}
