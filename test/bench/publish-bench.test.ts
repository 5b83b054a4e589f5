import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureFanOut } from '../../src/bench/publish/run.js';
import { CommandCounter } from '../../src/tools/command-counter.js';
import { startReferenceServer, type ReferenceServer } from '../../src/tools/reference-server.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { startTestRuntime } from '../support/runtime.js';

let runtime: LocalRuntime;
let reference: ReferenceServer;
beforeAll(async () => {
  [runtime, reference] = await Promise.all([startTestRuntime(), startReferenceServer()]);
});
afterAll(() => Promise.all([runtime?.stop(), reference?.stop()]));

describe('bench:publish', () => {
  it('measures fan-out latency on both servers, and one strongly consistent Query (one read unit up to 4 KB) per publish on ours', async () => {
    const meter = new CommandCounter(runtime.dependencies.dynamoDb, { consumedCapacity: true });
    const theirs = await measureFanOut({ name: 'reference', url: reference.url }, 10, 5);
    const ours = await measureFanOut(
      {
        name: 'ours',
        url: runtime.url,
        onMeasureStart: () => meter.reset(),
        // Queries and read units only: the receivers' subscribes may still be writing their places.
        onMeasureEnd: (publishes) => ({ queries: (meter.reading().byCommand['Query'] ?? 0) / publishes, readUnits: meter.reading().readUnits / publishes }),
      },
      10,
      5,
    );
    for (const row of [theirs, ours]) {
      expect(row.p50Ms).toBeGreaterThan(0);
      expect(row.p99Ms).toBeGreaterThanOrEqual(row.p50Ms);
    }
    expect(ours.extra).toEqual({ queries: 1, readUnits: 1 });
  });
});
