import { percentiles, type Percentiles } from '../tools/stats.js';

/** Delivery latencies, both for the whole run and for the window since the last progress line. */
export class LatencyRecorder {
  private all: number[] = [];
  private window: number[] = [];

  record(milliseconds: number): void {
    this.all.push(milliseconds);
    this.window.push(milliseconds);
  }

  takeWindow(): Percentiles {
    const result = percentiles(this.window);
    this.window = [];
    return result;
  }

  overall(): Percentiles {
    return percentiles(this.all);
  }
}
