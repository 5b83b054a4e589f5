import '../../local/powertools-defaults.js';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayTimingMode } from '../../local/gateway-timing.js';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { localSettings } from '../../local/local-settings.js';
import { startLocalRuntime } from '../../local/local-runtime.js';
import { reportFolder, reportFolderConflict } from '../../tools/report-folder.js';
import { defineCli, type CliValues } from '../../tools/cli.js';
import { CommandCounter } from '../../tools/command-counter.js';
import { startReferenceServer } from '../../tools/reference-server.js';
import { joinTable, markdownReport, referenceTarget } from './report.js';
import { measureJoins, stopAllPools, type JoinRow } from './run.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const cli = defineCli({
  synopsis: 'npm run bench:join -- [--quick] [--sizes 2,4,8,16] [--trials N] [--timeout MS] [--out DIR | --update-docs]',
  about: `  Rooms of 2, 4, 8 and 16 unmodified y-webrtc peers (Node processes, @roamhq/wrtc) open one
  room at the same moment; how many sync and how fast, and what a join costs (deliveries,
  API Gateway messages both ways, DynamoDB capacity), against y-webrtc's bin/server.js and
  this server (local runtime, GATEWAY_TIMING in-order and aws), side by side in one run.
  A full run (4 sizes, 10 trials, 3 servers) took 20 minutes on 2 cores (2026-12-03).`,
  options: {
    quick: { type: 'boolean', description: 'rooms of 2 and 4, 3 trials each' },
    sizes: { type: 'integers', min: 2, max: 32, description: 'room sizes to measure (default 2,4,8,16)' },
    trials: { type: 'integer', min: 1, description: 'trials per room size and server (default 10)' },
    timeout: { type: 'integer', min: 1_000, description: 'ms a room may take to sync before the trial counts as failed (default 15000, 40000 above 8 peers)' },
    out: { type: 'string', description: 'where to write join.md (default .test-artifacts/bench)' },
    'update-docs': { type: 'boolean', description: 'write the report into docs/bench, the tracked copy the docs cite' },
  },
});

async function main(values: CliValues<typeof cli>): Promise<number> {
  const trials = values.trials ?? (values.quick ? 3 : 10);
  const timeoutOf = (size: number) => values.timeout ?? (size > 8 ? 40_000 : 15_000);
  const sizes = values.sizes ?? (values.quick ? [2, 4] : [2, 4, 8, 16]);
  const conflict = reportFolderConflict(values);
  if (conflict) return cli.fail(conflict);
  const out = reportFolder(values);
  const log = (line: string) => console.log(line);

  log('starting DynamoDB Local and y-webrtc bin/server.js; each trial starts its peers afresh...');
  const database = await startDynamoDbLocal();
  const reference = await startReferenceServer();
  const stops = [() => stopAllPools(), () => reference.stop(), () => database.stop()];
  const stopAll = async () => {
    for (const stop of stops.splice(0)) await stop().catch(() => undefined);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll().then(() => process.exit(130)));
  try {
    const rows: JoinRow[] = [];
    const tableName = `bench-join-${Date.now()}`;
    for (const size of sizes) rows.push(await measureJoins({ name: referenceTarget, url: reference.url }, size, trials, timeoutOf(size), log));
    for (const gatewayTiming of ['in-order', 'aws'] as const satisfies readonly GatewayTimingMode[]) {
      const runtime = await startLocalRuntime({ settings: { ...localSettings(process.env), port: 0, tableName, dynamodbEndpoint: database.endpoint, gatewayTiming } });
      try {
        const meter = new CommandCounter(runtime.dependencies.dynamoDb, { consumedCapacity: true });
        const name = `this server, ${gatewayTiming === 'aws' ? `AWS timing (seed ${runtime.timing.seed})` : 'default timing'}`;
        for (const size of sizes) rows.push(await measureJoins({ name, url: runtime.url, meter }, size, trials, timeoutOf(size), log));
      } finally {
        await runtime.stop();
      }
    }
    const table = joinTable(rows);
    log(`\n${table}`);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'join.md'), markdownReport(table, {
        quick: values.quick,
        trials,
        timeoutMs: timeoutOf(Math.max(...sizes)),
        joinOrder: process.env['JOIN_ORDER'] || 'room',
        signalDelivery: process.env['SIGNAL_DELIVERY'] || 'peer',
      }));
    log(`\nwritten to ${join(out, 'join.md')}`);
    const failed = rows.filter((row) => row.target !== referenceTarget && row.synced < row.trials);
    return failed.length === 0 ? 0 : 1;
  } finally {
    await stopAll();
  }
}

/**
 * WebRTC traffic stays on this machine: as root, where `unshare -n` works, the bench runs in a
 * network namespace with only loopback (and no ICE servers are used anywhere). Signals are
 * passed on, so Ctrl-C or SIGTERM stop everything inside.
 */
async function inLoopbackNamespace(): Promise<number | undefined> {
  if (process.env['BENCH_IN_NAMESPACE'] || process.getuid?.() !== 0) return undefined;
  if (spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' }).status !== 0) return undefined;
  const child = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_IN_NAMESPACE: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 130)));
}

// Checked before the namespace, so that --help or a typo never starts it.
const parsed = cli.parse(process.argv.slice(2));
process.exitCode = parsed.ok ? ((await inLoopbackNamespace()) ?? (await main(parsed.values))) : parsed.exitCode;
