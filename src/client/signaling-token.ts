/** A token for the signaling server, and when it stops being valid, if that is known. */
export interface SignalingToken {
  readonly token: string;
  /** Milliseconds since the epoch; read from a JWT's `exp` when a bare string is given. */
  readonly expiresAt?: number;
}

/** What `getToken()` may return: a JWT or any other string, or the token with its expiry. */
export type TokenResult = string | SignalingToken;

export function signalingToken(result: TokenResult): SignalingToken {
  const given = typeof result === 'string' ? { token: result } : result;
  if (typeof given?.token !== 'string' || given.token === '') {
    throw new TypeError(`getToken() must return a non-empty string or { token, expiresAt? }, not ${JSON.stringify(result)}`);
  }
  if (given.expiresAt !== undefined) return given;
  const expiresAt = jwtExpiry(given.token);
  return expiresAt === undefined ? { token: given.token } : { token: given.token, expiresAt };
}

/** The `exp` of a JWT, in milliseconds; undefined for anything that is not a JWT with one. Not verified: the server does that. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(decodeBase64Url(payload));
    const exp = (claims as { exp?: unknown })?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function decodeBase64Url(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(base64);
  return new TextDecoder().decode(Uint8Array.from(binary, (character) => character.charCodeAt(0)));
}

/** `url` with its token query parameter set to `token` (replaced when it has one). */
export function urlWithToken(url: string, parameter: string, token: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(parameter, token);
  return parsed.toString();
}

/** `url` without its token query parameter: what identifies the server. */
export function urlWithoutToken(url: string, parameter: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete(parameter);
  return parsed.toString();
}

/** The token a URL carries, if any. */
export function tokenInUrl(url: string, parameter: string): string | undefined {
  return new URL(url).searchParams.get(parameter) ?? undefined;
}
