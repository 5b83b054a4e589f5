/**
 * A streak of failed stream reads (DynamoDB gone, or not up yet): told once when it starts
 * and once when it ends, not on every retry, with a backoff that grows along the streak.
 */
export class ReadFailures {
  private streak: { readonly since: number; error: unknown; attempts: number } | undefined;

  constructor(private readonly log: (line: string) => void = (line) => console.error(line)) {}

  /** @returns how long to wait before the next read, in milliseconds */
  failed(error: unknown, now = Date.now()): number {
    if (this.streak) {
      this.streak.error = error;
      this.streak.attempts++;
    } else {
      this.streak = { since: now, error, attempts: 1 };
      this.log(`stream poller: cannot read the stream, retrying until it can (${describe(error)})`);
    }
    return Math.min(100 * 2 ** this.streak.attempts, 2_000);
  }

  succeeded(): void {
    if (!this.streak) return;
    this.log(`stream poller: reading the stream again after ${this.streak.attempts} failed attempts`);
    this.streak = undefined;
  }

  /** Since when every read has failed; undefined while reads work. */
  get failingSince(): number | undefined {
    return this.streak?.since;
  }

  get lastError(): string {
    return this.streak ? describe(this.streak.error) : 'none';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
