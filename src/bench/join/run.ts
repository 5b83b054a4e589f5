import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CommandCounter } from '../../tools/command-counter.js';
import { startFrameCountingProxy } from '../../tools/frame-counting-proxy.js';
import { ascending, percentile } from '../../tools/stats.js';
import { joinPeerReportPrefix, type JoinPeerCommand, type JoinPeerReport } from './join-peer.js';

const peerScript = fileURLToPath(new URL('./join-peer.ts', import.meta.url));

const running = new Set<PeerPool>();

/** Stops every pool still running (on Ctrl-C or SIGTERM). */
export async function stopAllPools(): Promise<void> {
  await Promise.all([...running].map((pool) => pool.stop()));
}

/** A signaling server under test. `meter` counts its DynamoDB capacity (`consumedCapacity: true`), when it has DynamoDB. */
export interface JoinTarget {
  readonly name: string;
  readonly url: string;
  readonly meter?: CommandCounter;
}

export interface JoinRow {
  readonly target: string;
  readonly peers: number;
  readonly trials: number;
  /** Trials in which every peer had every peer's edit within the timeout. */
  readonly synced: number;
  /** Trials in which every peer also had a WebRTC connection open to every other. */
  readonly direct: number;
  /** From opening the room to the last peer holding every edit, in successful trials. */
  readonly syncedMs: { readonly p50: number; readonly p99: number };
  /**
   * Per peer that joined, until the room was synced: frames the server sent to clients
   * (deliveries), frames both ways (what API Gateway bills as messages), and DynamoDB
   * capacity when the server has a table.
   */
  readonly perJoin: {
    readonly deliveries: number;
    readonly messages: number;
    readonly dynamoDb?: { readonly readUnits: number; readonly writeUnits: number; readonly requests: number };
  };
}

/** y-webrtc peers in processes of their own, fresh for each trial (see join-peer.ts). */
export class PeerPool {
  private readonly reports: { peer: number; report: JoinPeerReport }[] = [];
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly children: ChildProcess[]) {
    children.forEach((child, peer) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.startsWith(joinPeerReportPrefix)) return;
        this.reports.push({ peer, report: JSON.parse(line.slice(joinPeerReportPrefix.length)) as JoinPeerReport });
        for (const listener of [...this.listeners]) listener();
      });
    });
  }

  /** Starts `size` peers and waits until each is ready to join. */
  static async start(size: number): Promise<PeerPool> {
    const children = Array.from({ length: size }, () =>
      spawn(process.execPath, ['--disable-warning=NodeVersionSupportWarning', '--import', 'tsx', peerScript], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const pool = new PeerPool(children);
    running.add(pool);
    await pool.until(() => pool.reports.filter(({ report }) => report.type === 'ready').length === size, 60_000);
    return pool;
  }

  get size(): number {
    return this.children.length;
  }

  /** Opens one room on `count` peers in the same tick and waits until all are synced, or the timeout. */
  async trial(url: string, count: number, timeoutMs: number): Promise<{ syncedMs: number | undefined; direct: boolean }> {
    const room = `bench-${randomUUID()}`;
    const marks = Array.from({ length: count }, (_, n) => `<${n}:${room.slice(-6)}>`);
    const mark = this.reports.length;
    for (let n = 0; n < count; n++) this.send(n, { cmd: 'join', url, room, mark: marks[n]!, marks });
    const of = (type: 'synced' | 'direct') =>
      this.reports.slice(mark).filter(({ report }) => report.type === type && report.room === room) as { report: { ms: number } }[];
    await this.until(() => of('synced').length === count && of('direct').length === count, timeoutMs);
    const synced = of('synced');
    return {
      syncedMs: synced.length === count ? Math.max(...synced.map(({ report }) => report.ms)) : undefined,
      direct: of('direct').length === count,
    };
  }

  async stop(): Promise<void> {
    running.delete(this);
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.stdin?.end();
          }),
      ),
    );
  }

  private send(peer: number, command: JoinPeerCommand): void {
    this.children[peer]!.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  private until(done: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }
}

/** `trials` rooms of `peers` peers each, opened together, one after the other. */
export async function measureJoins(
  target: JoinTarget,
  peers: number,
  trials: number,
  timeoutMs: number,
  progress: (line: string) => void = () => undefined,
): Promise<JoinRow> {
  const times: number[] = [];
  let direct = 0;
  let readUnits = 0;
  let writeUnits = 0;
  let requests = 0;
  let deliveries = 0;
  let messages = 0;
  const proxy = await startFrameCountingProxy(target.url);
  try {
    for (let trial = 0; trial < trials; trial++) {
      const pool = await PeerPool.start(peers);
      target.meter?.reset();
      proxy.reset();
      const result = await pool.trial(proxy.url, peers, timeoutMs);
      const frames = proxy.counts();
      deliveries += frames.toClients;
      messages += frames.fromClients + frames.toClients;
      const reading = target.meter?.reading();
      if (reading) {
        readUnits += reading.readUnits;
        writeUnits += reading.writeUnits;
        requests += reading.requests;
      }
      await pool.stop();
      // Let the server's cleanup of the closed connections run before the next room opens.
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (result.syncedMs !== undefined) times.push(result.syncedMs);
      if (result.direct) direct++;
      progress(`  ${target.name}, ${peers} peers, trial ${trial + 1}/${trials}: ${result.syncedMs === undefined ? 'NOT synced' : `synced in ${result.syncedMs} ms`}${result.direct ? '' : ', not every pair direct'}, ${frames.toClients} deliveries`);
    }
  } finally {
    await proxy.stop();
  }
  const sorted = ascending(times);
  const joins = peers * trials;
  return {
    target: target.name,
    peers,
    trials,
    synced: sorted.length,
    direct,
    syncedMs: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) },
    perJoin: {
      deliveries: deliveries / joins,
      messages: messages / joins,
      ...(target.meter ? { dynamoDb: { readUnits: readUnits / joins, writeUnits: writeUnits / joins, requests: requests / joins } } : {}),
    },
  };
}
