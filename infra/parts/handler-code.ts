import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { LambdaFunctionName } from './function-names.js';

/** Where `npm run build` puts each function's bundle, relative to the package root. */
export const handlerBundlesFolder = join('dist', 'handlers');
/** The bundle's file name: `.mjs`, so Lambda loads it as an ES module without a package.json. */
export const handlerBundleFile = 'index.mjs';
/** The Lambda `handler` setting for a bundle: file `index`, export `handler`. */
export const handlerExport = 'index.handler';

/**
 * The package root: the nearest folder above this file with a package.json. From the
 * sources (infra/parts) and from the built package (dist/infra/parts) alike, that is the
 * folder `npm run build` wrote the bundles into.
 */
export function packageRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) throw new Error(`no package.json above ${start}`);
  }
}

export function handlerBundleDirectory(name: LambdaFunctionName): string {
  return join(packageRoot(), handlerBundlesFolder, name);
}

/**
 * A function's code: its prebuilt bundle, deployed as it is. No esbuild and no sources are
 * needed at synth time, so what a consumer deploys is what this package was tested with.
 */
export function handlerCode(name: LambdaFunctionName): Code {
  const directory = handlerBundleDirectory(name);
  if (!existsSync(join(directory, handlerBundleFile))) {
    throw new Error(
      `The ${name} function's bundle is missing (${join(directory, handlerBundleFile)}). ` +
        `In a clone of the repository, run \`npm run build\` first; an installed package ships its bundles, so reinstall it.`,
    );
  }
  return Code.fromAsset(directory);
}
