import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuthConfig } from '../auth/auth-config.js';
import { ConnectionAuthorizer } from '../auth/connection-authorizer.js';
import { iceServersDefaults, iceServersPath } from '../config/ice-servers.js';
import { iceServersHandler, type HttpRequest } from '../handlers/ice-servers.js';
import { CallerRateLimit } from '../store/caller-rate-limit.js';
import { sharedSecretSource } from '../turn/shared-secret-source.js';
import type { RunningCoturn } from './coturn.js';

/**
 * `npm start`'s ICE servers endpoint: with LOCAL_TURN=coturn, the deployed endpoint's
 * handler, answering GET /ice-servers with credentials for the local coturn; without, 404.
 */
export function localIceServers(options: {
  readonly coturn: RunningCoturn | undefined;
  readonly auth: AuthConfig | undefined;
  readonly dynamoDb: DynamoDBClient;
  readonly tableName: string;
}): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const { coturn, auth } = options;
  const handler = coturn
    ? iceServersHandler({
        authorizer: auth ? new ConnectionAuthorizer(auth) : undefined,
        source: sharedSecretSource({
          turnUrls: coturn.turnUrls,
          stunUrls: [coturn.turnUrls[0]!.replace(/^turn:/, 'stun:').replace(/\?.*$/, '')],
          secret: async () => coturn.secret,
          ttlSeconds: iceServersDefaults.credentialTtlSeconds,
        }),
        rateLimit: new CallerRateLimit(DynamoDBDocumentClient.from(options.dynamoDb), options.tableName, {
          requests: iceServersDefaults.requestsPerWindow,
          windowSeconds: iceServersDefaults.windowSeconds,
        }),
        retryAfterSeconds: iceServersDefaults.windowSeconds,
      })
    : undefined;
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== iceServersPath) return false;
    const answer = handler
      ? await handler(httpRequest(request, url))
      : { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'no TURN server here: start npm start with LOCAL_TURN=coturn' }) };
    response.writeHead(answer.statusCode, answer.headers).end(answer.body);
    return true;
  };
}

function httpRequest(request: IncomingMessage, url: URL): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(',') : value;
  return { method: request.method ?? 'GET', headers, query: Object.fromEntries(url.searchParams), sourceIp: request.socket.remoteAddress ?? 'unknown' };
}
