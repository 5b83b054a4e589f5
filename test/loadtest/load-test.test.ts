import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { freePort } from '../../src/local/free-port.js';
import { runLoadTest, type Progress } from '../../src/loadtest/run.js';
import { isLoopbackUrl } from '../../src/loadtest/target.js';
import { dynamoDbTotals } from '../../src/loadtest/local-dashboard.js';
import { markdownReport } from '../../src/loadtest/report.js';
import { connectionItems, eventually, startTestRuntime } from '../support/runtime.js';

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(() => runtime?.stop());

/** `npm run loadtest` as a child process: its output so far, and its exit. */
function startCli(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; output: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/loadtest/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => child.on('exit', (code) => resolve({ code, output })));
  return { child, output: () => output, exited };
}

const cli = (args: string[]) => startCli(args).exited;

describe('load test', () => {
  it('runs y-webrtc-like clients that join, signal, ping and rejoin, without errors, and leaves the table clean', async () => {
    const progress: Progress[] = [];
    const report = await runLoadTest({
      url: runtime.url,
      clients: 12,
      rooms: 3,
      durationSeconds: 6,
      sessionSeconds: 2,
      rampPerSecond: 50,
      progressIntervalMs: 1_000,
      onProgress: (p) => progress.push(p),
    });
    expect(report.errors).toBe(0);
    expect(report.connections).toBeGreaterThan(12);
    // Every delivery carries its send time, so each one received is measured.
    expect(report.latency.count).toBeGreaterThan(10);
    expect(report.received).toBeGreaterThanOrEqual(report.latency.count);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...progress.map((p) => p.connected))).toBeGreaterThan(6);
    await eventually(async () => (await connectionItems(runtime)).length === 0, 20_000, 'no connection or subscription left after the load test').catch(async (error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(await connectionItems(runtime))}`);
    });
  }, 60_000);

  it('cuts every connection at --cut-at and times the wave: every room whole again, no errors, the cost per reconnect; --cut-spread lowers the peak', async () => {
    // Two runs at once, each with rooms of its own: all at once, and spread over 6 s.
    const [report, spread] = await Promise.all([
      runLoadTest({
        url: runtime.url,
        clients: 24,
        rooms: 6,
        durationSeconds: 14,
        // No churn: the wave is all that happens after the cut, once the joins are done.
        sessionSeconds: 10_000,
        rampPerSecond: 50,
        cutAtSeconds: 4,
        dynamoDbTotals: () => dynamoDbTotals(new URL(runtime.url)),
      }),
      runLoadTest({ url: runtime.url, roomPrefix: 'spread', clients: 24, rooms: 6, durationSeconds: 14, sessionSeconds: 10_000, rampPerSecond: 50, cutAtSeconds: 4, cutSpreadSeconds: 6 }),
    ]);
    expect(report.errors).toBe(0);
    const cut = report.cut!;
    expect(cut.reconnects).toBe(24);
    expect(cut.peakReconnectsPerSecond).toBe(24);
    expect(cut.rooms).toBe(6);
    expect(cut.roomsNotWhole).toBe(0);
    expect(cut.wholeAgainMs.count).toBe(6);
    expect(cut.wholeAgainMs.max).toBeGreaterThan(0);
    // A reconnect sends its subscribe and its announce; the peers it already knew start no new handshake.
    expect(cut.framesSentPerReconnect).toBe(2);
    // $connect, subscribe, announce, and the cleanup of the connection cut: a few requests each
    // (the other run's wave falls in the same window, so this is an upper figure).
    expect(cut.dynamoDb!.requestsPerReconnect).toBeGreaterThan(3);
    expect(cut.dynamoDb!.capacityUnitsPerReconnect).toBeGreaterThan(1);
    expect(markdownReport(report, 0.001)).toMatch(/## Every connection cut \(at 4 s, all at once\)[\s\S]*\| reconnects \| 24 \(peak 24 in one second\)/);

    expect(spread.errors).toBe(0);
    expect(spread.cut!.reconnects).toBe(24);
    expect(spread.cut!.peakReconnectsPerSecond).toBeLessThan(24);
    expect(spread.cut!.roomsNotWhole).toBe(0);
  }, 60_000);

  it('refuses a target that is not this machine unless --allow-remote is given', async () => {
    expect(isLoopbackUrl(new URL('ws://127.0.0.1:4444'))).toBe(true);
    expect(isLoopbackUrl(new URL('ws://[::1]:4444'))).toBe(true);
    expect(isLoopbackUrl(new URL('ws://localhost:4444'))).toBe(true);
    expect(isLoopbackUrl(new URL('wss://abc.execute-api.eu-west-1.amazonaws.com/prod'))).toBe(false);
    const refused = await cli(['--url', 'wss://abc.execute-api.eu-west-1.amazonaws.com/prod', '--clients', '1', '--rooms', '1', '--duration', '1']);
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/--allow-remote/);
  });

  it('refuses counts beyond its bounds', async () => {
    const result = await cli(['--url', 'ws://127.0.0.1:1', '--clients', '100000', '--rooms', '1', '--duration', '1']);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/--clients must be an integer from 1 to 5000/);
  });

  it('ends early on Ctrl-C and still writes the report of the time it ran', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'loadtest-'));
    const run = startCli(['--url', runtime.url, '--clients', '4', '--rooms', '2', '--duration', '300', '--report-dir', reportDir]);
    await eventually(() => /\] connected +[1-9]/.test(run.output()), 30_000, 'clients connected');
    run.child.kill('SIGINT');
    const { code, output } = await run.exited;
    expect(code).toBe(130);
    expect(output).toMatch(/interrupted/);
    // The target is the local runtime: the user is shown where to watch the server's side.
    expect(output).toContain(`watch it live: ${runtime.url.replace(/^ws/, 'http')}/dashboard`);
    const report = JSON.parse(readFileSync(join(reportDir, 'loadtest.json'), 'utf8')) as { interrupted: boolean; ranSeconds: number; connections: number; errors: number };
    expect(report).toMatchObject({ interrupted: true, errors: 0 });
    expect(report.ranSeconds).toBeLessThan(60);
    expect(report.connections).toBeGreaterThan(0);
    expect(readFileSync(join(reportDir, 'loadtest.md'), 'utf8')).toMatch(/of 300 s \(interrupted\)/);
  }, 60_000);

  it('exits 1 with a report when errors pass the threshold', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'loadtest-'));
    const port = await freePort();
    const result = await cli(['--url', `ws://127.0.0.1:${port}`, '--clients', '3', '--rooms', '1', '--duration', '2', '--report-dir', reportDir]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/above the threshold/);
    expect(result.output).not.toContain('watch it live');
    const report = JSON.parse(readFileSync(join(reportDir, 'loadtest.json'), 'utf8')) as { errorsByKind: Record<string, number> };
    expect(report.errorsByKind['connect-failed']).toBeGreaterThan(0);
    expect(readFileSync(join(reportDir, 'loadtest.md'), 'utf8')).toMatch(/connect-failed/);
  });

  it('exits 1, saying the server saturated, when the server stops delivering mid-run (run.ts to the exit code)', async () => {
    // A signaling server of y-webrtc's protocol that answers pings but, after 3 s, delivers no publish.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    const rooms = new Map<string, Set<WebSocket>>();
    const stopAt = Date.now() + 3_000;
    server.on('connection', (socket) => {
      socket.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as { type: string; topics?: string[]; topic?: string };
        if (message.type === 'ping') return socket.send(JSON.stringify({ type: 'pong' }));
        if (message.type === 'subscribe') for (const topic of message.topics ?? []) rooms.set(topic, (rooms.get(topic) ?? new Set()).add(socket));
        if (message.type === 'publish' && Date.now() < stopAt) for (const member of rooms.get(message.topic!) ?? []) member.send(String(raw));
      });
    });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const reportDir = mkdtempSync(join(tmpdir(), 'loadtest-'));
    try {
      const result = await cli(['--url', `ws://127.0.0.1:${port}`, '--clients', '8', '--rooms', '2', '--duration', '10', '--session', '2', '--max-error-rate', '1', '--report-dir', reportDir]);
      expect(result.code, result.output).toBe(1);
      expect(result.output).toContain('the server saturated');
      const report = JSON.parse(readFileSync(join(reportDir, 'loadtest.json'), 'utf8')) as { saturation: { saturated: boolean; sinceSeconds?: number; behindSeconds: number } };
      expect(report.saturation.saturated).toBe(true);
      expect(report.saturation.sinceSeconds).toBeLessThanOrEqual(6);
      expect(report.saturation.behindSeconds).toBeGreaterThanOrEqual(3);
    } finally {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 40_000);
});
