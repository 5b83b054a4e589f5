import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/local/free-port.js';
import { chromiumAvailable, launchChromium, type LaunchedBrowser } from '../support/browser.js';
import { eventually } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';

/**
 * `npm start`'s live dashboard, as a user opens it: the server runs as `npm start` runs it
 * (metrics on, EMF taken off stdout), the test drives a scripted sequence of clients, then
 * reads the numbers back from the page in Chromium. Counts must be exactly what the
 * sequence caused.
 */
const clientCount = 3;
const publishCount = 4;
const killedCount = 1;
const artifacts = '.test-artifacts/';

let server: ChildProcess | undefined;
let output = '';
let baseUrl = '';
let launched: LaunchedBrowser | undefined;
let page: Page;

/** The total a panel's line shows for a metric (`data-metric`) and statistic. */
async function totalOf(metric: string, statistic = 'Sum'): Promise<number | undefined> {
  const cell = page.locator(`tr[data-metric="${metric}"][data-statistic="${statistic}"] td[data-total]`);
  if ((await cell.count()) === 0) return undefined;
  return Number(await cell.first().getAttribute('data-total'));
}

async function pageShows(metric: string, expected: number, statistic = 'Sum'): Promise<void> {
  await eventually(async () => (await totalOf(metric, statistic)) === expected, 15_000, `${metric} ${statistic} = ${expected} on the page (it shows ${await totalOf(metric, statistic)})`);
}

describe.skipIf(!chromiumAvailable() && !process.env['CI'])('the live dashboard at /dashboard', () => {
  beforeAll(async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'), TABLE_NAME: `dashboard-${randomUUID()}`, WARM_UP_SECONDS: '0' };
    // The test runner turns Powertools metrics off for in-process runtimes; npm start has them on.
    delete env['POWERTOOLS_METRICS_DISABLED'];
    server = spawn(process.execPath, ['--import', 'tsx', 'src/local/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(() => output.includes('Ctrl-C stops everything'), 60_000, 'startup banner');
    baseUrl = `http://127.0.0.1:${port}`;
    launched = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await launched?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  }, 40_000);

  it('names itself in the banner', () => {
    expect(output).toContain(`dashboard       ${baseUrl}/dashboard`);
  });

  it('shows exactly the connects, subscribes, publishes, deliveries and disconnects a scripted sequence caused', async () => {
    const room = `dashboard-${randomUUID()}`;
    const clients = await Promise.all(Array.from({ length: clientCount }, () => TestClient.connect(baseUrl.replace(/^http/, 'ws'))));
    for (const client of clients) client.send({ type: 'subscribe', topics: [room] });
    // Each subscribe is handled once its own publish comes back (frames of a connection in order).
    await Promise.all(clients.map(async (client, index) => {
      client.send({ type: 'publish', topic: room, data: { hello: index } });
      await eventually(() => client.received.some((message) => JSON.stringify(message).includes(`"hello":${index}`)), 10_000, 'hello back');
    }));
    const [publisher] = clients as [TestClient, ...TestClient[]];
    for (let n = 0; n < publishCount; n++) publisher.send({ type: 'publish', topic: room, data: { n } });
    await Promise.all(clients.map((client) => client.receivedCount(clientCount + publishCount, 10_000)));
    // Killed: the socket goes without a close frame, as when a browser tab crashes.
    for (const client of clients.slice(-killedCount)) client.socket.terminate();

    const context = await launched!.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${baseUrl}/dashboard`);

    const publishes = clientCount + publishCount;
    await pageShows('ConnectionsOpened', clientCount);
    await pageShows('Subscribes', clientCount);
    await pageShows('SubscribedTopics', clientCount);
    await pageShows('Publishes', publishes);
    // A publish that is not a signal goes to every subscriber of the room, its sender included.
    await pageShows('Deliveries', publishes * clientCount);
    await pageShows('ReceiversPerPublish', clientCount, 'Average');
    await pageShows('ReceiversPerPublish', clientCount, 'Maximum');
    await pageShows('ConnectionsClosed', killedCount);
    await pageShows('ConnectionsCleanedUp', killedCount);
    await pageShows('CleanupEdgesDeleted', killedCount);
    await pageShows('HandlerErrors', 0);
    await pageShows('StaleReceivers', 0);

    // What only the local runtime knows: each function ran and took time; DynamoDB was asked.
    for (const fn of ['connect', 'message', 'disconnect', 'cleanup']) {
      await eventually(async () => ((await totalOf(`HandlerDuration function=${fn}`, 'p50')) ?? 0) > 0, 15_000, `${fn} duration`);
    }
    expect(await totalOf('DynamoDbRequests operation=PutItem')).toBe(clientCount);
    expect(await totalOf('DynamoDbRequests operation=DeleteItem')).toBe(killedCount);
    expect(await totalOf('DynamoDbCapacityUnits operation=PutItem')).toBeGreaterThan(0);
    expect(await totalOf('StreamPollerLag', 'Maximum')).toBeGreaterThan(0);

    // What only AWS has is named, with no number.
    const throttles = page.locator('#aws-only [data-panel="Lambda throttles"]');
    expect(await throttles.innerText()).toBe('Lambda throttles: Lambda Throttles');
    expect(await page.locator('section.panel[data-panel="Lambda throttles"]').count()).toBe(0);
    const connections = await page.locator('[data-panel="Connections"]').innerText();
    expect(connections).toContain('On AWS only (CloudWatch dashboard): API Gateway ConnectCount');
    expect(await page.locator('canvas').count()).toBeGreaterThan(10);
    expect(problems).toEqual([]);

    await mkdir(artifacts, { recursive: true });
    await writeFile(`${artifacts}dashboard.png`, await page.screenshot({ fullPage: true }));
    await context.close();
    await Promise.all(clients.slice(0, -killedCount).map((client) => client.close()));
  }, 90_000);
});
