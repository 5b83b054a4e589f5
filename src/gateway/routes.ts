/**
 * The WebSocket API's routes. CDK deploys them and the local emulator applies them, from
 * this one table, so local and deployed route the same way.
 */
export const routeSelectionExpression = '$request.body.type';

/** The Lambda functions of the service. */
export type FunctionName = 'connect' | 'message' | 'disconnect';

export type RouteTarget =
  | { readonly kind: 'function'; readonly function: FunctionName }
  /** Answered by API Gateway itself (a MOCK integration with a route response): no Lambda runs. */
  | { readonly kind: 'mock'; readonly response: string };

export const routes = {
  $connect: { kind: 'function', function: 'connect' },
  $disconnect: { kind: 'function', function: 'disconnect' },
  $default: { kind: 'function', function: 'message' },
  subscribe: { kind: 'function', function: 'message' },
  unsubscribe: { kind: 'function', function: 'message' },
  publish: { kind: 'function', function: 'message' },
  ping: { kind: 'mock', response: JSON.stringify({ type: 'pong' }) },
} as const satisfies Record<string, RouteTarget>;

export type RouteKey = keyof typeof routes;

/**
 * The route API Gateway picks for a message frame with `$request.body.type`: the value of
 * the top-level `type` field when the frame is a JSON object with a route of that name,
 * `$default` otherwise (not JSON, no such route, connection routes).
 */
export function selectRoute(frame: string): RouteKey {
  let type: unknown;
  try {
    const body: unknown = JSON.parse(frame);
    type = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['type'] : undefined;
  } catch {
    return '$default';
  }
  if (typeof type !== 'string' || type.startsWith('$') || !Object.hasOwn(routes, type)) return '$default';
  return type as RouteKey;
}
