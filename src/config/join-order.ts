import { choiceFromEnvironment } from './choice.js';
import type { Environment } from './environment.js';

/**
 * How a room orders its joins (docs/architecture.md, "Join order").
 * - `room` (default): every subscription gets one place in its room's order, kept in one
 *   DynamoDB item; an announce reaches the subscribers placed before its sender. Of two
 *   peers joining together, exactly one receives the other's announce, however Lambda
 *   schedules their frames.
 * - `arrival`: the reference server's rule: a publish reaches whoever is subscribed when the
 *   server gets to it. Joins that overlap can then glare or stall.
 */
export const joinOrders = ['room', 'arrival'] as const;
export type JoinOrder = (typeof joinOrders)[number];

export const defaultJoinOrder: JoinOrder = 'room';
export const joinOrderEnvironmentVariable = 'JOIN_ORDER';

export function joinOrderFromEnvironment(env: Environment): JoinOrder {
  return choiceFromEnvironment(env, joinOrderEnvironmentVariable, joinOrders, defaultJoinOrder);
}
