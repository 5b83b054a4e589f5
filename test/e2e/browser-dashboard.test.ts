import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from '../support/browser.js';
import { eventually } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';
import { startSignalingServer, type SignalingServer } from '../support/y-webrtc-processes.js';
import { skipWithout } from '../support/required-tools.js';

/**
 * `npm start`'s live dashboard, as a user opens it: the server runs as `npm start` runs it
 * (the handlers' counts handed to the dashboard, no EMF on stdout), the test drives a scripted sequence of clients, then
 * reads the numbers back from the page in Chromium. Counts must be exactly what the
 * sequence caused: the frames sent, and the frames the clients got.
 */
const clientCount = 3;
const publishCount = 4;
const killedCount = 1;
const artifacts = '.test-artifacts/';

let server: SignalingServer | undefined;
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

describe.skipIf(skipWithout(['chromium'], 'browser-dashboard.test.ts'))('the live dashboard at /dashboard', () => {
  beforeAll(async () => {
    // As npm start runs it, and with AWS's timing: a connection's frames overlap and handlers are slow.
    server = await startSignalingServer({ namespace: false, env: { GATEWAY_TIMING: 'aws' } });
    baseUrl = server.url.replace(/^ws/, 'http');
    launched = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await launched?.close();
    await server?.stop();
  }, 40_000);

  it('names itself in the banner', () => {
    expect(server!.output()).toContain(`dashboard       ${baseUrl}/dashboard`);
  });

  it('shows exactly the connects, subscribes, publishes, deliveries and disconnects a scripted sequence caused', async () => {
    const room = `dashboard-${randomUUID()}`;
    const clients = await Promise.all(Array.from({ length: clientCount }, () => TestClient.connect(server!.url)));
    let published = 0;
    const publish = (client: TestClient, data: unknown) => {
      client.send({ type: 'publish', topic: room, data });
      published++;
    };
    const hasReceived = (client: TestClient, data: unknown) => client.received.some((message) => JSON.stringify((message as { data?: unknown }).data) === JSON.stringify(data));
    // All at once, as y-webrtc does: subscribe and publish without waiting. With frames that
    // overlap, a publish may overtake its own subscribe, so each says hello until it hears
    // itself: then it is in the room. Every publish counts, whoever it reached.
    for (const client of clients) client.send({ type: 'subscribe', topics: [room] });
    await Promise.all(
      clients.map(async (client, index) => {
        for (let attempt = 0; ; attempt++) {
          const hello = { hello: index, attempt };
          publish(client, hello);
          const heard = await eventually(() => hasReceived(client, hello), 3_000, 'hello back').then(() => true, () => false);
          if (heard) return;
        }
      }),
    );
    const [publisher] = clients as [TestClient, ...TestClient[]];
    for (let n = 0; n < publishCount; n++) publish(publisher, { n });
    const everyPublish = Array.from({ length: publishCount }, (_, n) => ({ n }));
    await Promise.all(clients.map((client) => eventually(() => everyPublish.every((data) => hasReceived(client, data)), 15_000, 'the publishes')));
    /** What the clients got: each frame is one delivery the server made. */
    const receivedByClients = () => clients.reduce((sum, client) => sum + client.received.length, 0);
    // Killed: the socket goes without a close frame, as when a browser tab crashes.
    for (const client of clients.slice(-killedCount)) client.socket.terminate();

    const context = await launched!.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${baseUrl}/dashboard`);

    await pageShows('ConnectionsOpened', clientCount);
    await pageShows('Subscribes', clientCount);
    await pageShows('SubscribedTopics', clientCount);
    await pageShows('Publishes', published);
    // Every frame a client got was one delivery, and every delivery reached a client.
    await eventually(async () => (await totalOf('Deliveries')) === receivedByClients(), 15_000, `Deliveries = ${receivedByClients()} frames the clients got (the page shows ${await totalOf('Deliveries')})`);
    expect(await totalOf('ReceiversPerPublish', 'Average')).toBeCloseTo(receivedByClients() / published, 6);
    // The last publishes found the whole room.
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
