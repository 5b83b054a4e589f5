import { spawnSync } from 'node:child_process';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConnectionAuthorizer } from '../../src/auth/connection-authorizer.js';
import { iceServersHandler, type HttpRequest } from '../../src/handlers/ice-servers.js';
import { CallerRateLimit } from '../../src/store/caller-rate-limit.js';
import { sharedSecretSource } from '../../src/turn/shared-secret-source.js';
import { createTestTable, type TestTable } from '../support/table.js';
import { hs256Token, testAudience, testIssuer, testSecret } from '../support/tokens.js';

const turnSecret = 'the-turn-servers-shared-secret';
const now = Date.parse('2026-12-07T12:00:00Z');

/** base64(HMAC-SHA1(secret, text)) by OpenSSL, apart from the code under test. */
function opensslHmac(secret: string, text: string): string {
  const result = spawnSync('sh', ['-c', `printf '%s' "$TEXT" | openssl dgst -sha1 -hmac "$SECRET" -binary | base64`], { env: { ...process.env, TEXT: text, SECRET: secret }, encoding: 'utf8' });
  return result.stdout.trim();
}

describe('ICE servers endpoint', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable();
  });

  function handler(options: { auth?: boolean; requests?: number } = {}) {
    return iceServersHandler({
      authorizer: options.auth === false ? undefined : new ConnectionAuthorizer({ secret: testSecret, issuer: testIssuer, audience: testAudience, roomsClaim: 'rooms' }),
      source: sharedSecretSource({ turnUrls: ['turn:turn.example.com:3478?transport=udp'], stunUrls: ['stun:turn.example.com:3478'], secret: async () => turnSecret, ttlSeconds: 600, now: () => now }),
      rateLimit: new CallerRateLimit(table.dynamoDb, table.tableName, { requests: options.requests ?? 30, windowSeconds: 60 }),
      retryAfterSeconds: 60,
    });
  }

  const request = (query: Record<string, string>, headers: Record<string, string> = {}, sourceIp = '198.51.100.7'): HttpRequest => ({ method: 'GET', headers, query, sourceIp });
  const bearer = async (claims: Record<string, unknown> = {}) => ({ authorization: `Bearer ${await hs256Token(claims)}` });

  it('answers STUN and TURN with credentials of the TURN REST API: <expiry>:<sub>, base64(HMAC-SHA1(secret, username)), and when they expire', async () => {
    const response = await handler()(request({ room: 'lobby' }, await bearer({ sub: 'ada', rooms: ['lobby'] })));
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(response.body) as { iceServers: { urls: string[]; username?: string; credential?: string }[]; expiresAt: number };
    const expiry = now / 1000 + 600;
    expect(body).toEqual({
      iceServers: [
        { urls: ['stun:turn.example.com:3478'] },
        { urls: ['turn:turn.example.com:3478?transport=udp'], username: `${expiry}:ada`, credential: opensslHmac(turnSecret, `${expiry}:ada`) },
      ],
      expiresAt: expiry * 1000,
    });
  });

  it('takes the token as ?token= too, as the WebSocket does', async () => {
    expect((await handler()(request({ room: 'lobby', token: await hs256Token() }))).statusCode).toBe(200);
  });

  it('refuses without a valid token (401), a room the token does not allow (403), no room (400) and another method (405)', async () => {
    const ice = handler();
    const refused = async (query: Record<string, string>, headers: Record<string, string> = {}) => {
      const response = await ice(request(query, headers));
      return [response.statusCode, (JSON.parse(response.body) as { error: string }).error];
    };
    expect(await refused({ room: 'lobby' })).toEqual([401, 'no token (Authorization: Bearer, or ?token=)']);
    expect(await refused({ room: 'lobby' }, { authorization: 'Bearer nonsense' })).toEqual([401, expect.stringMatching(/token rejected/)]);
    expect(await refused({ room: 'lobby' }, { authorization: `Bearer ${await hs256Token({}, { expiresIn: '-1m' })}` })).toEqual([401, 'token expired']);
    expect(await refused({ room: 'secret' }, await bearer({ rooms: ['lobby', 'team-a/*'] }))).toEqual([403, 'the token does not allow the room "secret"']);
    expect((await ice(request({ room: 'team-a/doc' }, await bearer({ rooms: ['lobby', 'team-a/*'] })))).statusCode).toBe(200);
    expect(await refused({}, await bearer())).toEqual([400, expect.stringMatching(/^room is required/)]);
    expect((await ice({ ...request({ room: 'lobby' }, await bearer()), method: 'POST' })).statusCode).toBe(405);
  });

  it('limits each caller to its requests per window (429 with Retry-After), counted in the table for every instance alike; other callers are not affected', async () => {
    // Two handlers: two function instances sharing the table.
    const [first, second] = [handler({ requests: 3 }), handler({ requests: 3 })];
    const asAda = await bearer({ sub: 'limited-ada' });
    const statuses = [];
    for (const ice of [first, second, first, second]) statuses.push((await ice(request({ room: 'lobby' }, asAda))).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await first(request({ room: 'lobby' }, asAda));
    expect(limited.headers['retry-after']).toBe('60');
    expect((await first(request({ room: 'lobby' }, await bearer({ sub: 'limited-bob' })))).statusCode).toBe(200);
    // Without authorization the caller is its address.
    const open = handler({ auth: false, requests: 1 });
    expect((await open(request({ room: 'lobby' }, {}, '203.0.113.1'))).statusCode).toBe(200);
    expect((await open(request({ room: 'lobby' }, {}, '203.0.113.1'))).statusCode).toBe(429);
    expect((await open(request({ room: 'lobby' }, {}, '203.0.113.2'))).statusCode).toBe(200);
    const items = (await table.client.send(new ScanCommand({ TableName: table.tableName }))).Items ?? [];
    const ada = items.find((item) => item['pk']?.S === 'r#sub:limited-ada')!;
    expect(ada['requests']?.N).toBe('3');
    expect(Number(ada['expiresAt']?.N)).toBeGreaterThan(Date.now() / 1000);
  });

  it('answers 503 with Retry-After when the source gives nothing, and counts each outcome', async () => {
    const outcomes: string[] = [];
    const failures: unknown[] = [];
    const ice = iceServersHandler({
      authorizer: undefined,
      source: { iceServers: () => Promise.reject(new Error('throttled everywhere')) },
      rateLimit: { allow: async () => true },
      retryAfterSeconds: 60,
      onOutcome: (outcome) => outcomes.push(outcome),
      onUnavailable: (error) => failures.push(error),
    });
    const response = await ice(request({ room: 'lobby' }));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(JSON.parse(response.body)).toEqual({ error: 'no TURN credentials can be had right now: ask again shortly' });
    await ice(request({}));
    expect(outcomes).toEqual(['unavailable', 'bad-request']);
    expect((failures[0] as Error).message).toBe('throttled everywhere');
  });
});
