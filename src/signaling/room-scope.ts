/**
 * Which rooms a connection may use, from a claim of its token: exact room names, and
 * prefixes written with a trailing `*` (`team-a/*`). No claim means every room.
 */
export type RoomScope =
  | { readonly kind: 'any' }
  | { readonly kind: 'listed'; readonly rooms: ReadonlySet<string>; readonly prefixes: readonly string[] };

export const anyRoom: RoomScope = { kind: 'any' };

export class InvalidScopeError extends Error {
  override readonly name = 'InvalidScopeError';
}

/** Reads the claim's value: an array of strings, or one string of space-separated entries (OAuth `scope` style). */
export function scopeFromClaim(value: unknown): RoomScope {
  if (value === undefined) return anyRoom;
  const entries = typeof value === 'string' ? value.split(' ').filter(Boolean) : value;
  if (!Array.isArray(entries) || !entries.every((entry) => typeof entry === 'string' && entry.length > 0)) {
    throw new InvalidScopeError('the rooms claim must be an array of non-empty strings or a space-separated string');
  }
  const rooms = new Set<string>();
  const prefixes: string[] = [];
  for (const entry of entries as string[]) {
    if (entry.endsWith('*')) prefixes.push(entry.slice(0, -1));
    else rooms.add(entry);
  }
  return { kind: 'listed', rooms, prefixes };
}

export function allows(scope: RoomScope, topic: string): boolean {
  if (scope.kind === 'any') return true;
  return scope.rooms.has(topic) || scope.prefixes.some((prefix) => topic.startsWith(prefix));
}

/**
 * API Gateway passes an authorizer's context to every route, but only as flat strings,
 * numbers and booleans: the scope travels as one JSON string.
 */
export function scopeToContext(scope: RoomScope): string | undefined {
  if (scope.kind === 'any') return undefined;
  return JSON.stringify([...scope.rooms, ...scope.prefixes.map((prefix) => `${prefix}*`)]);
}

export function scopeFromContext(value: unknown): RoomScope {
  if (value === undefined || value === null || value === '') return anyRoom;
  if (typeof value !== 'string') throw new InvalidScopeError('the authorizer context holds no rooms string');
  return scopeFromClaim(JSON.parse(value) as unknown);
}
