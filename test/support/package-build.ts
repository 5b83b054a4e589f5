import { buildPackageIfStale as buildIfStale } from '../../src/local/lambda/package-build.js';

/**
 * The infra tests and bundles mode use the built package, as the app does. `npm test` builds
 * first; a bare `vitest run` after an edit gets a fresh build here instead of testing
 * yesterday's dist/.
 */
export function buildPackageIfStale(): void {
  buildIfStale((line) => process.stderr.write(`${line}\n`));
}
