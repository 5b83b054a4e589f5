import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoadTest } from './load-test.js';
import { markdownReport } from './report.js';
import { isLoopbackUrl } from './target.js';

const limits = { clients: 5_000, durationSeconds: 3_600 };

const usage = `npm run loadtest -- --url ws://127.0.0.1:4444 --clients N --rooms M --duration S [options]

  --url              signaling URL (ws:// or wss://); with auth, put ?token=… in it
  --clients          simulated y-webrtc clients (at most ${limits.clients})
  --rooms            rooms they are spread over
  --duration         seconds to run (at most ${limits.durationSeconds})
  --session          mean seconds before a client leaves and rejoins (default 20)
  --ramp             new connections per second while starting (default 100; API Gateway allows 500/s per account)
  --max-error-rate   exit 1 when errors / frames sent exceed this (default 0.001)
  --report-dir       where to write loadtest.json and loadtest.md (default .test-artifacts/loadtest)
  --allow-remote     allow a target that is not this machine (only your own deployment)`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        clients: { type: 'string' },
        rooms: { type: 'string' },
        duration: { type: 'string' },
        session: { type: 'string', default: '20' },
        ramp: { type: 'string', default: '100' },
        'max-error-rate': { type: 'string', default: '0.001' },
        'report-dir': { type: 'string', default: '.test-artifacts/loadtest' },
        'allow-remote': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (!values.url || !values.clients || !values.rooms || !values.duration) return fail('--url, --clients, --rooms and --duration are required');
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    return fail(`--url is not a URL: ${values.url}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return fail('--url must start with ws:// or wss://');
  if (!isLoopbackUrl(url) && !values['allow-remote']) {
    return fail(`${url.host} is not this machine: pass --allow-remote to load test a deployment of your own`);
  }
  const clients = integer(values.clients, '--clients', limits.clients);
  const rooms = integer(values.rooms, '--rooms', clients);
  const durationSeconds = integer(values.duration, '--duration', limits.durationSeconds);
  const sessionSeconds = Number(values.session);
  const rampPerSecond = Number(values.ramp);
  const threshold = Number(values['max-error-rate']);
  if ([clients, rooms, durationSeconds].some(Number.isNaN)) return 2;
  if (!(sessionSeconds > 0) || !(rampPerSecond > 0) || !(threshold >= 0)) return fail('--session and --ramp must be positive, --max-error-rate at least 0');

  console.log(`load test: ${clients} clients in ${rooms} rooms against ${url.href} for ${durationSeconds} s (Ctrl-C ends it early, with a report)`);
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(130);
    console.log('\ninterrupted: the clients leave, then the report covers the time run (Ctrl-C again to quit at once)');
    interrupt.abort();
  });
  const report = await runLoadTest({
    signal: interrupt.signal,
    url: url.href,
    clients,
    rooms,
    durationSeconds,
    sessionSeconds,
    rampPerSecond,
    onProgress: (p) =>
      console.log(
        `[${p.elapsedSeconds.toFixed(0).padStart(4)} s] connected ${String(p.connected).padStart(5)}  sent ${p.sentPerSecond.toFixed(0).padStart(6)}/s  ` +
          `received ${p.receivedPerSecond.toFixed(0).padStart(7)}/s  errors ${p.errors}  latency p50 ${fmt(p.latency.p50)} p99 ${fmt(p.latency.p99)} ms`,
      ),
  });
  mkdirSync(values['report-dir'], { recursive: true });
  writeFileSync(join(values['report-dir'], 'loadtest.json'), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = markdownReport(report, threshold);
  writeFileSync(join(values['report-dir'], 'loadtest.md'), markdown);
  console.log(`\n${markdown}\nreport: ${join(values['report-dir'], 'loadtest.json')} and loadtest.md`);
  if (report.errorRate > threshold) {
    console.error(`error rate ${(report.errorRate * 100).toFixed(3)} % is above the threshold ${(threshold * 100).toFixed(3)} %`);
    return 1;
  }
  return report.interrupted ? 130 : 0;
}

function integer(raw: string, name: string, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    fail(`${name} must be an integer from 1 to ${max}, got "${raw}"`);
    return Number.NaN;
  }
  return value;
}

function fail(message: string): number {
  console.error(`${message}\n\n${usage}`);
  return 2;
}

function fmt(value: number): string {
  return Number.isNaN(value) ? '  -' : value.toFixed(1);
}

process.exitCode = await main();
