import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { checksTokens, type AuthConfig } from './auth-config.js';
import { InvalidScopeError, scopeFromClaim, scopeToContext } from '../signaling/room-scope.js';

export interface ConnectionRequest {
  /** From the query string: `wss://host/?token=…`, so unmodified y-webrtc clients can send it. */
  readonly token: string | undefined;
  readonly origin: string | undefined;
}

export type AuthorizationDecision =
  | { readonly kind: 'allow'; readonly principalId: string; readonly context: Readonly<Record<string, string>> }
  /** No or unusable credentials: HTTP 401. */
  | { readonly kind: 'unauthorized'; readonly reason: string }
  /** Credentials fine, access not: HTTP 403. */
  | { readonly kind: 'forbidden'; readonly reason: string };

const hs256 = ['HS256'];
const asymmetric = ['RS256', 'ES256'];

/** Decides whether a WebSocket may connect, and with which rooms. Never throws for a bad token. */
export class ConnectionAuthorizer {
  private readonly key: Uint8Array | JWTVerifyGetKey | undefined;

  constructor(private readonly config: AuthConfig) {
    if (config.secret) this.key = new TextEncoder().encode(config.secret);
    else if (config.jwksUrl) this.key = createRemoteJWKSet(config.jwksUrl);
    else if (config.secretId) throw new Error('read the key of the secret first and pass it as `secret`');
  }

  async authorize(request: ConnectionRequest): Promise<AuthorizationDecision> {
    const { allowedOrigins } = this.config;
    if (allowedOrigins && (!request.origin || !allowedOrigins.includes(request.origin))) {
      return { kind: 'forbidden', reason: `origin ${request.origin ?? '(none)'} is not allowed` };
    }
    if (!checksTokens(this.config)) return { kind: 'allow', principalId: 'anonymous', context: {} };
    if (!request.token) return { kind: 'unauthorized', reason: 'no token in the query string' };

    let payload: JWTPayload;
    try {
      payload = await this.verify(request.token);
    } catch (error) {
      return { kind: 'unauthorized', reason: describe(error) };
    }
    try {
      const rooms = scopeToContext(scopeFromClaim(payload[this.config.roomsClaim]));
      return {
        kind: 'allow',
        principalId: payload.sub ?? 'unknown',
        context: { ...(payload.sub ? { sub: payload.sub } : {}), ...(rooms !== undefined ? { rooms } : {}) },
      };
    } catch (error) {
      if (error instanceof InvalidScopeError) return { kind: 'forbidden', reason: error.message };
      throw error;
    }
  }

  private async verify(token: string): Promise<JWTPayload> {
    const options = {
      issuer: this.config.issuer!,
      audience: this.config.audience!,
      algorithms: this.config.secret ? hs256 : asymmetric,
      requiredClaims: ['exp'],
    };
    const { payload } =
      this.key instanceof Uint8Array ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key!, options);
    return payload;
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `token claim ${error.claim} is not accepted`;
  if (error instanceof errors.JOSEError) return `token rejected (${error.code})`;
  return 'token rejected';
}
