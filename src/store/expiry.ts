import type { Limits } from '../config/limits.js';

/**
 * When an item of a connection may be reaped: the connection's latest possible end (API
 * Gateway closes every connection after its maximum duration) plus a grace period.
 * Epoch seconds, the unit DynamoDB TTL reads.
 */
export function expiryOf(
  connectedAtMs: number,
  limits: Pick<Limits, 'maxConnectionSeconds' | 'expiryGraceSeconds'>,
): number {
  return Math.floor(connectedAtMs / 1000) + limits.maxConnectionSeconds + limits.expiryGraceSeconds;
}

export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
