import type { AuthConfig } from '../auth/auth-config.js';
import { ConnectionAuthorizer } from '../auth/connection-authorizer.js';
import type { ConnectionCheck } from '../demo/demo-state.js';
import type { ConnectionChecker } from '../demo/demo-site.js';
import { allows, scopeFromContext, type RoomScope } from '../signaling/room-scope.js';

/**
 * The demo page's question "why am I not connected?", answered with the decision the
 * runtime's own `$connect` authorizer makes, reason included, and whether the token's rooms
 * include the page's room. Without authorization every connection and room is allowed.
 */
export function connectionChecker(auth: AuthConfig | undefined): ConnectionChecker {
  // A key kept in Secrets Manager is only read on AWS; locally the authorizer has its settings as given.
  const authorizer = auth ? new ConnectionAuthorizer(auth) : undefined;
  return async ({ token, origin, room }): Promise<ConnectionCheck> => {
    if (!authorizer) return { status: 200, roomAllowed: true, rooms: 'any' };
    const decision = await authorizer.authorize({ token, origin });
    if (decision.kind === 'unauthorized') return { status: 401, reason: decision.reason };
    if (decision.kind === 'forbidden') return { status: 403, reason: decision.reason };
    const scope = scopeFromContext(decision.context['rooms']);
    return { status: 200, roomAllowed: allows(scope, room), rooms: listed(scope) };
  };
}

function listed(scope: RoomScope): 'any' | string[] {
  return scope.kind === 'any' ? 'any' : [...scope.rooms, ...scope.prefixes.map((prefix) => `${prefix}*`)];
}
