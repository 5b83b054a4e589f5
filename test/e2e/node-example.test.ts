import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { eventually, startTestRuntime } from '../support/runtime.js';

/**
 * docs/clients.md's Node.js example, run as the doc says: two processes, one room, each
 * adds a line; both must end up with both lines over WebRTC.
 */
const example = 'docs/examples/node-peer.mjs';

interface Peer {
  readonly child: ChildProcess;
  output(): string;
}

const peers: Peer[] = [];
let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await Promise.all(
    peers.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGINT');
        }),
    ),
  );
  await runtime?.stop();
}, 30_000);

function runExample(...args: string[]): Peer {
  const child = spawn(process.execPath, [example, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const peer = { child, output: () => text };
  peers.push(peer);
  return peer;
}

describe("docs/clients.md's Node.js example", () => {
  it('syncs two peers in one room through the signaling server, each with the other line', async () => {
    const room = `node-example-${randomUUID()}`;
    const first = runExample(runtime.url, room, 'hello from the first');
    const second = runExample(runtime.url, room, 'hello from the second');
    for (const peer of [first, second]) {
      await eventually(() => peer.output().includes('peers: 1'), 30_000, `a WebRTC peer (output: ${peer.output()})`);
      await eventually(
        () => /text: ".*hello from the first.*hello from the second|text: ".*hello from the second.*hello from the first/.test(peer.output()),
        15_000,
        `both lines (output: ${peer.output()})`,
      );
    }
    expect(first.output()).toContain(`in room "${room}" through ${runtime.url}`);
    const exited = new Promise<number | null>((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 60_000);
});
