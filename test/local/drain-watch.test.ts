import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DrainWatch } from '../../src/local/drain-watch.js';
import { ReadFailures } from '../../src/local/read-failures.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function watch() {
  const log: string[] = [];
  const failures = new ReadFailures((line) => log.push(line));
  return { failures, drain: new DrainWatch(failures), log };
}

/** Whether the promise has settled once pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe('DrainWatch', () => {
  it('waits for a quiet round that began after the question, not the one under way', async () => {
    const { drain } = watch();
    const drained = drain.drained(30_000);
    drain.roundEnded(false);
    expect(await settled(drained)).toBe(false);
    drain.roundEnded(true);
    expect(await settled(drained)).toBe(false);
    drain.roundEnded(false);
    expect(await settled(drained)).toBe(true);
  });

  it('gives up after the timeout', async () => {
    const { drain } = watch();
    const drained = drain.drained(1_000);
    const rejected = expect(drained).rejects.toThrow('stream not drained within 1000 ms');
    await vi.advanceTimersByTimeAsync(1_000);
    await rejected;
  });

  it('gives up two seconds into a streak of failed reads, without waiting for the next round', async () => {
    const { drain, failures } = watch();
    const drained = drain.drained(30_000);
    failures.failed(new Error('connect ECONNREFUSED'));
    drain.roundEnded(true);
    await vi.advanceTimersByTimeAsync(1_900);
    expect(await settled(drained)).toBe(false);
    const rejected = expect(drained).rejects.toThrow('the stream cannot be read: Error: connect ECONNREFUSED');
    await vi.advanceTimersByTimeAsync(100);
    await rejected;
  });

  it('keeps waiting when reading works again in time', async () => {
    const { drain, failures } = watch();
    const drained = drain.drained(30_000);
    failures.failed(new Error('down'));
    drain.roundEnded(true);
    failures.succeeded();
    drain.roundEnded(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await settled(drained)).toBe(true);
  });
});

describe('ReadFailures', () => {
  it('tells the start and the end of a streak once each, backing off longer along it, up to 2 s', () => {
    const { failures, log } = watch();
    const waits = [1, 2, 3, 4, 5, 6].map(() => failures.failed(new Error('down')));
    expect(waits).toEqual([200, 400, 800, 1_600, 2_000, 2_000]);
    failures.succeeded();
    failures.succeeded();
    expect(log).toEqual([
      'stream poller: cannot read the stream, retrying until it can (Error: down)',
      'stream poller: reading the stream again after 6 failed attempts',
    ]);
    expect(failures.failingSince).toBeUndefined();
  });
});
