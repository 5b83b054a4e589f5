/**
 * A token bucket per connection, in the memory of one function container: it costs no
 * DynamoDB write per message. A connection whose frames land on several containers gets
 * the allowance once per container, so the limit is a ceiling on abuse, not an exact quota.
 */
export class PublishRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxTracked = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one publish from the connection's allowance; false when it has none left. */
  allow(connectionId: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(connectionId) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    // Re-inserted, so the map's order is least recently used first.
    this.buckets.delete(connectionId);
    this.buckets.set(connectionId, bucket);
    if (this.buckets.size > this.maxTracked) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
