/** How the server kept up with the load, judged from the delivery latency of each progress window. */
export interface Saturation {
  /** Still behind at the end of the run: it cannot hold this load. */
  readonly saturated: boolean;
  /** Seconds spent behind in all (a burst of joins can put it behind for a while). */
  readonly behindSeconds: number;
  /** When it last fell behind, if it did. */
  readonly sinceSeconds?: number;
  /** The highest window p50. */
  readonly peakP50Ms: number;
}

export type SaturationChange = { readonly kind: 'fell-behind'; readonly p50FromMs: number; readonly p50ToMs: number } | { readonly kind: 'caught-up' };

/** Consecutive windows whose p50 each grew by this factor at least: a queue building up. */
const risingWindows = 3;
const risingFactor = 1.2;
/** A rise below this is noise on a quiet run; below it again, the server has caught up. */
const noticeableMs = 250;
/** A median delivery this slow is behind on its own: y-webrtc users give up within seconds. */
const tooSlowMs = 1_000;

/**
 * Watches the delivery latency of each progress window. A server that keeps up answers as
 * fast at the end as at the start; one that cannot queues frames, and the latency climbs
 * window after window while the error count stays at zero.
 */
export class SaturationWatch {
  private readonly windows: { readonly atSeconds: number; readonly p50: number }[] = [];
  private behindSince: number | undefined;
  private lastBehindSince: number | undefined;
  private behindSeconds = 0;
  private peak = 0;
  private lastAt = 0;
  /** No deliveries since the last window that had some. */
  private quietSince: number | undefined;

  /** Takes one window's p50 (NaN: no deliveries); says when the server fell behind or caught up. */
  observe(atSeconds: number, p50: number): SaturationChange | undefined {
    const previousAt = this.lastAt;
    this.lastAt = atSeconds;
    if (Number.isNaN(p50)) {
      this.quietSince ??= previousAt;
      return undefined;
    }
    if (this.behindSince !== undefined) this.behindSeconds += atSeconds - (this.quietSince ?? previousAt);
    this.quietSince = undefined;
    this.peak = Math.max(this.peak, p50);
    this.windows.push({ atSeconds, p50 });
    if (this.behindSince === undefined) {
      const recent = this.windows.slice(-(risingWindows + 1));
      const rising =
        recent.length === risingWindows + 1 && recent.every((window, index) => index === 0 || window.p50 >= risingFactor * recent[index - 1]!.p50);
      if ((rising && p50 >= noticeableMs) || p50 >= tooSlowMs) {
        const from = rising ? recent[0]! : { atSeconds, p50 };
        this.behindSince = from.atSeconds;
        this.lastBehindSince = from.atSeconds;
        // Behind since the rise began, not since it was noticed.
        this.behindSeconds += atSeconds - from.atSeconds;
        return { kind: 'fell-behind', p50FromMs: from.p50, p50ToMs: p50 };
      }
    } else if (p50 < noticeableMs) {
      this.behindSince = undefined;
      return { kind: 'caught-up' };
    }
    return undefined;
  }

  /**
   * @param framesWaiting frames sent whose delivery is still awaited at the end. A server that
   * was behind and then had nothing more to deliver caught up if none is waiting: a wave of
   * reconnects on a room that then goes quiet is worked off, not a queue.
   */
  verdict(framesWaiting = 0): Saturation {
    const quiet = this.quietSince !== undefined;
    // Quiet with frames still waiting: it stopped delivering, whether or not it was flagged before.
    const stalled = quiet && framesWaiting > 0;
    const behindAtEnd = stalled || (this.behindSince !== undefined && !quiet);
    const since = this.behindSince ?? (stalled ? this.quietSince : undefined) ?? this.lastBehindSince;
    const quietBehind = stalled ? this.lastAt - Math.max(this.quietSince!, this.behindSince ?? this.quietSince!) : 0;
    return {
      saturated: behindAtEnd,
      behindSeconds: this.behindSeconds + quietBehind,
      ...(since !== undefined ? { sinceSeconds: since } : {}),
      peakP50Ms: this.peak,
    };
  }
}
