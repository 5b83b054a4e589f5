/**
 * Environment variables as the settings read them: `process.env` on Lambda and locally, a plain
 * object in tests and in the construct. Not `NodeJS.ProcessEnv`: the package's declarations
 * must type-check in a CDK app without Node's types.
 */
export type Environment = Readonly<Record<string, string | undefined>>;
