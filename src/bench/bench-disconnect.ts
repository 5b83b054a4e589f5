import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../local/dynamodb-local.js';
import { runDisconnectBench } from './disconnect-bench.js';
import { checksTable, checkTargets, disconnectChart, resultTable } from './disconnect-report.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const usage = `npm run bench:disconnect -- [--quick] [--peers-per-room N] [--repetitions N] [--endpoint URL] [--out DIR]

  --quick            T ∈ {100, 1000, 10000} instead of up to 100 000 (CI runs this)
  --peers-per-room   other connections share rooms of this size (default 1)
  --repetitions      disconnects measured per cell (default 5, quick 3)
  --endpoint         a DynamoDB (Local) to use instead of starting one
  --out              where to write disconnect.md and disconnect.svg
                     (default docs/bench, quick .test-artifacts/bench)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'peers-per-room': { type: 'string', default: '1' },
      repetitions: { type: 'string' },
      endpoint: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const peersPerRoom = positive(values['peers-per-room'], '--peers-per-room');
  const repetitions = positive(values.repetitions ?? (values.quick ? '3' : '5'), '--repetitions');
  const tableSizes = values.quick ? [100, 1_000, 10_000] : [100, 1_000, 10_000, 100_000];
  const out = values.out ?? (values.quick ? '.test-artifacts/bench' : 'docs/bench');

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
    writeFileSync(join(out, 'disconnect.md'), report(table, checks, { peersPerRoom, repetitions, quick: values.quick }));
    console.log(`wrote ${join(out, 'disconnect.md')} and ${join(out, 'disconnect.svg')}`);
    const failed = checks.filter((check) => !check.holds);
    if (failed.length > 0) console.error(`${failed.length} target(s) missed: ${failed.map((check) => check.target).join('; ')}`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    await stop();
  }
}

function report(table: string, checks: ReturnType<typeof checkTargets>, run: { peersPerRoom: number; repetitions: number; quick: boolean }): string {
  return `# Disconnect cost against table size

Written by \`npm run bench:disconnect${run.quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)} (DynamoDB Local,
other connections in rooms of ${run.peersPerRoom}, mean of ${run.repetitions} disconnects per row). T is the number of
subscriptions of *other* connections in the table; k the topics of the connection that disconnects.
Capacity units are what DynamoDB reported with \`ReturnConsumedCapacity: 'INDEXES'\`.

- **this design**: \`DeleteItem\` of the connection item (the disconnect function), then the
  cleanup's \`Query\` on gsi1 and \`BatchWriteItem\` deletes of its subscriptions.
- **predecessor**: one item per topic holding a string set of connection ids; the disconnect
  \`Scan\`s every page of the table for the connection's topics and sends one \`UpdateItem\`
  (\`DELETE receivers\`) per topic found.

![capacity units per disconnect](disconnect.svg)

${table}

${checksTable(checks)}
`;
}

function positive(raw: string, name: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a positive integer, got "${raw}"\n\n${usage}`);
    process.exit(2);
  }
  return value;
}

process.exitCode = await main();
