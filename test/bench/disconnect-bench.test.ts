import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { runDisconnectBench } from '../../src/bench/disconnect/run.js';
import { checkTargets } from '../../src/bench/disconnect/report.js';

describe('bench:disconnect --quick', () => {
  it('keeps our disconnect flat at the model minimum while the predecessor’s Scan grows past 10×', async () => {
    const results = await runDisconnectBench({
      endpoint: inject('dynamodbEndpoint'),
      tableSizes: [100, 1_000, 10_000],
      topicCounts: [1, 10],
      repetitions: 2,
      peersPerRoom: 1,
    });
    const checks = checkTargets(results);
    expect(checks.map((check) => check.target)).toContain('predecessor ≥ 10× ours at T=10000 (k=1)');
    expect(checks.filter((check) => !check.holds)).toEqual([]);
    const predecessor = results.filter((row) => row.design === 'predecessor' && row.topics === 1);
    expect(predecessor.at(-1)!.readUnits).toBeGreaterThan(predecessor[0]!.readUnits * 20);
  }, 180_000);
});
