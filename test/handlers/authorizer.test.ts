import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { secretKeyMaxAgeSeconds } from '../../src/auth/secret-key.js';
import { requestAuthorizerEvent } from '../../src/gateway/event-builders.js';
import { CountedMetrics } from '../support/metrics.js';
import { hs256Token, testAudience, testIssuer } from '../support/tokens.js';

/**
 * The deployed authorizer with its HS256 key in Secrets Manager (AUTH_JWT_SECRET_ID). Secrets
 * Manager has no local emulator, so a stand-in answers GetSecretValue over HTTP on loopback;
 * the handler's real SDK client reaches it through the SDK's own endpoint setting.
 */
const secretId = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:signaling/jwt-AbCdEf';
const firstKey = 'the-first-hs256-key-of-at-least-32-bytes';
const rotatedKey = 'the-rotated-hs256-key-of-at-least-32-bytes';

/** What the stand-in holds and has been asked. */
const secretsManager = { keys: new Map<string, string>(), failing: false, requests: [] as string[] };
let server: Server;
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      secretsManager.requests.push(`${String(target)} ${SecretId}`);
      const answer = (status: number, payload: object) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(payload));
      };
      if (secretsManager.failing) return answer(500, { __type: 'InternalServiceError', message: 'unavailable' });
      const key = secretsManager.keys.get(SecretId);
      if (key === undefined) return answer(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      answer(200, { ARN: SecretId, Name: 'signaling/jwt', SecretString: key, VersionId: 'v1' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AUTH_JWT_SECRET_ID: secretId,
    AUTH_ISSUER: testIssuer,
    AUTH_AUDIENCE: testAudience,
  });
});

afterAll(async () => {
  process.env = savedEnvironment;
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  secretsManager.keys.clear();
  secretsManager.failing = false;
  secretsManager.requests.length = 0;
  vi.useFakeTimers({ toFake: ['Date'] });
  // A fresh container: the handler module keeps its key between invocations.
  vi.resetModules();
});
afterEach(() => vi.useRealTimers());
const loggedErrors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

const counted = CountedMetrics.start();
let containerStart = 0;

/** HandlerErrors counted since the container started (it raises the deployed alarm). */
async function handlerErrorsCounted(): Promise<number> {
  return counted.sum('HandlerErrors', containerStart);
}

async function freshHandler(): Promise<(event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>> {
  containerStart = counted.mark();
  // The Lambda entry point, built from the environment as on AWS.
  return (await import('../../src/lambda/authorizer.js')).handler;
}

function connectEvent(token: string): APIGatewayRequestAuthorizerEvent {
  return requestAuthorizerEvent(
    { apiId: 'abc', stage: 'production', domainName: 'abc.execute-api.us-east-1.amazonaws.com', region: 'us-east-1', accountId: '123456789012' },
    { connectionId: 'connection-1', connectedAt: Date.now(), sourceIp: '192.0.2.1' },
    { query: { token }, requestId: 'request-1' },
  );
}

const effectOf = (result: APIGatewayAuthorizerResult) => result.policyDocument.Statement[0]!.Effect;
const tokenSignedWith = (secret: string) => hs256Token({ sub: 'user-1' }, { secret });

describe('the authorizer with its key in Secrets Manager', () => {
  it('reads the key once per container, takes a rotated key after the cache age, and keeps the last key through an outage', async () => {
    secretsManager.keys.set(secretId, firstKey);
    const handler = await freshHandler();

    expect(effectOf(await handler(connectEvent(await tokenSignedWith(firstKey))))).toBe('Allow');
    expect(effectOf(await handler(connectEvent(await tokenSignedWith(firstKey))))).toBe('Allow');
    await expect(handler(connectEvent(await tokenSignedWith(rotatedKey)))).rejects.toThrow('Unauthorized');
    expect(secretsManager.requests).toEqual([`secretsmanager.GetSecretValue ${secretId}`]);

    // Rotated: the old key is in use until the cached one is old enough to read again.
    secretsManager.keys.set(secretId, rotatedKey);
    await expect(handler(connectEvent(await tokenSignedWith(rotatedKey)))).rejects.toThrow('Unauthorized');
    vi.setSystemTime(Date.now() + secretKeyMaxAgeSeconds * 1000 + 1_000);
    expect(effectOf(await handler(connectEvent(await tokenSignedWith(rotatedKey))))).toBe('Allow');
    await expect(handler(connectEvent(await tokenSignedWith(firstKey)))).rejects.toThrow('Unauthorized');
    expect(secretsManager.requests).toHaveLength(2);
    // A refused token is the authorizer working, not failing.
    expect(await handlerErrorsCounted()).toBe(0);

    // Secrets Manager fails: connections keep being checked against the last key read.
    secretsManager.failing = true;
    vi.setSystemTime(Date.now() + secretKeyMaxAgeSeconds * 1000 + 1_000);
    expect(effectOf(await handler(connectEvent(await tokenSignedWith(rotatedKey))))).toBe('Allow');
    expect(secretsManager.requests.length).toBeGreaterThan(2);
    expect(loggedErrors).toHaveBeenCalledWith('could not read the token key again; the previous key stays in use', expect.anything());
    expect(await handlerErrorsCounted()).toBe(1);
  });

  it('refuses every connection while no usable key has been read: secret missing, or too short for HS256', async () => {
    let handler = await freshHandler();
    await expect(handler(connectEvent(await tokenSignedWith(firstKey)))).rejects.toThrow(/can't find the specified secret/);
    expect(await handlerErrorsCounted()).toBe(1);
    expect(loggedErrors).toHaveBeenCalledWith('could not set up the authorizer', expect.anything());

    secretsManager.keys.set(secretId, 'short');
    vi.resetModules();
    handler = await freshHandler();
    await expect(handler(connectEvent(await hs256Token({}, { secret: 'short' })))).rejects.toThrow(/at least 32 bytes/);
    expect(await handlerErrorsCounted()).toBe(1);
  });
});
