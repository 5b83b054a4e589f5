import { describe, expect, it } from 'vitest';
import { PublishRateLimiter } from '../../src/signaling/publish-rate-limiter.js';

describe('PublishRateLimiter', () => {
  it('allows a burst, then the rate, per connection', () => {
    let now = 0;
    const limiter = new PublishRateLimiter(10, 5, 100, () => now);
    const burst = Array.from({ length: 7 }, () => limiter.allow('a'));
    expect(burst).toEqual([true, true, true, true, true, false, false]);
    expect(limiter.allow('b')).toBe(true);
    now += 100;
    expect(limiter.allow('a')).toBe(true);
    expect(limiter.allow('a')).toBe(false);
    now += 10_000;
    expect(Array.from({ length: 6 }, () => limiter.allow('a')).filter(Boolean)).toHaveLength(5);
  });

  it('forgets the least recently seen connections beyond its size', () => {
    const limiter = new PublishRateLimiter(1, 1, 2, () => 0);
    expect(limiter.allow('a')).toBe(true);
    expect(limiter.allow('a')).toBe(false);
    limiter.allow('b');
    limiter.allow('c');
    // 'a' was dropped, so it starts again with a full bucket.
    expect(limiter.allow('a')).toBe(true);
  });
});
