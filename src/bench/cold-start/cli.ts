/**
 * `npm run bench:cold-start`: the Init Duration of each function's shipped bundle, as the
 * local runtime's bundles mode starts it (an execution environment: a worker thread that
 * imports the staged bundle), one cold start at a time so none shares the cores with
 * another; next to the import CPU of the same bundle in a fresh Node process, as
 * `npm run bundle:report` measures it.
 */
import { join } from 'node:path';
import { cpus } from 'node:os';
import { writeDocSection } from '../../../infra/scripts/doc-section.js';
import { projectRoot } from '../../../infra/scripts/function-bundle.js';
import { importOnce } from '../../../infra/scripts/import-timing.js';
import { localAwsIdentity } from '../../config/aws-clients.js';
import { ExecutionEnvironment } from '../../local/lambda/execution-environment.js';
import { localFunctionConfiguration } from '../../local/lambda/function-environment.js';
import { synthesizeLambdaTemplate, type LambdaFunctionName } from '../../local/lambda/lambda-template.js';
import { buildPackageIfStale } from '../../local/lambda/package-build.js';
import { defineCli } from '../../tools/cli.js';
import { ascending, median, percentile } from '../../tools/stats.js';

const cli = defineCli({
  synopsis: 'npm run bench:cold-start -- [--starts N] [--update-docs]',
  about: `  Init Duration p50 and p99 of each function's bundle over N cold starts in bundles mode
  (LOCAL_FUNCTIONS=bundles), one at a time, and the import CPU of the same bundle in a fresh
  process. A run with the defaults took about 40 s on 2 cores (2026-12-07).`,
  options: {
    starts: { type: 'integer', min: 5, default: 25, description: 'cold starts per function (default 25)' },
    imports: { type: 'integer', min: 3, default: 7, description: 'fresh-process imports per function (default 7)' },
    'update-docs': { type: 'boolean', description: 'write the table into docs/performance.md between the cold-start markers' },
  },
});

interface Row {
  readonly name: LambdaFunctionName;
  readonly initMs: number[];
  readonly importCpuMs: number[];
}

async function main(): Promise<number> {
  const parsed = cli.parse(process.argv.slice(2));
  if (!parsed.ok) return parsed.exitCode;
  const { starts, imports } = parsed.values;
  buildPackageIfStale((line) => console.log(line));
  // With an origins-only authorization, so the template has the authorizer too.
  const template = await synthesizeLambdaTemplate({ props: { signaling: { authorization: { allowedOrigins: ['http://localhost'] } } } });
  const rows: Row[] = [];
  try {
    for (const [name, fn] of template.functions) {
      const configuration = localFunctionConfiguration(fn, {
        tableName: 'cold-start',
        dynamoDbEndpoint: 'http://127.0.0.1:9',
        connectionsEndpoint: 'http://127.0.0.1:9/local',
        region: localAwsIdentity.region,
        credentials: localAwsIdentity.credentials,
      });
      const initMs: number[] = [];
      // One start first, not counted: it warms the file cache, as Lambda's disk is warm.
      for (let start = 0; start <= starts; start++) {
        const { environment, initMs: ms } = await ExecutionEnvironment.start(configuration, () => undefined);
        await environment.terminate();
        if (start > 0) initMs.push(ms);
      }
      const importCpuMs = Array.from({ length: imports + 1 }, () => importOnce(configuration.handlerFile).cpuMs).slice(1);
      rows.push({ name, initMs, importCpuMs });
      console.log(`${name}: ${starts} cold starts, Init Duration p50 ${median(initMs).toFixed(0)} ms`);
    }
  } finally {
    await template.dispose();
  }
  const section = report(rows, starts, imports);
  console.log(`\n${section}`);
  if (parsed.values['update-docs']) {
    const doc = join(projectRoot, 'docs', 'performance.md');
    console.log(writeDocSection(doc, 'cold-start', section) ? `\nwritten to ${doc}` : `\n${doc} has no cold-start markers: nothing written`);
  }
  return 0;
}

function report(rows: readonly Row[], starts: number, imports: number): string {
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const lines = [
    '| function | Init Duration p50 | Init Duration p99 | import CPU, fresh process (median) |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map((row) => {
      const sorted = ascending(row.initMs);
      return `| ${row.name} | ${ms(percentile(sorted, 0.5))} | ${ms(percentile(sorted, 0.99))} | ${ms(median(row.importCpuMs))} |`;
    }),
  ];
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${lines.join('\n')}\n\nMeasured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:cold-start\` on Node ${process.version}, ${cpu} (${cpus().length} cores): ${starts} cold starts per function, one at a time, each a new worker thread importing the staged bundle (Init Duration, as bundles mode reports it), and ${imports} imports in fresh processes. Init Duration also holds the worker's own start, which a fresh process's import CPU does not.`;
}

process.exitCode = await main();
