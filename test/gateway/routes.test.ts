import { describe, expect, it } from 'vitest';
import { routes, selectRoute } from '../../src/gateway/routes.js';

describe('route selection on $request.body.type', () => {
  it.each([
    ['{"type":"subscribe","topics":[]}', 'subscribe'],
    ['{"type":"unsubscribe"}', 'unsubscribe'],
    ['{"type":"publish","topic":"r"}', 'publish'],
    ['{"type":"ping"}', 'ping'],
    ['{"type":"other"}', '$default'],
    ['{"type":"$connect"}', '$default'],
    ['{"type":"constructor"}', '$default'],
    ['{"type":1}', '$default'],
    ['not json', '$default'],
    ['[1]', '$default'],
  ])('routes %s to %s', (frame, route) => {
    expect(selectRoute(frame)).toBe(route);
  });

  it('answers ping without a function', () => {
    expect(routes.ping).toEqual({ kind: 'mock', response: '{"type":"pong"}' });
  });
});
