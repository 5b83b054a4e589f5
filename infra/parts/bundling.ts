import { fileURLToPath } from 'node:url';

/**
 * How every function is bundled. The CDK construct hands these settings to NodejsFunction
 * and `npm run bundle:report` hands the same ones to esbuild's JS API, so the sizes and
 * import times the report prints are those of the code that is deployed.
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
} as const;

/** Where the SDK would come from if it were left out of the bundle (the report's comparison). */
export const runtimeProvidedModules = ['@aws-sdk/*', '@smithy/*'];

/** The repository root: handler entries, lock file and tsconfig are found from here. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The entry file of each Lambda function: src/lambda builds its handler from the environment. */
export function handlerEntry(name: string): string {
  return fileURLToPath(new URL(`../../src/lambda/${name}.ts`, import.meta.url));
}
