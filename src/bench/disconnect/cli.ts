import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../local/dynamodb-local.js';
import { reportFolder, reportFolderConflict } from '../../tools/report-folder.js';
import { defineCli } from '../../tools/cli.js';
import { runDisconnectBench } from './run.js';
import { checksTable, checkTargets, disconnectChart, markdownReport, resultTable } from './report.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const cli = defineCli({
  synopsis: 'npm run bench:disconnect -- [--quick] [--peers-per-room N] [--repetitions N] [--endpoint URL] [--out DIR | --update-docs]',
  about: `  What one disconnect costs in DynamoDB capacity, ours against the predecessor's Scan, as the
  table grows. T is the number of other connections' items in the table (100 to 100 000); k the
  topics the leaving connection subscribed to (1 and 10). A full run (T up to 100 000) took
  under 3 minutes on 2 cores, most of it seeding the last 90 000 items (2026-12-03).`,
  options: {
    quick: { type: 'boolean', description: 'T ∈ {100, 1000, 10000} instead of up to 100 000 (CI runs this)' },
    'peers-per-room': { type: 'integer', min: 1, default: 1, description: 'other connections share rooms of this size (default 1)' },
    repetitions: { type: 'integer', min: 1, description: 'disconnects measured per cell (default 5, quick 3)' },
    endpoint: { type: 'string', description: 'a DynamoDB (Local) to use instead of starting one' },
    out: { type: 'string', description: 'where to write disconnect.md and disconnect.svg (default .test-artifacts/bench)' },
    'update-docs': { type: 'boolean', description: 'write the report into docs/bench, the tracked copy the docs cite' },
  },
});

async function main(): Promise<number> {
  const parsed = cli.parse(process.argv.slice(2));
  if (!parsed.ok) return parsed.exitCode;
  const { values } = parsed;
  const peersPerRoom = values['peers-per-room'];
  const repetitions = values.repetitions ?? (values.quick ? 3 : 5);
  const tableSizes = values.quick ? [100, 1_000, 10_000] : [100, 1_000, 10_000, 100_000];
  const conflict = reportFolderConflict(values);
  if (conflict) return cli.fail(conflict);
  const out = reportFolder(values);

  let database: RunningDynamoDbLocal | undefined;
  const stop = async () => {
    await database?.stop();
    database = undefined;
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  try {
    if (!values.endpoint) {
      console.log('starting DynamoDB Local...');
      database = await startDynamoDbLocal();
    }
    const started = performance.now();
    const results = await runDisconnectBench({
      endpoint: values.endpoint ?? database!.endpoint,
      tableSizes,
      topicCounts: [1, 10],
      repetitions,
      peersPerRoom,
      log: (line) => console.log(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${line}`),
    });
    const checks = checkTargets(results);
    const table = resultTable(results);
    console.log(`\n${table}\n\n${checksTable(checks)}\n`);

    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'disconnect.svg'), disconnectChart(results));
    writeFileSync(join(out, 'disconnect.md'), markdownReport(table, checks, { peersPerRoom, repetitions, quick: values.quick }));
    console.log(`wrote ${join(out, 'disconnect.md')} and ${join(out, 'disconnect.svg')}`);
    const failed = checks.filter((check) => !check.holds);
    if (failed.length > 0) console.error(`${failed.length} target(s) missed: ${failed.map((check) => check.target).join('; ')}`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    await stop();
  }
}

process.exitCode = await main();
