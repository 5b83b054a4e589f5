import type { FunctionName } from '../gateway/routes.js';

/**
 * How the local gateway hands frames to the functions (GATEWAY_TIMING):
 * - `in-order` (default): a connection's frames one after the other, at once.
 * - `parallel`: each frame as soon as it arrives, so a connection's frames overlap.
 * - `aws`: parallel, and every invocation waits first as long as Lambda might take to get
 *   to it: most a few ms to tens of ms, a share "cold" from hundreds of ms to over a second.
 *   The waits come from a seeded random source, so a failing run can be replayed with its seed.
 */
export const gatewayTimings = ['in-order', 'parallel', 'aws'] as const;
export type GatewayTimingMode = (typeof gatewayTimings)[number];

export interface InvocationTiming {
  readonly mode: GatewayTimingMode;
  /** Seed of the random waits (`aws` only). */
  readonly seed: number;
  /** Whether a connection's frames may overlap. */
  readonly parallel: boolean;
  /** How long to wait before invoking `fn`, in milliseconds. */
  delayOf(fn: FunctionName): number;
}

/** Share of invocations that meet a cold container, and its range of extra latency. */
export const lambdaLatency = {
  coldShare: 0.1,
  coldMs: [200, 1_300],
  /** Warm invocations: skewed towards the low end of this range. */
  warmMs: [1, 60],
} as const;

export function invocationTiming(mode: GatewayTimingMode, seed: number): InvocationTiming {
  const random = seededRandom(seed);
  return {
    mode,
    seed,
    parallel: mode !== 'in-order',
    delayOf: () => (mode === 'aws' ? lambdaLikeDelay(random) : 0),
  };
}

function lambdaLikeDelay(random: () => number): number {
  if (random() < lambdaLatency.coldShare) {
    const [low, high] = lambdaLatency.coldMs;
    return low + random() * (high - low);
  }
  const [low, high] = lambdaLatency.warmMs;
  return low + random() ** 3 * (high - low);
}

/** mulberry32: small, fast and good enough for test timing; the same seed gives the same waits. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
