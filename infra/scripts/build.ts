/**
 * `npm run build`: the package as it is published and as the repository's own app uses it.
 * - dist/handlers/<function>/index.mjs (+ map): each Lambda function bundled by esbuild with
 *   the settings in function-bundle.ts; the construct deploys these files as they are.
 * - dist/infra, dist/src: the construct compiled by tsc, with type declarations.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { lambdaFunctionNames } from '../parts/function-names.js';
import { handlerBundleFile, handlerBundlesFolder } from '../parts/handler-code.js';
import { functionBuildOptions, projectRoot } from './function-bundle.js';

const say = (line: string) => process.stderr.write(`build: ${line}\n`);
const kilobytes = (file: string) => `${Math.round(statSync(file).size / 1024)} KB`;

async function main(): Promise<void> {
  const started = Date.now();
  rmSync(join(projectRoot, 'dist'), { recursive: true, force: true });

  await Promise.all(
    lambdaFunctionNames.map(async (name) => {
      const outdir = join(projectRoot, handlerBundlesFolder, name);
      const outfile = join(outdir, handlerBundleFile);
      await build(functionBuildOptions(name, outdir));
      say(`${name} function bundled: ${kilobytes(outfile)} entry, with chunks beside it (map ${kilobytes(`${outfile}.map`)})`);
    }),
  );

  say('compiling the construct (tsc -p tsconfig.build.json)');
  const tsc = spawnSync(process.execPath, [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status ?? tsc.signal})`);
  say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: dist/`);
}

main().catch((error: unknown) => {
  process.stderr.write(`build: failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
