import { describe, expect, it } from 'vitest';
import { invocationTiming, lambdaLatency } from '../../src/local/gateway-timing.js';

const delays = (seed: number, count: number) => {
  const timing = invocationTiming('aws', seed);
  return Array.from({ length: count }, () => timing.delayOf('message'));
};

describe('gateway timing', () => {
  it('adds no latency and keeps frames in order by default', () => {
    const timing = invocationTiming('in-order', 7);
    expect(timing.parallel).toBe(false);
    expect(Array.from({ length: 100 }, () => timing.delayOf('message')).every((delay) => delay === 0)).toBe(true);
    expect(invocationTiming('parallel', 7)).toMatchObject({ parallel: true });
    expect(invocationTiming('parallel', 7).delayOf('message')).toBe(0);
  });

  it('replays the same Lambda-like latencies from the same seed, and others from another', () => {
    expect(delays(1234, 50)).toEqual(delays(1234, 50));
    expect(delays(1234, 50)).not.toEqual(delays(1235, 50));
  });

  it('is mostly warm (a few ms to tens of ms), with about a tenth cold (hundreds of ms to over a second)', () => {
    const all = delays(99, 5_000);
    const cold = all.filter((delay) => delay >= lambdaLatency.coldMs[0]);
    expect(cold.length / all.length).toBeGreaterThan(0.07);
    expect(cold.length / all.length).toBeLessThan(0.13);
    expect(Math.max(...cold)).toBeGreaterThan(1_000);
    const warm = all.filter((delay) => delay < lambdaLatency.coldMs[0]).sort((a, b) => a - b);
    expect(warm[Math.floor(warm.length / 2)]).toBeLessThan(15);
    expect(warm.at(-1)).toBeLessThanOrEqual(lambdaLatency.warmMs[1]);
    expect(invocationTiming('aws', 1).parallel).toBe(true);
  });
});
