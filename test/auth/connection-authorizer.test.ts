import { createServer, type Server } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authConfigFromEnvironment } from '../../src/auth/auth-config.js';
import { ConnectionAuthorizer } from '../../src/auth/connection-authorizer.js';
import { ConfigurationError } from '../../src/config/limits.js';
import { hs256Token, testAudience, testIssuer, testSecret } from '../support/tokens.js';

const hsConfig = { secret: testSecret, issuer: testIssuer, audience: testAudience, roomsClaim: 'rooms' };

describe('ConnectionAuthorizer with a shared secret (HS256)', () => {
  const authorizer = new ConnectionAuthorizer(hsConfig);

  it('allows a valid token and passes its rooms and subject on', async () => {
    const decision = await authorizer.authorize({ token: await hs256Token({ sub: 'ada', rooms: ['lobby', 'team/*'] }), origin: undefined });
    expect(decision).toEqual({ kind: 'allow', principalId: 'ada', context: { sub: 'ada', rooms: '["lobby","team/*"]' } });
  });

  it.each([
    ['no token', async () => undefined, /no token/],
    ['an expired token', () => hs256Token({}, { expiresIn: '-1m' }), /expired/],
    ['another issuer', () => hs256Token({}, { issuer: 'https://evil.test' }), /claim iss/],
    ['another audience', () => hs256Token({}, { audience: 'other' }), /claim aud/],
    ['another secret', () => hs256Token({}, { secret: 'x'.repeat(40) }), /rejected/],
    ['garbage', async () => 'not.a.token', /rejected/],
    ['alg none', async () => `${b64({ alg: 'none' })}.${b64({ iss: testIssuer, aud: testAudience, exp: 9e9 })}.`, /rejected/],
  ])('refuses %s with 401', async (_name, token, reason) => {
    const decision = await authorizer.authorize({ token: await token(), origin: undefined });
    expect(decision.kind).toBe('unauthorized');
    expect(decision.kind === 'unauthorized' && decision.reason).toMatch(reason);
  });

  it('refuses a token without expiry', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(testIssuer).setAudience(testAudience).sign(new TextEncoder().encode(testSecret));
    expect((await authorizer.authorize({ token, origin: undefined })).kind).toBe('unauthorized');
  });

  it('refuses a malformed rooms claim with 403', async () => {
    const decision = await authorizer.authorize({ token: await hs256Token({ rooms: [42] }), origin: undefined });
    expect(decision.kind).toBe('forbidden');
  });

  it('checks the Origin allow-list before the token', async () => {
    const strict = new ConnectionAuthorizer({ ...hsConfig, allowedOrigins: ['https://app.test'] });
    const token = await hs256Token();
    expect((await strict.authorize({ token, origin: 'https://app.test' })).kind).toBe('allow');
    expect((await strict.authorize({ token, origin: 'https://evil.test' })).kind).toBe('forbidden');
    expect((await strict.authorize({ token, origin: undefined })).kind).toBe('forbidden');
  });
});

