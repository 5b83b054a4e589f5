import { percentiles, type Percentiles } from '../tools/stats.js';
import type { SimulatedPeer } from './simulated-peer.js';

/** What a cut of every connection cost, and how long the rooms took to be whole again. */
export interface CutReport {
  /** Seconds into the run. */
  readonly atSeconds: number;
  /** Over how many seconds the cuts were spread (0: all at once, as API Gateway cuts). */
  readonly spreadSeconds: number;
  readonly reconnects: number;
  /** Most reconnects that started in one second: what meets API Gateway's new-connection quota. */
  readonly peakReconnectsPerSecond: number;
  readonly rooms: number;
  /** Per room, ms from the room's first cut until every member of it was back in it (its own announce routed back). */
  readonly wholeAgainMs: Percentiles;
  /** Per reconnect, ms from its cut until it was back in its room: what a spread wave saves each client. */
  readonly backInRoomMs: Percentiles;
  /** Rooms still not whole at the end of the run. */
  readonly roomsNotWhole: number;
  /** Frames a reconnected client sent from its cut until the last room was whole, on average. */
  readonly framesSentPerReconnect: number;
  /** Read from the local runtime's dashboard (sources mode): DynamoDB requests and capacity units in the same window, per reconnect. */
  readonly dynamoDb?: { readonly requestsPerReconnect: number; readonly capacityUnitsPerReconnect: number };
}

/**
 * Cuts every peer's connection, at once or spread over a window, and times each room until
 * every member of it is back in it.
 */
export class CutWatch {
  private readonly cutAt = new Map<SimulatedPeer, number>();
  private readonly backAt = new Map<SimulatedPeer, number>();
  private readonly rooms = new Map<string, SimulatedPeer[]>();
  private firstCutAt: number | undefined;
  private lastWholeAt: number | undefined;
  private readonly framesAtCut = new Map<SimulatedPeer, number>();
  private framesAtWhole: number | undefined;
  private timers: NodeJS.Timeout[] = [];
  private settled!: () => void;
  /** Settles when every room is whole again after the cut. */
  readonly whole = new Promise<void>((resolve) => (this.settled = resolve));

  constructor(
    private readonly atSeconds: number,
    private readonly spreadSeconds: number,
  ) {}

  /** Cuts each connected peer at a random moment of the spread (all at once without one). */
  cut(peers: readonly SimulatedPeer[]): void {
    this.firstCutAt = Date.now();
    for (const peer of peers.filter((candidate) => candidate.isConnected)) {
      const members = this.rooms.get(peer.room) ?? [];
      this.rooms.set(peer.room, [...members, peer]);
      const cut = () => {
        this.cutAt.set(peer, Date.now());
        this.framesAtCut.set(peer, peer.framesSent);
        peer.cut();
      };
      if (this.spreadSeconds === 0) cut();
      else this.timers.push(setTimeout(cut, Math.random() * this.spreadSeconds * 1000));
    }
    if (this.rooms.size === 0) this.settled();
  }

  /** A peer's own announce came back. */
  inRoom(peer: SimulatedPeer): void {
    if (!this.cutAt.has(peer) || this.backAt.has(peer)) return;
    this.backAt.set(peer, Date.now());
    if (this.backAt.size === this.cutAt.size && this.cutAt.size === this.peerCount()) {
      this.lastWholeAt = Date.now();
      this.framesAtWhole = this.framesSinceCut();
      this.settled();
    }
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  report(extra: Pick<CutReport, 'dynamoDb'> = {}): CutReport {
    const wholeAgain: number[] = [];
    let roomsNotWhole = 0;
    for (const members of this.rooms.values()) {
      const firstCut = Math.min(...members.map((peer) => this.cutAt.get(peer) ?? Infinity));
      const backs = members.map((peer) => this.backAt.get(peer));
      if (backs.some((at) => at === undefined)) roomsNotWhole++;
      else wholeAgain.push(Math.max(...(backs as number[])) - firstCut);
    }
    const perSecond = new Map<number, number>();
    for (const at of this.cutAt.values()) {
      const second = Math.floor((at - this.firstCutAt!) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    const { reconnects } = this;
    return {
      atSeconds: this.atSeconds,
      spreadSeconds: this.spreadSeconds,
      reconnects,
      peakReconnectsPerSecond: Math.max(0, ...perSecond.values()),
      rooms: this.rooms.size,
      wholeAgainMs: percentiles(wholeAgain),
      backInRoomMs: percentiles([...this.backAt].map(([peer, at]) => at - this.cutAt.get(peer)!)),
      roomsNotWhole,
      framesSentPerReconnect: reconnects === 0 ? 0 : (this.framesAtWhole ?? this.framesSinceCut()) / reconnects,
      ...extra,
    };
  }

  get reconnects(): number {
    return this.cutAt.size;
  }

  /** The window the report's per-reconnect figures cover: from the first cut to the last room whole (or now). */
  get window(): { readonly from: number | undefined; readonly to: number | undefined } {
    return { from: this.firstCutAt, to: this.lastWholeAt };
  }

  private framesSinceCut(): number {
    let frames = 0;
    for (const [peer, atCut] of this.framesAtCut) frames += peer.framesSent - atCut;
    return frames;
  }

  private peerCount(): number {
    let count = 0;
    for (const members of this.rooms.values()) count += members.length;
    return count;
  }
}
