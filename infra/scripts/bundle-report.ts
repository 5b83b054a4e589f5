/**
 * `npm run bundle:report`: bundles each function with the settings the CDK construct uses,
 * once with the AWS SDK inside the bundle and once with it left to the Lambda runtime, then
 * times how long a fresh Node process takes to import each bundle. Prints a table and
 * writes it into docs/deploy.md between the bundle-report markers.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import { functionBundle, handlerEntry, projectRoot, runtimeProvidedModules } from '../parts/bundling.js';
import { signalingFunctionNames, type SignalingFunctionName } from '../parts/function-names.js';

const runs = Number(process.env['BUNDLE_REPORT_RUNS'] ?? 7);
// Inside node_modules, so a bundle that leaves the SDK out finds it the way Lambda's runtime would.
const outputRoot = join(projectRoot, 'node_modules', '.cache', 'bundle-report');
const deployDoc = join(projectRoot, 'docs', 'deploy.md');
const markers = { start: '<!-- bundle-report:start -->', end: '<!-- bundle-report:end -->' };

type SdkPlacement = 'bundled' | 'runtime';

interface Measurement {
  readonly name: SignalingFunctionName;
  readonly sdk: SdkPlacement;
  readonly bytes: number;
  readonly zippedBytes: number;
  readonly mapBytes: number;
  readonly importMs: number;
  readonly importWithSourceMapsMs: number;
}

async function bundle(name: SignalingFunctionName, sdk: SdkPlacement): Promise<string> {
  const outfile = join(outputRoot, sdk, name, 'index.mjs');
  await build({
    entryPoints: [handlerEntry(name)],
    bundle: true,
    platform: 'node',
    target: functionBundle.target,
    format: functionBundle.format,
    mainFields: [...functionBundle.mainFields],
    minify: functionBundle.minify,
    sourcemap: functionBundle.sourceMap,
    sourcesContent: functionBundle.sourcesContent,
    banner: { js: functionBundle.banner },
    external: sdk === 'bundled' ? [...functionBundle.externalModules] : runtimeProvidedModules,
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** Milliseconds from just before `import()` to its settling, in a Node process of its own. */
function importTime(file: string, nodeOptions: readonly string[]): number {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  const output = execFileSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], {
    cwd: projectRoot,
    env: { PATH: process.env['PATH'], AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_REGION: 'us-east-1' },
    encoding: 'utf8',
  });
  return Number(output);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function medianImportTime(file: string, nodeOptions: readonly string[] = []): number {
  importTime(file, nodeOptions); // the first run warms the file cache, as Lambda's disk is warm too
  return median(Array.from({ length: runs }, () => importTime(file, nodeOptions)));
}

async function measure(name: SignalingFunctionName, sdk: SdkPlacement): Promise<Measurement> {
  const file = await bundle(name, sdk);
  const code = readFileSync(file);
  return {
    name,
    sdk,
    bytes: code.length,
    zippedBytes: deflateRawSync(code).length,
    mapBytes: statSync(`${file}.map`).size,
    importMs: medianImportTime(file),
    importWithSourceMapsMs: medianImportTime(file, ['--enable-source-maps']),
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

function table(measurements: readonly Measurement[]): string {
  const header = [
    '| function | AWS SDK | bundle | zipped | source map | import (median) | import with `--enable-source-maps` |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const rows = measurements.map(
    (m) =>
      `| ${m.name} | ${m.sdk === 'bundled' ? 'bundled' : 'from the runtime'} | ${kb(m.bytes)} | ${kb(m.zippedBytes)} | ${kb(m.mapBytes)} | ${ms(m.importMs)} | ${ms(m.importWithSourceMapsMs)} |`,
  );
  return [...header, ...rows].join('\n');
}

function conditions(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `Measured ${new Date().toISOString().slice(0, 10)} on Node ${process.version}, ${cpu} (${cpus().length} cores), median of ${runs} fresh processes after one warm-up. "from the runtime" loads the SDK from node_modules here, as Lambda loads its own copy from disk.`;
}

function writeIntoDeployDoc(section: string): boolean {
  let doc: string;
  try {
    doc = readFileSync(deployDoc, 'utf8');
  } catch {
    return false;
  }
  const start = doc.indexOf(markers.start);
  const end = doc.indexOf(markers.end);
  if (start < 0 || end < start) return false;
  writeFileSync(deployDoc, `${doc.slice(0, start + markers.start.length)}\n${section}\n${doc.slice(end)}`);
  return true;
}

rmSync(outputRoot, { recursive: true, force: true });
mkdirSync(outputRoot, { recursive: true });
const measurements: Measurement[] = [];
for (const sdk of ['bundled', 'runtime'] as const) {
  for (const name of signalingFunctionNames) measurements.push(await measure(name, sdk));
}
const section = `${table(measurements)}\n\n${conditions()}`;
console.log(section);
console.log(writeIntoDeployDoc(section) ? `\nwritten to ${deployDoc}` : `\n${deployDoc} has no bundle-report markers: nothing written`);
