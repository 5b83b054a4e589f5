import { describe, expect, it } from 'vitest';
import { SaturationWatch } from '../../src/loadtest/saturation.js';

const run = (p50s: readonly number[]) => {
  const watch = new SaturationWatch();
  const changes = p50s.map((p50, index) => watch.observe(2 * (index + 1), p50)?.kind);
  return { verdict: watch.verdict(), changes };
};

describe('saturation', () => {
  it('is a latency that climbs window after window to the end, as on the user report (1 s to 10 s in 18 s)', () => {
    const { verdict, changes } = run([40, 45, 38, 120, 400, 1_000, 2_500, 5_000, 10_000]);
    expect(changes.indexOf('fell-behind')).toBe(5);
    // Behind from the start of the rise (6 s) to the end of the run (18 s), though noticed at 12 s.
    expect(verdict).toEqual({ saturated: true, behindSeconds: 12, sinceSeconds: 6, peakP50Ms: 10_000 });
  });

  it('is found on a steady rise that stays under a second', () => {
    expect(run([100, 130, 170, 220, 290, 380]).verdict).toMatchObject({ saturated: true, sinceSeconds: 4 });
  });

  it('is not a burst of joins the server works off: it fell behind and caught up', () => {
    const { verdict, changes } = run([384, 1_636, 2_226, 623, 48, 93, 53]);
    expect(changes.filter(Boolean)).toEqual(['fell-behind', 'caught-up']);
    expect(verdict).toEqual({ saturated: false, behindSeconds: 6, sinceSeconds: 4, peakP50Ms: 2_226 });
  });

  it('is not a steady load, nor a small wobble on a quiet run', () => {
    expect(run([12, 15, 11, 14, 13, 12, 16, 12]).verdict).toMatchObject({ saturated: false, behindSeconds: 0 });
    expect(run([20, 30, 45, 70, 90]).verdict.saturated).toBe(false);
    expect(run([300, 320, 290, 310, 305]).verdict.saturated).toBe(false);
  });

  it('is not a wave the server worked off before the run went quiet, with nothing left waiting', () => {
    const watch = new SaturationWatch();
    [40, 45, 1_300, NaN, NaN].forEach((p50, index) => watch.observe(2 * (index + 1), p50));
    expect(watch.verdict(0)).toEqual({ saturated: false, behindSeconds: 0, sinceSeconds: 6, peakP50Ms: 1_300 });
    // The same windows with frames still waiting for delivery: quiet because stuck, not because done.
    expect(watch.verdict(3)).toEqual({ saturated: true, behindSeconds: 4, sinceSeconds: 6, peakP50Ms: 1_300 });
  });

  it('is a server that stops delivering before its latency is flagged, with frames left waiting', () => {
    const watch = new SaturationWatch();
    [40, 60, 90, NaN, NaN, NaN].forEach((p50, index) => watch.observe(2 * (index + 1), p50));
    expect(watch.verdict(25)).toEqual({ saturated: true, behindSeconds: 6, sinceSeconds: 6, peakP50Ms: 90 });
    // Without anything waiting, the run just went quiet.
    expect(watch.verdict(0)).toEqual({ saturated: false, behindSeconds: 0, peakP50Ms: 90 });
  });

  it('skips windows without deliveries', () => {
    expect(run([NaN, NaN, 50, NaN, 60]).verdict).toEqual({ saturated: false, behindSeconds: 0, peakP50Ms: 60 });
  });
});
