/**
 * `npm run dashboard:screenshot`: the local runtime as `npm start` runs it, a load test
 * against it, and a screenshot of /dashboard in Chromium while the load runs. Writes
 * .test-artifacts/dashboard.png, or docs/images/dashboard.png (docs/operations.md shows it)
 * with --update-docs.
 */
import '../local/powertools-defaults.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';
import { dashboardPaths } from '../dashboard/dashboard-site.js';
import { freePort } from '../local/free-port.js';
import { buildPackageIfStale } from '../local/lambda/package-build.js';
import { localSettings } from '../local/local-settings.js';
import { startLocalRuntime } from '../local/local-runtime.js';
import { runLoadTest } from '../loadtest/run.js';
import { defineCli } from './cli.js';

// The SDK's notice about Node 20 is for maintainers (docs/configuration.md), as in npm start.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const cli = defineCli({
  synopsis: 'npm run dashboard:screenshot [-- --clients N --rooms M --seconds S --update-docs]',
  about: 'Starts the local runtime (its own DynamoDB Local), load-tests it, and screenshots the live dashboard after --seconds of load. Needs Chromium at /usr/bin/chromium.',
  options: {
    clients: { type: 'integer', min: 1, max: 1_000, default: 100, description: 'load-test clients (default 100)' },
    rooms: { type: 'integer', min: 1, max: 1_000, default: 25, description: 'rooms they are spread over (default 25)' },
    seconds: { type: 'integer', min: 5, max: 600, default: 40, description: 'seconds of load before the screenshot (default 40)' },
    'update-docs': { type: 'boolean', description: 'write docs/images/dashboard.png instead of .test-artifacts/dashboard.png' },
  },
});

async function main(): Promise<number> {
  const parsed = cli.parse(process.argv.slice(2));
  if (!parsed.ok) return parsed.exitCode;
  const { clients, rooms, seconds } = parsed.values;
  const settings = localSettings(process.env);
  // With LOCAL_FUNCTIONS=bundles, the picture of that mode, whose Lambda panels have numbers.
  const name = settings.functions === 'bundles' ? 'dashboard-bundles.png' : 'dashboard.png';
  const file = parsed.values['update-docs'] ? `docs/images/${name}` : `.test-artifacts/${name}`;

  console.log(`starting the local runtime (LOCAL_FUNCTIONS=${settings.functions})...`);
  if (settings.functions === 'bundles') buildPackageIfStale((line) => console.log(line));
  const runtime = await startLocalRuntime({ recordHandlerMetrics: true, settings: { ...settings, port: await freePort() } });
  const load = new AbortController();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  try {
    console.log(`load test: ${clients} clients in ${rooms} rooms against ${runtime.url}; screenshot after ${seconds} s`);
    const loadTest = runLoadTest({ url: runtime.url, clients, rooms, durationSeconds: seconds + 30, sessionSeconds: 20, rampPerSecond: 50, signal: load.signal });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(runtime.url.replace(/^ws/, 'http') + dashboardPaths.page);
    await page.waitForSelector('td[data-total]');
    // Two refreshes, so every chart has drawn its lines.
    await page.waitForTimeout(2_500);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, await page.screenshot({ fullPage: true }));
    console.log(`screenshot: ${file}`);
    load.abort();
    await loadTest;
    return 0;
  } finally {
    load.abort();
    await browser.close();
    console.log('stopping the local runtime...');
    await runtime.stop();
  }
}

process.exitCode = await main();
