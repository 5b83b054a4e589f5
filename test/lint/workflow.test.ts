import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const workflowFile = join(root, '.github', 'workflows', 'ci.yml');
const workflow = readFileSync(workflowFile, 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'workflow-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** action-validator (@action-validator/cli): GitHub's workflow schema, offline. */
function validate(file: string) {
  const result = spawnSync(join(root, 'node_modules', '.bin', 'action-validator'), [file], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the CI workflow for the repository host', () => {
  it('passes the workflow linter', () => {
    const result = validate(workflowFile);
    expect(result.status, result.output).toBe(0);
  });

  it('is checked for real: the linter refuses a broken copy', () => {
    const broken = join(scratch, 'ci.yml');
    writeFileSync(broken, workflow.replace('runs-on:', 'run-on:'));
    const result = validate(broken);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("Additional property 'run-on' is not allowed");
  });

  it("runs the README's test command through .ci/run, on Node 22", () => {
    expect(workflow).toContain('run: bash .ci/run');
    expect(workflow).toMatch(/image: node:22-/);
    const ciRun = readFileSync(join(root, '.ci', 'run'), 'utf8');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npm test');
    expect(ciRun.trimEnd().split('\n').slice(-2)).toEqual(['npm ci --no-audit --no-fund', 'npm test']);
  });
});
