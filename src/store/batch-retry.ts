import { jitter, sleep } from '../shared/delay.js';

/**
 * Runs a batch write until nothing comes back unprocessed, backing off between attempts.
 * BatchWriteItem returns UnprocessedItems under throttling, and the SDK does not retry them.
 */
export async function untilAllProcessed<T>(
  items: readonly T[],
  write: (items: readonly T[]) => Promise<readonly T[]>,
  attempts: number,
  baseDelayMs = 25,
): Promise<void> {
  let pending = items;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > attempts) {
      throw new UnprocessedItemsError(pending.length, attempts);
    }
    if (attempt > 1) await sleep(jitter(baseDelayMs * 2 ** (attempt - 2)));
    pending = await write(pending);
  }
}

export class UnprocessedItemsError extends Error {
  override readonly name = 'UnprocessedItemsError';
  constructor(readonly count: number, attempts: number) {
    super(`${count} items still unprocessed after ${attempts} batch write attempts`);
  }
}
