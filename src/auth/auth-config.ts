import { ConfigurationError } from '../config/limits.js';
import type { Environment } from '../config/environment.js';

/** How connections are authorized on `$connect`. Off unless one of the variables is set. */
export interface AuthConfig {
  /** HS256 shared secret (AUTH_JWT_SECRET). */
  readonly secret?: string;
  /** Secrets Manager secret holding the HS256 key, read at run time (AUTH_JWT_SECRET_ID: its ARN or name). */
  readonly secretId?: string;
  /** JWKS of an identity provider, for RS256 and ES256 tokens (AUTH_JWKS_URL). */
  readonly jwksUrl?: URL;
  /** Required `iss` (AUTH_ISSUER). */
  readonly issuer?: string;
  /** Required `aud` (AUTH_AUDIENCE). */
  readonly audience?: string;
  /** The claim that lists the rooms a token may use (AUTH_ROOMS_CLAIM, default `rooms`). */
  readonly roomsClaim: string;
  /** Origins allowed to connect, exact (AUTH_ALLOWED_ORIGINS, comma-separated). */
  readonly allowedOrigins?: readonly string[];
}

export const authEnvironmentVariables = [
  'AUTH_JWT_SECRET',
  'AUTH_JWT_SECRET_ID',
  'AUTH_JWKS_URL',
  'AUTH_ISSUER',
  'AUTH_AUDIENCE',
  'AUTH_ROOMS_CLAIM',
  'AUTH_ALLOWED_ORIGINS',
] as const;

/** The authorization settings, or undefined when authorization is off. */
export function authConfigFromEnvironment(env: Environment): AuthConfig | undefined {
  const secret = env['AUTH_JWT_SECRET'] || undefined;
  const secretId = env['AUTH_JWT_SECRET_ID'] || undefined;
  const jwks = env['AUTH_JWKS_URL'] || undefined;
  const origins = (env['AUTH_ALLOWED_ORIGINS'] ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  if (!secret && !secretId && !jwks && origins.length === 0) return undefined;
  if ([secret, secretId, jwks].filter(Boolean).length > 1) {
    throw new ConfigurationError('set one of AUTH_JWT_SECRET, AUTH_JWT_SECRET_ID and AUTH_JWKS_URL, not several');
  }
  if (secret) checkKeyLength(secret, 'AUTH_JWT_SECRET');
  const issuer = env['AUTH_ISSUER'] || undefined;
  const audience = env['AUTH_AUDIENCE'] || undefined;
  if ((secret || secretId || jwks) && (!issuer || !audience)) {
    throw new ConfigurationError('token checks need AUTH_ISSUER and AUTH_AUDIENCE: the iss and aud your tokens carry');
  }
  let jwksUrl: URL | undefined;
  if (jwks) {
    try {
      jwksUrl = new URL(jwks);
    } catch {
      throw new ConfigurationError(`AUTH_JWKS_URL is not a URL: ${jwks}`);
    }
  }
  return {
    ...(secret ? { secret } : {}),
    ...(secretId ? { secretId } : {}),
    ...(jwksUrl ? { jwksUrl } : {}),
    ...(issuer ? { issuer } : {}),
    ...(audience ? { audience } : {}),
    roomsClaim: env['AUTH_ROOMS_CLAIM'] || 'rooms',
    ...(origins.length > 0 ? { allowedOrigins: origins } : {}),
  };
}

/** Whether tokens are checked (not only origins). */
export function checksTokens(config: AuthConfig): boolean {
  return config.secret !== undefined || config.secretId !== undefined || config.jwksUrl !== undefined;
}

/** HS256 needs a key of 256 bits at least; `source` names where the key came from. */
export function checkKeyLength(key: string, source: string): void {
  if (Buffer.byteLength(key) < 32) {
    throw new ConfigurationError(`${source} must be at least 32 bytes (HS256 needs a 256-bit key)`);
  }
}
