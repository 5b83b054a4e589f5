import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Whether this machine lets a command run in a network namespace of its own (`unshare -n`). */
export function canIsolateNetwork(): boolean {
  return spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore', timeout: 5_000 }).status === 0;
}

/** The command, inside a network namespace with only loopback where the machine allows it. */
export function withoutNetwork(command: readonly string[]): string[] {
  return canIsolateNetwork() ? ['unshare', '-n', ...command] : [...command];
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
