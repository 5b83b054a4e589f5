import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamoDb } from '../aws/dynamodb.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AuthConfig } from '../auth/auth-config.js';
import { ConnectionAuthorizer } from '../auth/connection-authorizer.js';
import { iceServersDefaults, iceServersPath } from '../config/ice-servers.js';
import { iceServersHandler, type HttpRequest } from '../handlers/ice-servers.js';
import { CallerRateLimit } from '../store/caller-rate-limit.js';
import { sharedSecretSource } from '../turn/shared-secret-source.js';
import type { RunningCoturn } from './coturn.js';
import { InvocationFailed } from './lambda/local-function.js';

type FunctionUrlInvoker = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** The STUN URL of the local coturn, which answers STUN on its TURN port. */
export function coturnStunUrls(coturn: RunningCoturn): string[] {
  return [coturn.turnUrls[0]!.replace(/^turn:/, 'stun:').replace(/\?.*$/, '')];
}

/**
 * `npm start`'s ICE servers endpoint, GET /ice-servers: with LOCAL_TURN=coturn, credentials
 * for the local coturn; without, 404. In bundles mode the request goes to the ICE servers
 * function's bundle as a function URL event, as on AWS; in sources mode to its handler.
 */
export function localIceServers(options: {
  readonly coturn: RunningCoturn | undefined;
  readonly auth: AuthConfig | undefined;
  readonly dynamoDb: DynamoDb;
  readonly tableName: string;
  /** Bundles mode: the deployed function. */
  readonly bundle?: FunctionUrlInvoker | undefined;
}): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const { coturn, auth } = options;
  const handler = coturn
    ? iceServersHandler({
        authorizer: auth ? new ConnectionAuthorizer(auth) : undefined,
        source: sharedSecretSource({
          turnUrls: coturn.turnUrls,
          stunUrls: coturnStunUrls(coturn),
          secret: async () => coturn.secret,
          ttlSeconds: iceServersDefaults.credentialTtlSeconds,
        }),
        rateLimit: new CallerRateLimit(options.dynamoDb, options.tableName, {
          requests: iceServersDefaults.requestsPerWindow,
          windowSeconds: iceServersDefaults.windowSeconds,
        }),
        retryAfterSeconds: iceServersDefaults.windowSeconds,
      })
    : undefined;
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== iceServersPath) return false;
    const plain = httpRequest(request, url);
    const answer = !coturn
      ? { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'no TURN server here: start npm start with LOCAL_TURN=coturn' }) }
      : options.bundle
        ? await viaFunctionUrl(options.bundle, plain, url)
        : await handler!(plain);
    response.writeHead(answer.statusCode, answer.headers).end(answer.body);
    return true;
  };
}

function httpRequest(request: IncomingMessage, url: URL): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(',') : value;
  return { method: request.method ?? 'GET', headers, query: Object.fromEntries(url.searchParams), sourceIp: request.socket.remoteAddress ?? 'unknown' };
}

/** What a Lambda function URL does with a request: a payload 2.0 event in, the function's result (or Lambda's error) out. */
async function viaFunctionUrl(invoke: FunctionUrlInvoker, request: HttpRequest, url: URL): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const now = new Date();
  const host = request.headers['host'] ?? 'localhost';
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: Object.fromEntries(Object.entries(request.headers).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    ...(url.search ? { queryStringParameters: request.query as Record<string, string> } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: { method: request.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: request.sourceIp, userAgent: request.headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  try {
    const result = await invoke(event);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
    const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString('utf8') : (result.body ?? '');
    return { statusCode: result.statusCode ?? 200, headers, body };
  } catch (error) {
    // What a function URL answers when Lambda throttles the function, or the function fails.
    const throttled = error instanceof InvocationFailed && error.kind === 'throttled';
    return {
      statusCode: throttled ? 429 : 502,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Message: throttled ? 'Rate Exceeded.' : 'Internal Server Error' }),
    };
  }
}
