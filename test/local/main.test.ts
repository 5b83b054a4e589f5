import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { coturnInstalled } from '../../src/local/coturn.js';
import { freePort } from '../../src/local/free-port.js';
import { commandLineOf, descendantsOf, isAlive } from '../support/processes.js';
import { eventually } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * `npm start`'s entry, with its own DynamoDB Local, as a user runs it. `terminal`: in a process
 * group of its own, as a shell starts a foreground job, so Ctrl-C can be sent to the group.
 */
function startServer(env: NodeJS.ProcessEnv, { terminal = false } = {}): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/local/main.ts'], {
    // No warm-up unless a test asks: it only delays each start here.
    env: { ...process.env, DYNAMODB_ENDPOINT: '', WARM_UP_SECONDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: terminal,
  });
  started.push(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

const isDynamoDbLocalJava = (pid: number) => /^java .*DynamoDBLocal\.jar/.test(commandLineOf(pid));

/** The server on a free port, once its banner is out, and the Java process of its DynamoDB Local. */
async function runningServer(env: NodeJS.ProcessEnv = {}, options: { terminal?: boolean } = {}) {
  const port = await freePort();
  const server = startServer({ PORT: String(port), ...env }, options);
  await eventually(() => server.output().includes('Ctrl-C stops everything'), 30_000, 'startup banner');
  return { ...server, port, java: descendantsOf(server.child.pid!).filter(isDynamoDbLocalJava) };
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

describe('npm start', () => {
  it('prints where it serves, serves y-webrtc clients, and leaves no process behind on SIGTERM', async () => {
    const { child, output, port, java } = await runningServer({ TABLE_NAME: 'start-test', WARM_UP_SECONDS: '1' });
    expect(output()).toContain(`signaling URL   ws://127.0.0.1:${port}`);
    expect(output()).toMatch(/DynamoDB {8}http:\/\/127\.0\.0\.1:\d+/);
    expect(output()).toContain('table           start-test');
    expect(java).toHaveLength(1);

    const client = await TestClient.connect(`ws://127.0.0.1:${port}`);
    client.send({ type: 'subscribe', topics: ['start'] });
    client.send({ type: 'publish', topic: 'start', data: 1 });
    expect(await client.next(10_000)).toEqual({ type: 'publish', topic: 'start', data: 1, clients: 1 });
    // One readable line per connect and subscribe, as they happen.
    expect(output()).toMatch(/^ {2}connect {6}\S+ from 127\.0\.0\.1$/m);
    expect(output()).toMatch(/^ {2}subscribe {4}\S+ to "start"$/m);

    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
    expect(output()).toMatch(/^ {2}leave {8}\S+ \(close code 1001\)$/m);
    expect(output()).toContain('stopped: every connection closed and cleaned up, DynamoDB Local down.');
    expect(java.filter(isAlive)).toEqual([]);
    expect(client.closed || (await eventually(() => client.closed, 5_000).then(() => true))).toBe(true);
  }, 60_000);

  it('stops in order on Ctrl-C in a terminal, which signals the whole foreground process group', async () => {
    const { child, output, port, java } = await runningServer({}, { terminal: true });
    expect(java).toHaveLength(1);
    const client = await TestClient.connect(`ws://127.0.0.1:${port}`);
    client.send({ type: 'subscribe', topics: ['ctrl-c'] });

    const signalled = Date.now();
    process.kill(-child.pid!, 'SIGINT');
    expect(await exitOf(child)).toBe(0);
    // DynamoDB Local outlived the server's drain: nothing failed on the way down.
    expect(Date.now() - signalled).toBeLessThan(15_000);
    expect(output()).not.toMatch(/stream poller|ECONNREFUSED|Error/);
    expect(java.filter(isAlive)).toEqual([]);
  }, 60_000);

  it('stops at once on a second Ctrl-C, and still takes DynamoDB Local down', async () => {
    const { child, output, port, java } = await runningServer({}, { terminal: true });
    // A connection that holds the drain up: its $disconnect still has to be handled.
    await TestClient.connect(`ws://127.0.0.1:${port}`);

    process.kill(-child.pid!, 'SIGINT');
    await eventually(() => output().includes('stopping:'), 10_000, 'orderly stop begun');
    process.kill(-child.pid!, 'SIGINT');
    expect(await exitOf(child)).toBe(130);
    expect(output()).toContain('stopping at once');
    await eventually(() => java.every((pid) => !isAlive(pid)), 10_000, 'DynamoDB Local stopped');
  }, 60_000);

  it('stops everything when `npm start` itself is stopped with SIGTERM, as process managers and CI scripts do', async () => {
    const port = await freePort();
    // npm ends on SIGTERM without passing it on; the server, reparented, must notice by itself.
    const npm = spawn('npm', ['start'], { env: { ...process.env, DYNAMODB_ENDPOINT: '', WARM_UP_SECONDS: '0', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(npm);
    let text = '';
    npm.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    await eventually(() => text.includes('Ctrl-C stops everything'), 30_000, 'startup banner');
    const everything = descendantsOf(npm.pid!);
    expect(everything.some(isDynamoDbLocalJava)).toBe(true);
    const client = await TestClient.connect(`ws://127.0.0.1:${port}`);

    npm.kill('SIGTERM');
    await eventually(() => everything.every((pid) => !isAlive(pid)), 15_000, 'server and DynamoDB Local stopped');
    await eventually(() => client.closed, 5_000, 'client connection closed');
    await expect(TestClient.connect(`ws://127.0.0.1:${port}`)).rejects.toThrow(/ECONNREFUSED/);
  }, 60_000);

  it('takes DynamoDB Local and coturn down with it when it is killed outright', async () => {
    const { child } = await runningServer(coturnInstalled() ? { LOCAL_TURN: 'coturn' } : {});
    const spawned = descendantsOf(child.pid!);
    expect(spawned.some(isDynamoDbLocalJava)).toBe(true);
    if (coturnInstalled() || process.env['CI']) expect(spawned.some((pid) => /^turnserver /.test(commandLineOf(pid)))).toBe(true);
    child.kill('SIGKILL');
    await exitOf(child);
    await eventually(() => spawned.every((pid) => !isAlive(pid)), 10_000, 'DynamoDB Local and coturn stopped');
  }, 60_000);

  it('says how to install Java when there is none and no DYNAMODB_ENDPOINT', async () => {
    const { child, output } = startServer({ PATH: '/nonexistent', PORT: String(await freePort()) });
    expect(await exitOf(child)).toBe(1);
    expect(output()).toMatch(/needs Java 17 or newer/);
    expect(output()).toMatch(/DYNAMODB_ENDPOINT/);
  });

  it('says what to do when the DynamoDB named by DYNAMODB_ENDPOINT cannot be reached', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const { child, output } = startServer({ DYNAMODB_ENDPOINT: endpoint, PORT: String(await freePort()) });
    expect(await exitOf(child)).toBe(1);
    expect(output()).toContain(`cannot reach DynamoDB at ${endpoint} (DYNAMODB_ENDPOINT): ECONNREFUSED`);
    expect(output()).toMatch(/unset DYNAMODB_ENDPOINT to use the bundled DynamoDB Local/);
    expect(output()).not.toMatch(/\n +at /);
  });

  it('refuses bad settings before starting anything, naming every one', async () => {
    const { child, output } = startServer({ PORT: 'eighty', MAX_TOPICS_PER_MESSAGE: '-1' });
    const began = Date.now();
    expect(await exitOf(child)).toBe(1);
    expect(output()).toMatch(/2 settings are wrong/);
    expect(output()).toMatch(/PORT must be an integer/);
    expect(output()).toMatch(/MAX_TOPICS_PER_MESSAGE must be a positive integer/);
    // DynamoDB Local was never started: that alone takes seconds.
    expect(output()).not.toContain('starting y-webrtc signaling');
    expect(Date.now() - began).toBeLessThan(5_000);
  });
});
