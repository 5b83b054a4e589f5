import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '../config/limits.js';
import { freePort } from './free-port.js';

/** A coturn started by `npm start` (LOCAL_TURN=coturn). */
export interface RunningCoturn {
  /** `turn:127.0.0.1:<port>` over UDP and TCP. */
  readonly turnUrls: readonly string[];
  /** The TURN REST API's shared secret: random for each start, never written anywhere. */
  readonly secret: string;
  /** The guard shell's: coturn runs under it, and goes when it goes. */
  readonly pid: number;
  /** What coturn has logged (its log file): sessions, allocations and refusals among them. */
  output(): string;
  /** The relay allocations coturn has granted so far, by TURN username. */
  allocations(): readonly TurnAllocation[];
  /** Calls `listener` with each allocation granted from now on, until the returned function is called. */
  followAllocations(listener: (allocation: TurnAllocation) => void): () => void;
  stop(): Promise<void>;
}

export interface TurnAllocation {
  readonly session: string;
  readonly username: string;
}

const allocationLine = /session (\d+): realm <[^>]*> user <([^>]*)>: incoming packet ALLOCATE processed, success/g;

/** The log so far; empty before coturn writes it and after `stop()` removed it. */
function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function allocationsIn(log: string): TurnAllocation[] {
  return [...log.matchAll(allocationLine)].map(([, session, username]) => ({ session: session!, username: username! }));
}

export class CoturnMissingError extends ConfigurationError {
  constructor() {
    super(
      "LOCAL_TURN=coturn needs coturn's turnserver, and none was found on PATH.\n" +
        '  Install it (Debian/Ubuntu: `sudo apt-get install -y coturn`, macOS: `brew install coturn`), or leave LOCAL_TURN unset.',
    );
  }
}

const host = '127.0.0.1';

/**
 * Starts coturn on loopback with the TURN REST API's shared secret (`use-auth-secret`): it
 * listens and relays on 127.0.0.1 only, so no relay is reachable from outside this machine.
 * Loopback peers are allowed, since both ends of a local test are on it.
 */
export function coturnInstalled(): boolean {
  return spawnSync('turnserver', ['--version'], { stdio: 'ignore' }).error === undefined;
}

export async function startCoturn(options: { readonly secret?: string | undefined } = {}): Promise<RunningCoturn> {
  if (!coturnInstalled()) throw new CoturnMissingError();
  const port = await freePort();
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const directory = await mkdtemp(join(tmpdir(), 'coturn-'));
  const logFile = join(directory, 'turnserver.log');
  const relayPorts = 49152 + Math.floor(Math.random() * 12_000);
  const args = [
    '-n',
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    `--listening-ip=${host}`,
    `--relay-ip=${host}`,
    `--listening-port=${port}`,
    `--min-port=${relayPorts}`,
    `--max-port=${relayPorts + 200}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=y-webrtc-signaling.local',
    '--fingerprint',
    '--allow-loopback-peers',
    '--no-multicast-peers',
    // A file, not stdout: into a pipe coturn's lines come out only when its buffer fills.
    `--log-file=${logFile}`,
    '--simple-log',
    // Sessions and allocations are logged only so.
    '--verbose',
    // Not /var/run/turnserver.pid, which every coturn of the machine would share.
    `--pidfile=${join(directory, 'turnserver.pid')}`,
  ];
  // Under a guard shell, as DynamoDB Local: when this process dies, even by SIGKILL, its end of
  // the stdin pipe closes, `cat` returns, and coturn is killed; when coturn exits, so does the shell.
  const quoted = ['turnserver', ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  // fd 3: the pipe, for the watcher in the background (a background job's stdin is /dev/null).
  const guard = `exec 3<&0; ${quoted} & child=$!; trap 'kill $child 2>/dev/null' TERM INT; (cat <&3 >/dev/null; kill $child 2>/dev/null) & wait $child`;
  const child = spawn('sh', ['-c', guard], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(chunk.toString());
    if (lines.length > 2_000) lines.splice(0, lines.length - 2_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    // Ends the guard's `cat`, and with it coturn, should the shell not have passed the signal on.
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await listening(port, () => child.exitCode !== null, () => lines.join('') + readLog(logFile));
  } catch (error) {
    await stop();
    throw error;
  }
  const output = () => lines.join('') + readLog(logFile);
  return {
    turnUrls: [`turn:${host}:${port}?transport=udp`, `turn:${host}:${port}?transport=tcp`],
    secret,
    pid: child.pid ?? -1,
    output,
    allocations: () => allocationsIn(output()),
    followAllocations: (listener) => {
      let seen = allocationsIn(output()).length;
      const timer = setInterval(() => {
        const all = allocationsIn(output());
        for (const allocation of all.slice(seen)) listener(allocation);
        seen = all.length;
      }, 500);
      timer.unref();
      return () => clearInterval(timer);
    },
    stop,
  };
}

async function listening(port: number, exited: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`coturn exited at start:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, host, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`coturn did not listen on ${host}:${port} within 10 s:\n${output()}`);
}
