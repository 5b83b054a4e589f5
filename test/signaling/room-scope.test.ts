import { describe, expect, it } from 'vitest';
import { allows, anyRoom, InvalidScopeError, scopeFromClaim, scopeFromContext, scopeToContext } from '../../src/signaling/room-scope.js';

describe('room scope', () => {
  it('allows exact rooms and prefixes, and nothing else', () => {
    const scope = scopeFromClaim(['lobby', 'team-a/*']);
    expect(allows(scope, 'lobby')).toBe(true);
    expect(allows(scope, 'team-a/doc-1')).toBe(true);
    expect(allows(scope, 'team-a/')).toBe(true);
    expect(allows(scope, 'lobby2')).toBe(false);
    expect(allows(scope, 'team-b/doc-1')).toBe(false);
    expect(allows(scope, 'Lobby')).toBe(false);
  });

  it('reads a space-separated claim, and no claim as every room', () => {
    expect(allows(scopeFromClaim('a b/*'), 'b/x')).toBe(true);
    expect(scopeFromClaim(undefined)).toEqual(anyRoom);
    expect(allows(anyRoom, 'anything')).toBe(true);
  });

  it('refuses a claim that is not a list of names', () => {
    expect(() => scopeFromClaim([1])).toThrow(InvalidScopeError);
    expect(() => scopeFromClaim({ rooms: 'a' })).toThrow(InvalidScopeError);
    expect(() => scopeFromClaim(['ok', ''])).toThrow(InvalidScopeError);
  });

  it('travels through the authorizer context as one string and back', () => {
    const scope = scopeFromClaim(['lobby', 'team-a/*']);
    const context = scopeToContext(scope);
    expect(typeof context).toBe('string');
    expect(scopeFromContext(context)).toEqual(scope);
    expect(scopeToContext(anyRoom)).toBeUndefined();
    expect(scopeFromContext(undefined)).toEqual(anyRoom);
    expect(() => scopeFromContext('{not json')).toThrow();
  });
});
