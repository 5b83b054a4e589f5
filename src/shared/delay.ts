export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Full jitter: a random delay up to the given one, so retries of many callers spread out. */
export function jitter(ms: number): number {
  return Math.random() * ms;
}
