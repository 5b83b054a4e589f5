import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lambdaFunctionNames } from '../../../infra/parts/function-names.js';
import { handlerBundleFile, handlerBundlesFolder } from '../../../infra/parts/handler-code.js';
import { projectRoot } from '../../../infra/scripts/function-bundle.js';

/** What `npm run build` makes from (the functions' code and what the construct reads): a change to any makes dist/ stale. */
const bundledSources = ['shared', 'protocol', 'config', 'signaling', 'store', 'gateway', 'auth', 'handlers', 'lambda'].map((layer) => join('src', layer));
const buildInputs = [...bundledSources, 'infra', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const buildOutputs = [join('dist', 'infra', 'index.js'), ...lambdaFunctionNames.map((name) => join(handlerBundlesFolder, name, handlerBundleFile))];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestChange(join(path, entry))));
}

/** Whether dist/ misses a file or is older than a source it is built from. */
export function packageBuildIsStale(): boolean {
  const outputs = buildOutputs.map((file) => join(projectRoot, file));
  if (!outputs.every(existsSync)) return true;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return Math.max(...buildInputs.map((input) => newestChange(join(projectRoot, input)))) > built;
}

/**
 * Runs `npm run build` when dist/ is stale: bundles mode runs the built bundles and
 * synthesizes the built construct, so an edit must not leave it running yesterday's.
 * @returns whether it built
 */
export function buildPackageIfStale(say: (line: string) => void): boolean {
  if (!packageBuildIsStale()) return false;
  say('dist/ is older than the sources: running npm run build');
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'infra', 'scripts', 'build.ts')], {
    cwd: projectRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error('npm run build failed: the bundles mode needs the built package (see the output above)');
  return true;
}
