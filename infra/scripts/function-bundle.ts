import type { BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { LambdaFunctionName } from '../parts/function-names.js';

/**
 * How every function is bundled. `npm run build` bundles with these settings into the
 * package (the construct deploys those files as they are), and `npm run bundle:report`
 * bundles with the same ones, so the sizes and import times it prints are those of the
 * code that is deployed.
 */
export const functionBundle = {
  /** Lambda's nodejs22.x runtime. */
  target: 'node22',
  /**
   * ESM, so esbuild picks the ESM builds of the SDK and Powertools (`module` before `main`)
   * and can drop what the handlers never import.
   */
  format: 'esm',
  mainFields: ['module', 'main'],
  minify: true,
  /** `sourceMapStackTraces` (on by default) needs the map beside the bundle. */
  sourceMap: true,
  /** Stack traces need names and lines, not the sources: the maps stay small. */
  sourcesContent: false,
  /**
   * Some CommonJS inside the bundle still calls `require` for Node built-ins, which an ES
   * module does not have.
   */
  banner: "import{createRequire as __cjsRequire}from'node:module';const require=__cjsRequire(import.meta.url);",
  /**
   * Nothing is left out: the AWS SDK is bundled. `npm run bundle:report` measured both ways
   * (docs/deploy.md, "Cold start"): the one-file bundle imports faster than the runtime's
   * own SDK loaded from node_modules, and it pins the SDK version the tests ran against.
   */
  externalModules: [] as string[],
  /**
   * Code that is only imported dynamically (the SDK's credential providers for SSO, STS and
   * the like, which Lambda's environment credentials never reach) goes into chunks beside
   * the entry and loads only if called: the import of a bundle parses what a cold start
   * runs, not everything it could (docs/deploy.md, "Cold start").
   */
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
} as const;

/** Where the SDK would come from if it were left out of the bundle (the report's comparison). */
export const runtimeProvidedModules = ['@aws-sdk/*', '@smithy/*'];

/** The repository root: handler entries and docs are found from here. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The entry file of each Lambda function (`iceServers`: src/lambda/ice-servers.ts): src/lambda builds its handler from the environment. */
export function handlerEntry(name: LambdaFunctionName): string {
  const file = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  return fileURLToPath(new URL(`../../src/lambda/${file}.ts`, import.meta.url));
}

/** esbuild's options for one function's bundle, written into `outdir`: `index.mjs`, its map, and its chunks. */
export function functionBuildOptions(
  name: LambdaFunctionName,
  outdir: string,
  external: readonly string[] = functionBundle.externalModules,
): BuildOptions {
  return {
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
    external: [...external],
    splitting: functionBundle.splitting,
    outdir,
    entryNames: 'index',
    chunkNames: functionBundle.chunkNames,
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
  };
}
