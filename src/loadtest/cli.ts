import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineCli } from '../tools/cli.js';
import { markdownReport } from './report.js';
import { runLoadTest } from './run.js';
import { dynamoDbTotals, localDashboardUrl } from './local-dashboard.js';
import { isLoopbackUrl } from './target.js';

const limits = { clients: 5_000, durationSeconds: 3_600 };

const cli = defineCli({
  synopsis: 'npm run loadtest -- --url ws://127.0.0.1:4444 --clients N --rooms M --duration S [options]',
  options: {
    url: { type: 'string', required: true, description: 'signaling URL (ws:// or wss://); with auth, put ?token=… in it' },
    clients: { type: 'integer', min: 1, max: limits.clients, required: true, description: `simulated y-webrtc clients (at most ${limits.clients})` },
    rooms: { type: 'integer', min: 1, max: limits.clients, required: true, description: 'rooms they are spread over (at most --clients)' },
    duration: { type: 'integer', min: 1, max: limits.durationSeconds, required: true, description: `seconds to run (at most ${limits.durationSeconds})` },
    session: { type: 'number', above: 0, default: 20, description: 'mean seconds before a client leaves and rejoins (default 20)' },
    ramp: { type: 'number', above: 0, default: 100, description: 'new connections per second while starting (default 100; API Gateway allows 500/s per account)' },
    'cut-at': { type: 'number', min: 0, description: 'cut every connection this many seconds in, as API Gateway does at the 2-hour mark; the report then times the reconnect wave' },
    'cut-spread': { type: 'number', min: 0, default: 0, description: 'spread the cuts over this many seconds, as the client module\'s early close does (default 0: all at once)' },
    'max-error-rate': { type: 'number', min: 0, default: 0.001, description: 'exit 1 when errors / frames sent exceed this (default 0.001)' },
    'report-dir': { type: 'string', default: '.test-artifacts/loadtest', description: 'where to write loadtest.json and loadtest.md (default .test-artifacts/loadtest)' },
    'allow-remote': { type: 'boolean', description: 'allow a target that is not this machine (only your own deployment)' },
  },
});

async function main(): Promise<number> {
  const parsed = cli.parse(process.argv.slice(2));
  if (!parsed.ok) return parsed.exitCode;
  const { values } = parsed;
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    return cli.fail(`--url is not a URL: ${values.url}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return cli.fail('--url must start with ws:// or wss://');
  if (!isLoopbackUrl(url) && !values['allow-remote']) {
    return cli.fail(`${url.host} is not this machine: pass --allow-remote to load test a deployment of your own`);
  }
  const { clients, rooms, duration: durationSeconds, session: sessionSeconds, ramp: rampPerSecond, 'max-error-rate': threshold } = values;
  if (rooms > clients) return cli.fail(`--rooms must be an integer from 1 to ${clients} (--clients), got "${rooms}"`);
  const cutAtSeconds = values['cut-at'];
  const cutSpreadSeconds = values['cut-spread'];
  if (cutAtSeconds !== undefined && cutAtSeconds + cutSpreadSeconds >= durationSeconds) {
    return cli.fail(`--cut-at (${cutAtSeconds}) plus --cut-spread (${cutSpreadSeconds}) must end before --duration (${durationSeconds}), with time left to reconnect`);
  }

  console.log(`load test: ${clients} clients in ${rooms} rooms against ${url.href} for ${durationSeconds} s (Ctrl-C ends it early, with a report)`);
  const dashboard = await localDashboardUrl(url);
  if (dashboard) console.log(`  watch it live: ${dashboard} (the local runtime's dashboard)`);
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
    ...(cutAtSeconds !== undefined ? { cutAtSeconds, cutSpreadSeconds, dynamoDbTotals: () => dynamoDbTotals(url) } : {}),
    onProgress: (p) => {
      console.log(
        `[${p.elapsedSeconds.toFixed(0).padStart(4)} s] connected ${String(p.connected).padStart(5)}  sent ${p.sentPerSecond.toFixed(0).padStart(6)}/s  ` +
          `received ${p.receivedPerSecond.toFixed(0).padStart(7)}/s  errors ${p.errors}  latency p50 ${fmt(p.latency.p50)} p99 ${fmt(p.latency.p99)} ms`,
      );
      if (p.change?.kind === 'fell-behind') {
        console.log(
          `  FALLING BEHIND: delivery p50 rose from ${fmt(p.change.p50FromMs)} to ${fmt(p.change.p50ToMs)} ms: frames queue up at the server ` +
            '(no errors does not mean it holds). If it does not catch up, fewer --clients or --rooms find what it holds.',
        );
      } else if (p.change?.kind === 'caught-up') {
        console.log('  caught up: delivery latency is back down');
      }
    },
  });
  mkdirSync(values['report-dir'], { recursive: true });
  writeFileSync(join(values['report-dir'], 'loadtest.json'), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = markdownReport(report, threshold);
  writeFileSync(join(values['report-dir'], 'loadtest.md'), markdown);
  console.log(`\n${markdown}\nreport: ${join(values['report-dir'], 'loadtest.json')} and loadtest.md${dashboard ? `; the server's side: ${dashboard}` : ''}`);
  if (report.errorRate > threshold) {
    console.error(`error rate ${(report.errorRate * 100).toFixed(3)} % is above the threshold ${(threshold * 100).toFixed(3)} %`);
    return 1;
  }
  if (report.saturation.saturated) {
    console.error('the server saturated: delivery latency kept rising (see the report); this load does not hold');
    return 1;
  }
  return report.interrupted ? 130 : 0;
}

function fmt(value: number): string {
  return Number.isNaN(value) ? '  -' : value.toFixed(1);
}

process.exitCode = await main();
