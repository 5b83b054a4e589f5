import '../../local/powertools-defaults.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localSettings } from '../../local/local-settings.js';
import { startLocalRuntime } from '../../local/local-runtime.js';
import { reportFolder, reportFolderConflict } from '../../tools/report-folder.js';
import { defineCli } from '../../tools/cli.js';
import { CommandCounter } from '../../tools/command-counter.js';
import { startReferenceServer } from '../../tools/reference-server.js';
import { ascending, percentile } from '../../tools/stats.js';
import { markdownReport, publishTable } from './report.js';
import { measureFanOut, type FanOutMeasurement } from './run.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const cli = defineCli({
  synopsis: 'npm run bench:publish -- [--quick] [--publishes N] [--out DIR | --update-docs]',
  about: `  Fan-out latency and DynamoDB reads of one publish to R receivers (R = 1, 10, 100 and 1000:
  the subscribers of the room besides the sender), y-webrtc's bin/server.js against this server.
  A full run (4 receiver counts, 50 publishes each, both servers) took 40 s on 2 cores (2026-12-03).`,
  options: {
    quick: { type: 'boolean', description: 'R ∈ {1, 10, 100} instead of up to 1000' },
    publishes: { type: 'integer', min: 1, default: 50, description: 'publishes measured per receiver count (default 50)' },
    out: { type: 'string', description: 'where to write publish.md (default .test-artifacts/bench)' },
    'update-docs': { type: 'boolean', description: 'write the report into docs/bench, the tracked copy the docs cite' },
  },
});

async function main(): Promise<number> {
  const parsed = cli.parse(process.argv.slice(2));
  if (!parsed.ok) return parsed.exitCode;
  const { values } = parsed;
  const publishes = values.publishes;
  const receiverCounts = values.quick ? [1, 10, 100] : [1, 10, 100, 1_000];
  const conflict = reportFolderConflict(values);
  if (conflict) return cli.fail(conflict);
  const out = reportFolder(values);

  console.log('starting the local runtime (DynamoDB Local, emulator, poller) and y-webrtc bin/server.js...');
  let handlerTimes: number[] = [];
  const runtime = await startLocalRuntime({
    settings: { ...localSettings(process.env), port: 0 },
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
    const meter = new CommandCounter(runtime.dependencies.dynamoDb, { consumedCapacity: true });
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
              const sorted = ascending(handlerTimes);
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
    writeFileSync(join(out, 'publish.md'), markdownReport(table, publishes, values.quick));
    console.log(`wrote ${join(out, 'publish.md')}`);
    return 0;
  } finally {
    await stop();
  }
}

process.exitCode = await main();
