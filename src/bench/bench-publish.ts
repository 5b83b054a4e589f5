import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalRuntime } from '../local/local-runtime.js';
import { CapacityMeter } from './capacity-meter.js';
import { percentile } from '../loadtest/latency-window.js';
import { measureFanOut, type FanOutMeasurement } from './publish-bench.js';
import { startReferenceServer } from './reference-server.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const usage = `npm run bench:publish -- [--quick] [--publishes N] [--out DIR]

  --quick       R ∈ {1, 10, 100} instead of up to 1000
  --publishes   publishes measured per receiver count (default 50)
  --out         where to write publish.md (default docs/bench, quick .test-artifacts/bench)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      publishes: { type: 'string', default: '50' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const publishes = Number(values.publishes);
  if (!Number.isInteger(publishes) || publishes < 1) {
    console.error(`--publishes must be a positive integer\n\n${usage}`);
    return 2;
  }
  const receiverCounts = values.quick ? [1, 10, 100] : [1, 10, 100, 1_000];
  const out = values.out ?? (values.quick ? '.test-artifacts/bench' : 'docs/bench');

  console.log('starting the local runtime (DynamoDB Local, emulator, poller) and y-webrtc bin/server.js...');
  let handlerTimes: number[] = [];
  const runtime = await startLocalRuntime({
    settings: { port: 0 },
    onInvoked: (fn, milliseconds) => {
      if (fn === 'message') handlerTimes.push(milliseconds);
    },
  });
  const reference = await startReferenceServer();
  const stop = async () => {
    await Promise.all([runtime.stop(), reference.stop()]);
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    const meter = new CapacityMeter(runtime.dependencies.dynamoDb);
    const rows: FanOutMeasurement[] = [];
    for (const receivers of receiverCounts) {
      rows.push(await measureFanOut({ name: 'y-webrtc bin/server.js', url: reference.url }, receivers, publishes));
      rows.push(
        await measureFanOut(
          {
            name: 'this design (local)',
            url: runtime.url,
            onMeasureStart: () => {
              meter.reset();
              handlerTimes = [];
            },
            onMeasureEnd: (count) => {
              const reading = meter.reading();
              const sorted = [...handlerTimes].sort((a, b) => a - b);
              return {
                // Queries only: the receivers' own subscribes may still be writing their places.
                dynamoRequests: (reading.byCommand['Query'] ?? 0) / count,
                readUnits: reading.readUnits / count,
                handlerP50Ms: percentile(sorted, 0.5),
                handlerP99Ms: percentile(sorted, 0.99),
              };
            },
          },
          receivers,
          publishes,
        ),
      );
      const [ref, ours] = rows.slice(-2) as [FanOutMeasurement, FanOutMeasurement];
      console.log(`R=${receivers}: reference p50 ${ref.p50Ms.toFixed(1)} ms, ours p50 ${ours.p50Ms.toFixed(1)} ms (${(ours.p50Ms / ref.p50Ms).toFixed(1)}×)`);
    }
    const table = publishTable(rows);
    console.log(`\n${table}\n`);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'publish.md'), report(table, publishes, values.quick));
    console.log(`wrote ${join(out, 'publish.md')}`);
    return 0;
  } finally {
    await stop();
  }
}

function publishTable(rows: readonly FanOutMeasurement[]): string {
  const lines = ['| R | server | p50 ms | p99 ms | ratio p50 | DynamoDB Queries / publish | read CU / publish | handler p50 ms | handler p99 ms |', '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const row of rows) {
    const reference = rows.find((other) => other.receivers === row.receivers && other !== row && !('dynamoRequests' in other.extra));
    const ratio = reference && 'dynamoRequests' in row.extra ? `${(row.p50Ms / reference.p50Ms).toFixed(1)}×` : '';
    const x = row.extra;
    const cell = (key: string, digits = 1) => (key in x ? x[key]!.toFixed(digits) : '');
    lines.push(`| ${row.receivers} | ${row.server} | ${row.p50Ms.toFixed(1)} | ${row.p99Ms.toFixed(1)} | ${ratio} | ${cell('dynamoRequests', 2)} | ${cell('readUnits', 2)} | ${cell('handlerP50Ms')} | ${cell('handlerP99Ms')} |`);
  }
  return lines.join('\n');
}

function report(table: string, publishes: number, quick: boolean): string {
  return `# Publish fan-out

Written by \`npm run bench:publish${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}: ${publishes} publishes per row, one after
the other, from a client that is not subscribed, to R subscribers; latency from the send to
the moment the last subscriber has the message. Both servers run on this machine in the same
run. See docs/performance.md for what the difference means on AWS.

${table}
`;
}

process.exitCode = await main();
