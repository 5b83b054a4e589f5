import type { ReadFailures } from './read-failures.js';

/** How long reading must have failed before a wait for the drain gives up. */
const unreadableAfterMs = 2_000;

/**
 * Counts the poller's rounds to tell when everything written to the stream before a moment
 * has been handled: a whole round that started after that moment found nothing new and
 * nothing waiting for a retry.
 */
export class DrainWatch {
  private rounds = 0;
  private quietRounds = 0;
  /** Waiters, told after every round. */
  private readonly watchers = new Set<() => void>();

  constructor(private readonly failures: ReadFailures) {}

  roundEnded(busy: boolean): void {
    this.rounds++;
    this.quietRounds = busy ? 0 : this.quietRounds + 1;
    for (const watcher of [...this.watchers]) watcher();
  }

  /**
   * Resolves once the stream is drained; rejects after `timeoutMs`, or as soon as the stream
   * has been unreadable for a while: waiting on DynamoDB that is gone would only delay a shutdown.
   */
  drained(timeoutMs: number): Promise<void> {
    // The round under way may have read before the call, so it does not count.
    const firstCountingRound = this.rounds + 2;
    return new Promise<void>((resolve, reject) => {
      let unreadableTimer: NodeJS.Timeout | undefined;
      const finish = (error?: Error) => {
        this.watchers.delete(check);
        clearTimeout(deadline);
        clearTimeout(unreadableTimer);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (this.rounds >= firstCountingRound && this.quietRounds > 0) return finish();
        const since = this.failures.failingSince;
        if (since === undefined) return;
        const left = since + unreadableAfterMs - Date.now();
        if (left <= 0) return finish(new Error(`the stream cannot be read: ${this.failures.lastError}`));
        clearTimeout(unreadableTimer);
        unreadableTimer = setTimeout(check, left);
      };
      const deadline = setTimeout(() => finish(new Error(`stream not drained within ${timeoutMs} ms`)), timeoutMs);
      this.watchers.add(check);
      check();
    });
  }
}
