import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Whether this machine lets a command run in a network namespace of its own (`unshare -n`). */
export function canIsolateNetwork(): boolean {
  return spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore', timeout: 5_000 }).status === 0;
}

let warned = false;

/**
 * The command, inside a network namespace with only loopback. Where the machine does not
 * allow one (no `unshare`, or no privilege for it), the command runs on this machine's
 * network: said loudly on stderr, and in CI (`CI` set) refused, since there the suite must
 * prove it needs no network.
 */
export function withoutNetwork(command: readonly string[]): string[] {
  if (canIsolateNetwork()) return ['unshare', '-n', ...command];
  const message =
    `offline check: \`unshare -n\` is not available here (install util-linux, or run with the privilege to create a network namespace), ` +
    `so "${command.join(' ')}" runs WITH this machine's network: the test cannot prove it works offline.`;
  if (process.env['CI']) throw new Error(`${message} In CI this is an error.`);
  if (!warned) process.stderr.write(`\n*** ${message}\n\n`);
  warned = true;
  return [...command];
}

/**
 * An environment for the CDK (CLI or app) that reaches no AWS account and nothing online:
 * no credentials, profiles or endpoints, no telemetry, no version check, no instance metadata.
 * `scratch` is a folder of the test's own, where the missing AWS config files would be.
 */
export function offlineEnvironment(scratch: string): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('CDK_')) environment[key] = value;
  }
  return {
    ...environment,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(scratch, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-aws-credentials'),
  };
}