describe('ConnectionAuthorizer with a JWKS (RS256, ES256)', () => {
  let server: Server;
  let jwksUrl: URL;
  type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
  const keys: { alg: string; privateKey: KeyPair['privateKey']; publicKey: KeyPair['publicKey']; kid: string }[] = [];
  /** What the JWKS endpoint serves: the public keys. */
  const jwks: JWK[] = [];

  beforeAll(async () => {
    for (const alg of ['RS256', 'ES256']) {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const kid = `key-${alg}`;
      keys.push({ alg, privateKey, publicKey, kid });
      jwks.push({ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' });
    }
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: jwks }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address() as { port: number };
    jwksUrl = new URL(`http://127.0.0.1:${address.port}/.well-known/jwks.json`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sign = (key: (typeof keys)[number], claims: object = {}) =>
    new SignJWT({ ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setIssuer(testIssuer)
      .setAudience(testAudience)
      .setSubject('grace')
      .setExpirationTime('5m')
      .sign(key.privateKey);

  it('allows tokens signed by keys of the JWKS', async () => {
    const authorizer = new ConnectionAuthorizer({ jwksUrl, issuer: testIssuer, audience: testAudience, roomsClaim: 'rooms' });
    for (const key of keys) {
      expect(await authorizer.authorize({ token: await sign(key, { rooms: 'doc-1' }), origin: undefined })).toEqual({
        kind: 'allow',
        principalId: 'grace',
        context: { sub: 'grace', rooms: '["doc-1"]' },
      });
    }
  });

  it('refuses an HS256 token made with a public key as secret (algorithm confusion)', async () => {
    const authorizer = new ConnectionAuthorizer({ jwksUrl, issuer: testIssuer, audience: testAudience, roomsClaim: 'rooms' });
    const rsa = keys.find((key) => key.alg === 'RS256')!;
    const servedJwk = jwks.find((jwk) => jwk.kid === rsa.kid)!;
    const pem = await exportSPKI(rsa.publicKey);
    const { kid: _kid, alg: _alg, use: _use, ...bareJwk } = servedJwk;
    // The public key as a server could hold it: the PEM, and the JWK as the JWKS serves it.
    const secrets = { 'PEM (SPKI)': pem, 'PEM without its final newline': pem.trimEnd(), 'JWK as served': JSON.stringify(servedJwk), 'JWK without kid, alg and use': JSON.stringify(bareJwk) };
    const claims = { sub: 'mallory', rooms: 'doc-1' };
    // The same claims and kid signed with the private key pass, so only the algorithm can refuse the forgeries.
    const genuine = await sign(rsa, claims);
    expect((await authorizer.authorize({ token: genuine, origin: undefined })).kind).toBe('allow');
    for (const [name, secret] of Object.entries(secrets)) {
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
        .setIssuer(testIssuer)
        .setAudience(testAudience)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
      const decision = await authorizer.authorize({ token: forged, origin: undefined });
      expect(decision, name).toEqual({ kind: 'unauthorized', reason: expect.stringMatching(/ALG_NOT_ALLOWED/) });
    }
  });
});

describe('authConfigFromEnvironment', () => {
  it('is off without AUTH_* variables', () => {
    expect(authConfigFromEnvironment({})).toBeUndefined();
  });

  it('names what is missing or wrong', () => {
    expect(() => authConfigFromEnvironment({ AUTH_JWT_SECRET: 'short' })).toThrow(/at least 32 bytes/);
    expect(() => authConfigFromEnvironment({ AUTH_JWT_SECRET: testSecret })).toThrow(ConfigurationError);
    expect(() => authConfigFromEnvironment({ AUTH_JWT_SECRET: testSecret, AUTH_JWKS_URL: 'https://x', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' })).toThrow(/not several/);
    expect(() => authConfigFromEnvironment({ AUTH_JWT_SECRET_ID: 'signaling/jwt' })).toThrow(/AUTH_ISSUER and AUTH_AUDIENCE/);
    expect(() => authConfigFromEnvironment({ AUTH_JWT_SECRET_ID: 'signaling/jwt', AUTH_JWT_SECRET: testSecret, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' })).toThrow(/not several/);
    expect(authConfigFromEnvironment({ AUTH_JWT_SECRET_ID: 'signaling/jwt', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' })).toEqual({
      secretId: 'signaling/jwt',
      issuer: 'i',
      audience: 'a',
      roomsClaim: 'rooms',
    });
    expect(() => authConfigFromEnvironment({ AUTH_JWKS_URL: 'nope', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' })).toThrow(/not a URL/);
    expect(authConfigFromEnvironment({ AUTH_ALLOWED_ORIGINS: 'https://a.test, https://b.test' })).toEqual({
      roomsClaim: 'rooms',
      allowedOrigins: ['https://a.test', 'https://b.test'],
    });
  });
});

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
