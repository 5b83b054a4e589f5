/** When the server fell behind: delivery latency that only rose, or a p50 past what any user waits. */
export interface Saturation {
  /** Seconds into the run when the rise began. */
  readonly sinceSeconds: number;
  readonly p50FromMs: number;
  readonly p50ToMs: number;
}

/** Consecutive progress windows whose p50 each grew by this factor at least. */
const risingWindows = 3;
const risingFactor = 1.2;
/** A rise below this is noise on a quiet run. */
const noticeableMs = 250;
/** A median delivery this slow is saturation on its own: y-webrtc users give up within seconds. */
const tooSlowMs = 1_000;

/**
 * Watches the delivery latency of each progress window. A server that keeps up answers as
 * fast at the end as at the start; one that cannot queues frames, and the latency climbs
 * window after window while the error count stays at zero.
 */
export class SaturationWatch {
  private readonly windows: { readonly atSeconds: number; readonly p50: number }[] = [];
  private found: Saturation | undefined;

  get saturation(): Saturation | undefined {
    return this.found;
  }

  /** Takes one window's p50; returns the saturation when this window is where it is first seen. */
  observe(atSeconds: number, p50: number): Saturation | undefined {
    if (Number.isNaN(p50) || this.found) return undefined;
    this.windows.push({ atSeconds, p50 });
    const recent = this.windows.slice(-(risingWindows + 1));
    const rising =
      recent.length === risingWindows + 1 && recent.every((window, index) => index === 0 || window.p50 >= risingFactor * recent[index - 1]!.p50);
    if ((rising && p50 >= noticeableMs) || p50 >= tooSlowMs) {
      const from = rising ? recent[0]! : { atSeconds, p50 };
      this.found = { sinceSeconds: from.atSeconds, p50FromMs: from.p50, p50ToMs: p50 };
      return this.found;
    }
    return undefined;
  }
}
