import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { freePort } from '../../src/local/free-port.js';
import { dropTableAfterThisFile, testTableName } from './cleanups.js';
import { reportPrefix, type PeerCommand, type PeerReport, type PeerState } from './y-webrtc-peer-protocol.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const peerScript = fileURLToPath(new URL('../e2e/fixtures/y-webrtc-peer.ts', import.meta.url));
const nodeWithTsx = [process.execPath, '--disable-warning=NodeVersionSupportWarning', '--import', 'tsx'];

/**
 * Whether WebRTC processes can run in a network namespace that has only loopback: as root,
 * where `unshare -n` is allowed (not in every container, nor on a user's laptop).
 */
export function loopbackNamespaceAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore', timeout: 5_000 });
  return probe.status === 0;
}

/** Every child this module started and that has not exited yet. */
const running = new Set<ChildProcess>();
// Last resort when the worker exits without running afterAll: the server drains on SIGTERM,
// the peers exit on it (and on their stdin closing).
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/** A child process whose stdout and stderr are kept, line by line, for waiting and diagnostics. */
class Child {
  readonly lines: string[] = [];
  private readonly listeners = new Set<() => void>();
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    running.add(process);
    this.exited = new Promise((resolve) => {
      process.once('exit', (code, signal) => {
        running.delete(process);
        this.lines.push(`[${name} exited: ${signal ?? code}]`);
        this.notify();
        resolve();
      });
    });
    process.once('error', (error) => {
      this.lines.push(`[${name} failed to start: ${error.message}]`);
      this.notify();
    });
    for (const stream of [process.stdout, process.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(line);
        this.notify();
      });
    }
  }

  get pid(): number {
    if (this.process.pid === undefined) throw new Error(`${this.name} has no pid: ${this.output()}`);
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  output(last = 40): string {
    return this.lines.slice(-last).join('\n');
  }

  /** Resolves with the first value `pick` returns for the output so far or to come. */
  waitFor<T>(pick: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let value: T | undefined;
        try {
          value = pick();
        } catch (error) {
          return finish(() => reject(error));
        }
        if (value !== undefined) return finish(() => resolve(value));
        if (!this.running) {
          finish(() => reject(new Error(`${this.name} exited before ${what}:\n${this.output()}`)));
        }
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms:\n${this.output()}`))),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Sends `signal` (if any), waits for the exit, and kills it outright after `graceMs`. */
  async stop(signal: NodeJS.Signals | undefined, graceMs: number): Promise<void> {
    if (!this.running) return;
    if (signal) this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

export interface SignalingServer {
  readonly url: string;
  readonly pid: number;
  /** `/proc/<pid>/ns/net` when the server runs in a loopback-only namespace of its own. */
  readonly networkNamespace: string | undefined;
  output(): string;
  /** SIGTERM, then waits until it has drained and exited. */
  stop(): Promise<void>;
}

/**
 * Runs `npm start`'s entry (src/local/main.ts) as a child process on a free port and a table
 * of its own, and waits for it to print its signaling URL.
 *
 * With `namespace`, the server runs in a new network namespace with only loopback; the
 * peers join it (see `startPeer`). DynamoDB Local of the test run is in the host namespace,
 * out of reach from there, so the server then starts its own (it does without DYNAMODB_ENDPOINT).
 */
export async function startSignalingServer(options: {
  namespace: boolean;
  /** Shell commands that set the new namespace up; default: loopback only (`ip link set lo up`). */
  networkSetup?: string;
  /** More environment for the server, e.g. AUTH_* settings. */
  env?: NodeJS.ProcessEnv;
}): Promise<SignalingServer> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    PORT: String(await freePort()),
    TABLE_NAME: testTableName(),
    // Tests time their own joins; the start-up warm-up would only make each server start later.
    WARM_UP_SECONDS: '0',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  delete env['DYNAMODB_ENDPOINT'];
  if (!options.namespace) {
    env['DYNAMODB_ENDPOINT'] = inject('dynamodbEndpoint');
    dropTableAfterThisFile(env['DYNAMODB_ENDPOINT'], env['TABLE_NAME']!);
  }

  const entry = [...nodeWithTsx, 'src/local/main.ts'];
  // unshare and sh both exec, so the pid is the Node process's own: SIGTERM reaches it directly.
  const [command, ...args] = options.namespace
    ? ['unshare', '-n', 'sh', '-c', `${options.networkSetup ?? 'ip link set lo up'} && exec "$@"`, 'sh', ...entry]
    : entry;
  const child = new Child('server', spawn(command!, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  const stop = () => child.stop('SIGTERM', 20_000);
  try {
    const url = await child.waitFor(
      () => child.lines.map((line) => /signaling URL\s+(\S+)/.exec(line)?.[1]).find(Boolean),
      40_000,
      'signaling URL',
    );
    return {
      url,
      pid: child.pid,
      networkNamespace: options.namespace ? `/proc/${child.pid}/ns/net` : undefined,
      output: () => child.output(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface Peer {
  readonly name: string;
  /** The latest state it reported. */
  readonly state: PeerState | undefined;
  send(command: PeerCommand): void;
  /** Waits until the latest reported state satisfies `check` and returns it. */
  until(check: (state: PeerState) => boolean, what: string, timeoutMs?: number): Promise<PeerState>;
  output(last?: number): string;
  stop(): Promise<void>;
}

/** Runs test/e2e/fixtures/y-webrtc-peer.ts in a process of its own, in the server's namespace if it has one. */
export function startPeer(
  name: string,
  server: SignalingServer,
  room: string,
  options: { password?: string; token?: string; iceConfig?: object; env?: NodeJS.ProcessEnv } = {},
): Peer {
  const url = options.token ? `${server.url}/?token=${encodeURIComponent(options.token)}` : server.url;
  const script = [...nodeWithTsx, peerScript, url, room, ...(options.password ? [options.password] : [])];
  const [command, ...args] = server.networkNamespace ? ['nsenter', `--net=${server.networkNamespace}`, ...script] : script;
  const env = { ...process.env, ...options.env, ...(options.iceConfig ? { PEER_ICE_CONFIG: JSON.stringify(options.iceConfig) } : {}) };
  const child = new Child(name, spawn(command!, args, { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] }));
  const states = (): PeerState[] =>
    child.lines
      .filter((line) => line.startsWith(reportPrefix))
      .map((line) => JSON.parse(line.slice(reportPrefix.length)) as PeerReport)
      .map((report) => {
        if (report.type === 'error') throw new Error(`${name}: ${report.message}`);
        return report;
      });
  return {
    name,
    get state() {
      return states().at(-1);
    },
    send(command) {
      child.process.stdin?.write(`${JSON.stringify(command)}\n`);
    },
    // A WebRTC connection between wrtc peers, signaling included, takes up to ~10 s on a loaded 2-core machine.
    until(check, what, timeoutMs = 10_000) {
      // The latest state only; each report is the latest when its line arrives, so none is missed.
      return child.waitFor(
        () => {
          const latest = states().at(-1);
          return latest && check(latest) ? latest : undefined;
        },
        timeoutMs,
        what,
      );
    },
    output: (last) => child.output(last),
    async stop() {
      // A stop command, and stdin closing, both make it destroy its provider and exit.
      if (child.running) child.process.stdin?.end(`${JSON.stringify({ cmd: 'stop' } satisfies PeerCommand)}\n`);
      await child.stop(undefined, 5_000);
    },
  };
}
