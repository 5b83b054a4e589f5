import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handlerBundleDirectory } from '../../../infra/parts/handler-code.js';
import { ConfigurationError } from '../../../src/config/limits.js';
import type { DashboardData } from '../../../src/dashboard/dashboard-data.js';
import { dashboardPaths } from '../../../src/dashboard/dashboard-site.js';
import { lambdaMetric } from '../../../src/local/lambda/lambda-metrics.js';
import type { LocalRuntime } from '../../../src/local/local-runtime.js';
import { eventually, startTestRuntime } from '../../support/runtime.js';
import { TestClient } from '../../support/test-client.js';

let runtime: LocalRuntime | undefined;
const clients: TestClient[] = [];
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'bundles-mode-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await runtime?.stop();
  runtime = undefined;
});

async function connect(url: string): Promise<TestClient> {
  const client = await TestClient.connect(url);
  clients.push(client);
  return client;
}

const errorsOf = (name: string) =>
  runtime!.metrics.seriesOf(lambdaMetric('Errors')).find((series) => series.dimensions['FunctionName'] === name)?.total.sum ?? 0;

describe('LOCAL_FUNCTIONS=bundles: the functions as the synthesized template deploys them', () => {
  it.each(['SIGNAL_DELIVERY', 'CONNECTIONS_ENDPOINT'])('stops the start, naming %s, when a construct change drops it from the message function', async (variable) => {
    const started = startTestRuntime({
      settings: { functions: 'bundles' },
      adjustStack: (stack) => (stack.signaling.functions.message.node.defaultChild as CfnResource).addPropertyDeletionOverride(`Environment.Variables.${variable}`),
    });
    const error = await started.then(
      (running) => {
        runtime = running;
        return undefined;
      },
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`does not set ${variable} for the message function`);
  });

  it('fails, as on AWS, when a bundle imports cleanly but breaks on its first event', async () => {
    // A bundle whose handler loads a chunk the asset does not hold: the import succeeds, the first use does not.
    const broken = join(scratch, 'broken-message');
    await cp(handlerBundleDirectory('message'), broken, { recursive: true });
    await cp(join(broken, 'index.mjs'), join(broken, 'shipped.mjs'));
    await writeFile(
      join(broken, 'index.mjs'),
      "import { handler as shipped } from './shipped.mjs';\nexport const handler = async (event, context) => { await import('./chunk-not-in-the-asset.mjs'); return shipped(event, context); };\n",
    );
    runtime = await startTestRuntime({
      settings: { functions: 'bundles' },
      adjustStack: (stack) => (stack.signaling.functions.message.node.defaultChild as CfnResource).addMetadata('aws:asset:path', broken),
    });
    const client = await connect(runtime.url);
    client.send({ type: 'subscribe', topics: ['room'] });
    client.send({ type: 'publish', topic: 'room', data: { type: 'announce', from: 'peer' } });
    await client.receivedCount(2, 10_000);
    expect(client.received).toEqual([
      expect.objectContaining({ message: 'Internal server error' }),
      expect.objectContaining({ message: 'Internal server error' }),
    ]);
    expect(errorsOf('message')).toBe(2);
    expect(runtime.bundled!.logs.tail('message').some((line) => line.includes('chunk-not-in-the-asset.mjs'))).toBe(true);
  });

  it('throttles past the concurrency limit: the client gets what API Gateway sends for a failed integration', async () => {
    runtime = await startTestRuntime({ settings: { functions: 'bundles', concurrencyLimit: 1, gatewayTiming: 'parallel' } });
    const client = await connect(runtime.url);
    // The first frame starts the only environment cold; the others arrive while it runs.
    for (let n = 0; n < 4; n++) client.send({ type: 'publish', topic: 'room', n });
    await client.receivedCount(3, 10_000);
    expect(client.received.filter((message) => (message as { message?: string }).message === 'Internal server error')).toHaveLength(3);
    const throttles = runtime.metrics.seriesOf(lambdaMetric('Throttles')).find((series) => series.dimensions['FunctionName'] === 'message');
    expect(throttles?.total.sum).toBe(3);
    expect(errorsOf('message')).toBe(0);
  });

  it('starts provisioned environments before it serves: the first event meets one warm', async () => {
    runtime = await startTestRuntime({ settings: { functions: 'bundles', provisionedConcurrency: 2 } });
    const { functions, logs } = runtime.bundled!;
    expect([...functions.values()].map((fn) => fn.environments)).toEqual([2, 2, 2, 2]);
    const client = await connect(runtime.url);
    client.send({ type: 'subscribe', topics: ['room'] });
    client.send({ type: 'publish', topic: 'room', data: { type: 'announce', from: 'peer' } });
    await client.receivedCount(1, 10_000);
    const reports = () => ['connect', 'message'].flatMap((name) => logs.tail(name).filter((line) => line.startsWith('REPORT')));
    // The echo reaches the client before the publish's invocation has returned.
    await eventually(() => reports().length === 3, 5_000, 'three invocations reported');
    expect(reports().filter((line) => /Init Duration/.test(line))).toEqual([]);
    expect(functions.get('message')!.environments).toBe(2);
  });

  it("keeps each function's log apart: its REPORT lines, and the EMF the dashboard draws", async () => {
    runtime = await startTestRuntime({ settings: { functions: 'bundles' } });
    const client = await connect(runtime.url);
    client.send({ type: 'subscribe', topics: ['room'] });
    client.send({ type: 'publish', topic: 'room', data: { type: 'announce', from: 'peer' } });
    await client.receivedCount(1, 10_000);
    const { logs } = runtime.bundled!;
    expect(logs.tail('connect').filter((line) => line.startsWith('REPORT'))).toHaveLength(1);
    expect(logs.tail('connect')[logs.tail('connect').length - 1]).toMatch(/Init Duration: /);
    // The worker's output reaches its log a moment after the echo reaches the client.
    await eventually(() => logs.tail('message').some((line) => line.startsWith('{"_aws"') && line.includes('"Publishes"')), 5_000, 'the EMF line');
    expect(runtime.metrics.seriesOf('Publishes')[0]?.total.sum).toBe(1);

    // The dashboard's Lambda panels draw local numbers in this mode, by function.
    const response = await fetch(`${runtime.url.replace(/^ws/, 'http')}${dashboardPaths.data}`);
    const data = (await response.json()) as DashboardData;
    const panel = (title: string) => data.panels.find((candidate) => candidate.title === title)!;
    const total = (title: string, label: string) => panel(title).lines.find((line) => line.label === label)?.total;
    expect(panel('Lambda invocations').awsOnly).toEqual([]);
    expect(total('Lambda invocations', 'message')).toBe(2);
    expect(total('Lambda invocations', 'connect')).toBe(1);
    expect(total('Lambda duration (ms)', 'message p99')).toBeGreaterThan(0);
    expect(total('Lambda concurrency (max)', 'message')).toBeGreaterThanOrEqual(1);
    expect(total('Lambda Init Duration (ms), cold starts of the bundles', 'connect p50')).toBeGreaterThan(0);
    expect(panel('Lambda throttles').lines.map((line) => line.label)).toEqual(['all functions (none yet)']);
  });
});
