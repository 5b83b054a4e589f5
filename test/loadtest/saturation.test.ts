import { describe, expect, it } from 'vitest';
import { SaturationWatch } from '../../src/loadtest/saturation.js';

const run = (p50s: readonly number[]) => {
  const watch = new SaturationWatch();
  const seen = p50s.map((p50, index) => watch.observe(2 * (index + 1), p50));
  return { watch, firstAt: seen.findIndex((found) => found !== undefined) };
};

describe('saturation', () => {
  it('is found where delivery latency has risen window after window, as on the user report (1 s to 10 s in 18 s)', () => {
    const { watch, firstAt } = run([40, 45, 38, 120, 400, 1_000, 2_500, 5_000, 10_000]);
    expect(firstAt).toBe(5);
    expect(watch.saturation).toEqual({ sinceSeconds: 6, p50FromMs: 38, p50ToMs: 1_000 });
  });

  it('is found on a steady rise that stays under a second', () => {
    const { watch } = run([100, 130, 170, 220, 290, 380]);
    expect(watch.saturation).toEqual({ sinceSeconds: 4, p50FromMs: 130, p50ToMs: 290 });
  });

  it('is not a steady load, nor a small wobble on a quiet run', () => {
    expect(run([12, 15, 11, 14, 13, 12, 16, 12]).watch.saturation).toBeUndefined();
    expect(run([20, 30, 45, 70, 90]).watch.saturation).toBeUndefined();
    expect(run([300, 320, 290, 310, 305]).watch.saturation).toBeUndefined();
  });

  it('skips windows without deliveries', () => {
    expect(run([NaN, NaN, 50, NaN, 60]).watch.saturation).toBeUndefined();
  });
});
