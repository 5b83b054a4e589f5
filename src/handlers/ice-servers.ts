import type { ConnectionAuthorizer } from '../auth/connection-authorizer.js';
import { allows, scopeFromContext } from '../signaling/room-scope.js';
import type { IceServersOutcome } from '../config/metrics.js';
import type { IceServerSource, IceServers } from '../turn/ice-servers.js';

/** An HTTPS request as the endpoint sees it (a Lambda function URL event, or `npm start`'s HTTP server). */
export interface HttpRequest {
  readonly method: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly sourceIp: string;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface IceServersDependencies {
  /** The `$connect` authorizer's checks; undefined: authorization off, anyone may ask. */
  readonly authorizer: Pick<ConnectionAuthorizer, 'authorize'> | undefined;
  readonly source: IceServerSource;
  readonly rateLimit: { allow(caller: string): Promise<boolean> };
  /** Seconds until a limited caller may ask again, for Retry-After. */
  readonly retryAfterSeconds: number;
  readonly onOutcome?: (outcome: IceServersOutcome) => void;
  /** Told when the source gave no credentials (the caller got a 503). */
  readonly onUnavailable?: (error: unknown) => void;
}

export type { IceServersOutcome } from '../config/metrics.js';

/** Seconds a client should wait after a 503 before it asks again. */
const unavailableRetryAfterSeconds = 5;

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

/**
 * GET ?room=… with the signaling token (`Authorization: Bearer …`, or `?token=` as on the
 * WebSocket): the ICE servers for that room, TURN credentials included, under the same
 * checks as `$connect` and the same room scope, rate-limited per caller.
 */
export function iceServersHandler(deps: IceServersDependencies): (request: HttpRequest) => Promise<HttpResponse> {
  const refuse = (outcome: IceServersOutcome, statusCode: number, error: string, headers?: Record<string, string>) => {
    deps.onOutcome?.(outcome);
    return json(statusCode, { error }, headers);
  };
  return async (request) => {
    if (request.method !== 'GET') return refuse('bad-request', 405, 'only GET', { allow: 'GET' });
    const room = request.query['room'];
    if (!room) return refuse('bad-request', 400, 'room is required: ?room=<the room the peer connections are for>');
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers['authorization'] ?? '')?.[1];
    const token = bearer ?? request.query['token'];
    const decision = deps.authorizer ? await deps.authorizer.authorize({ token, origin: request.headers['origin'] }) : undefined;
    if (decision?.kind === 'unauthorized') return refuse('unauthorized', 401, token ? decision.reason : 'no token (Authorization: Bearer, or ?token=)');
    if (decision?.kind === 'forbidden') return refuse('forbidden', 403, decision.reason);
    if (decision && !allows(scopeFromContext(decision.context['rooms']), room)) return refuse('forbidden', 403, `the token does not allow the room "${room}"`);
    const principal = decision?.context['sub'];
    const caller = principal ? `sub:${principal}` : `ip:${request.sourceIp}`;
    if (!(await deps.rateLimit.allow(caller))) {
      return refuse('limited', 429, 'too many requests for ICE servers: ask again later', { 'retry-after': String(deps.retryAfterSeconds) });
    }
    let servers: IceServers;
    try {
      servers = await deps.source.iceServers(principal ?? request.sourceIp);
    } catch (error) {
      deps.onUnavailable?.(error);
      return refuse('unavailable', 503, 'no TURN credentials can be had right now: ask again shortly', { 'retry-after': String(unavailableRetryAfterSeconds) });
    }
    deps.onOutcome?.('issued');
    return json(200, servers);
  };
}
