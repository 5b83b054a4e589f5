/**
 * `npm run bundle:report`: bundles each function with the settings the CDK construct uses,
 * once with the AWS SDK inside the bundle and once with it left to the Lambda runtime, then
 * times how long a fresh Node process takes to import each bundle. Prints a table; with
 * `--update-docs` it also writes it into docs/deploy.md between the bundle-report markers.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import { median } from '../../src/tools/stats.js';
import { writeDocSection } from './doc-section.js';
import { functionBuildOptions, functionBundle, projectRoot, runtimeProvidedModules } from './function-bundle.js';
import { importOnce, type ImportTiming } from './import-timing.js';
import { lambdaFunctionNames, type LambdaFunctionName } from '../parts/function-names.js';

const runs = Number(process.env['BUNDLE_REPORT_RUNS'] ?? 7);
// Inside node_modules, so a bundle that leaves the SDK out finds it the way Lambda's runtime would.
const outputRoot = join(projectRoot, 'node_modules', '.cache', 'bundle-report');
const deployDoc = join(projectRoot, 'docs', 'deploy.md');

type SdkPlacement = 'bundled' | 'runtime';

interface Measurement {
  readonly name: LambdaFunctionName;
  readonly sdk: SdkPlacement;
  readonly bytes: number;
  readonly zippedBytes: number;
  readonly mapBytes: number;
  /** Wall-clock milliseconds of the import, median. */
  readonly importMs: number;
  /** CPU milliseconds (user + system) of the import, median: steadier than wall time on a busy machine. */
  readonly importCpuMs: number;
  readonly importCpuWithSourceMapsMs: number;
}

async function bundle(name: LambdaFunctionName, sdk: SdkPlacement): Promise<string> {
  const outdir = join(outputRoot, sdk, name);
  await build(functionBuildOptions(name, outdir, sdk === 'bundled' ? functionBundle.externalModules : runtimeProvidedModules));
  return join(outdir, 'index.mjs');
}

/** Every module of the asset: the entry and its chunks. */
function assetCode(entry: string): Buffer {
  const folder = dirname(entry);
  const files = readdirSync(folder, { recursive: true }).map(String).filter((file) => file.endsWith('.mjs')).sort();
  return Buffer.concat(files.map((file) => readFileSync(join(folder, file))));
}

interface Variant {
  readonly name: LambdaFunctionName;
  readonly sdk: SdkPlacement;
  readonly file: string;
}

/**
 * Times every variant, round-robin, so each sees the same load on a shared machine. The
 * first round warms the file cache (Lambda's disk is warm for the runtime's SDK too) and
 * is not counted.
 */
function timeImports(variants: readonly Variant[]): Map<Variant, { plain: ImportTiming[]; sourceMaps: ImportTiming[] }> {
  const timings = new Map(variants.map((variant) => [variant, { plain: [] as ImportTiming[], sourceMaps: [] as ImportTiming[] }]));
  for (let round = 0; round <= runs; round++) {
    for (const variant of variants) {
      const plain = importOnce(variant.file, []);
      const sourceMaps = importOnce(variant.file, ['--enable-source-maps']);
      if (round === 0) continue;
      timings.get(variant)!.plain.push(plain);
      timings.get(variant)!.sourceMaps.push(sourceMaps);
    }
  }
  return timings;
}

async function measureAll(): Promise<Measurement[]> {
  const variants: Variant[] = [];
  for (const sdk of ['bundled', 'runtime'] as const) {
    for (const name of lambdaFunctionNames) variants.push({ name, sdk, file: await bundle(name, sdk) });
  }
  const timings = timeImports(variants);
  return variants.map((variant) => {
    const code = assetCode(variant.file);
    const { plain, sourceMaps } = timings.get(variant)!;
    return {
      name: variant.name,
      sdk: variant.sdk,
      bytes: code.length,
      zippedBytes: deflateRawSync(code).length,
      mapBytes: statSync(`${variant.file}.map`).size,
      importMs: median(plain.map((t) => t.wallMs)),
      importCpuMs: median(plain.map((t) => t.cpuMs)),
      importCpuWithSourceMapsMs: median(sourceMaps.map((t) => t.cpuMs)),
    };
  });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

function table(measurements: readonly Measurement[]): string {
  const header = [
    '| function | AWS SDK | bundle (entry + chunks) | zipped | source map | import, wall | import, CPU | import, CPU, `--enable-source-maps` |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const rows = measurements.map(
    (m) =>
      `| ${m.name} | ${m.sdk === 'bundled' ? 'bundled' : 'from the runtime'} | ${kb(m.bytes)} | ${kb(m.zippedBytes)} | ${kb(m.mapBytes)} | ${ms(m.importMs)} | ${ms(m.importCpuMs)} | ${ms(m.importCpuWithSourceMapsMs)} |`,
  );
  return [...header, ...rows].join('\n');
}

function conditions(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `Measured ${new Date().toISOString().slice(0, 10)} on Node ${process.version}, ${cpu} (${cpus().length} cores), medians of ${runs} fresh processes per cell after one warm-up round, all variants taken in turn. "from the runtime" loads the SDK from node_modules here, as Lambda loads its own copy from disk. CPU time (user + system) moves less than wall time when other work shares the machine.`;
}

rmSync(outputRoot, { recursive: true, force: true });
mkdirSync(outputRoot, { recursive: true });
const measurements = await measureAll();
const section = `${table(measurements)}\n\n${conditions()}`;
console.log(section);
if (process.argv.includes('--update-docs')) {
  console.log(writeDocSection(deployDoc, 'bundle-report', section) ? `\nwritten to ${deployDoc}` : `\n${deployDoc} has no bundle-report markers: nothing written`);
} else {
  console.log('\n(docs/deploy.md left as it is: `npm run bundle:report -- --update-docs` writes this table there)');
}
