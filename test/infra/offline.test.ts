import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const script = `import { withoutNetwork } from ${JSON.stringify(join(root, 'test', 'support', 'offline.ts'))};\nconsole.log(JSON.stringify(withoutNetwork(['cdk', 'synth'])));`;

const nodeOnly = mkdtempSync(join(tmpdir(), 'node-only-'));
symlinkSync(process.execPath, join(nodeOnly, 'node'));
afterAll(() => rmSync(nodeOnly, { recursive: true, force: true }));

/** withoutNetwork in a process whose PATH holds node only: no `unshare` to isolate with. */
function withoutUnshare(env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...env, PATH: nodeOnly },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the offline checks without a network namespace', () => {
  const { CI: _ci, ...local } = process.env;

  it('say loudly that the command runs with the network', () => {
    const result = withoutUnshare(local);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['cdk', 'synth']);
    expect(result.stderr).toContain("`unshare -n` is not available here");
    expect(result.stderr).toContain("runs WITH this machine's network");
  });

  it('refuse in CI', () => {
    const result = withoutUnshare({ ...local, CI: 'true' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('In CI this is an error.');
  });
});
