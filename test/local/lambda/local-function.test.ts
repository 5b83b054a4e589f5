import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvocationFailed, LocalFunction, type FunctionConfiguration } from '../../../src/local/lambda/local-function.js';
import { localMetricNames } from '../../../src/config/dashboard-panels.js';
import { lambdaMetric } from '../../../src/local/lambda/lambda-metrics.js';
import { MetricStore } from '../../../src/local/metrics/metric-store.js';

/**
 * A function whose module state counts its invocations: which environment ran an event
 * shows in the count it returns. `sleep` makes it run long; `fail` makes it throw.
 */
const fixture = `
let invocations = 0;
const startedAt = Date.now();
export const handler = async (event, context) => {
  invocations++;
  if (event.emf) console.log(JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'Test', Dimensions: [['service']], Metrics: [{ Name: 'Things', Unit: 'Count' }] }] }, service: 'test', Things: 2 }));
  if (event.sleep) await new Promise((resolve) => setTimeout(resolve, event.sleep));
  if (event.fail) throw Object.assign(new Error(event.fail), { name: 'CustomError' });
  return { invocations, startedAt, table: process.env.TABLE_NAME, home: process.env.HOME ?? null, remaining: context.getRemainingTimeInMillis(), requestId: context.awsRequestId };
};
`;

let folder: string;
const functions: LocalFunction[] = [];
const logs: string[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'local-function-'));
  await writeFile(join(folder, 'index.mjs'), fixture);
  await writeFile(join(folder, 'broken.mjs'), "import './not-shipped.mjs';\nexport const handler = async () => 'never';\n");
});
afterAll(() => rm(folder, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(functions.splice(0).map((fn) => fn.stop()));
  logs.length = 0;
});

function localFunction(overrides: Partial<FunctionConfiguration> = {}, concurrencyLimit = 5, metrics?: MetricStore): LocalFunction {
  const fn = new LocalFunction({
    configuration: {
      functionName: 'fixture',
      handlerFile: join(folder, 'index.mjs'),
      exportName: 'handler',
      memoryMb: 128,
      timeoutSeconds: 5,
      region: 'us-east-1',
      sourceMaps: false,
      environment: { TABLE_NAME: 'from-the-template' },
      ...overrides,
    },
    concurrencyLimit,
    log: (line) => logs.push(line),
    ...(metrics ? { metrics } : {}),
  });
  functions.push(fn);
  return fn;
}

type FixtureResult = { invocations: number; startedAt: number; table: string; home: string | null; remaining: number; requestId: string };

describe('a function run from its bundle in execution environments (LocalFunction)', () => {
  it('starts an environment cold for the first event and keeps it, with its module state, for the next', async () => {
    const metrics = new MetricStore();
    const fn = localFunction({}, 5, metrics);
    const first = (await fn.invoke({})) as FixtureResult;
    const second = (await fn.invoke({})) as FixtureResult;
    expect([first.invocations, second.invocations]).toEqual([1, 2]);
    expect(second.startedAt).toBe(first.startedAt);
    expect(fn.environments).toBe(1);
    const reports = logs.filter((line) => line.startsWith('REPORT'));
    expect(reports).toHaveLength(2);
    expect(reports[0]).toMatch(/Init Duration: \d+\.\d\d ms/);
    expect(reports[1]).not.toMatch(/Init Duration/);
    expect(metrics.seriesOf(localMetricNames.initDuration)[0]?.total.count).toBe(1);
    expect(metrics.seriesOf(lambdaMetric('Invocations'))[0]?.total.sum).toBe(2);
  });

  it("gives the bundle the template's variables and nothing of this process's environment", async () => {
    const result = (await localFunction().invoke({})) as FixtureResult;
    expect(result.table).toBe('from-the-template');
    expect(process.env['HOME']).toBeDefined();
    expect(result.home).toBeNull();
    expect(result.remaining).toBeGreaterThan(4_000);
    expect(result.remaining).toBeLessThanOrEqual(5_000);
  });

  it('runs one event at a time per environment: events that overlap get environments of their own', async () => {
    const fn = localFunction();
    const results = (await Promise.all([fn.invoke({ sleep: 200 }), fn.invoke({ sleep: 200 }), fn.invoke({ sleep: 200 })])) as FixtureResult[];
    expect(results.map((result) => result.invocations)).toEqual([1, 1, 1]);
    expect(fn.environments).toBe(3);
  });

  it('throttles an event past the concurrency limit, as Lambda does (TooManyRequestsException), and counts it', async () => {
    const metrics = new MetricStore();
    const fn = localFunction({}, 2, metrics);
    const outcomes = await Promise.allSettled([fn.invoke({ sleep: 300 }), fn.invoke({ sleep: 300 }), fn.invoke({ sleep: 300 })]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const throttled = (outcomes[2] as PromiseRejectedResult).reason as InvocationFailed;
    expect(throttled).toBeInstanceOf(InvocationFailed);
    expect([throttled.kind, throttled.errorType]).toEqual(['throttled', 'TooManyRequestsException']);
    expect(metrics.seriesOf(lambdaMetric('Throttles'))[0]?.total.sum).toBe(1);
    expect(metrics.seriesOf(lambdaMetric('ConcurrentExecutions'))[0]?.total.max).toBe(2);
    // Once one is free again, the next event runs warm.
    expect(((await fn.invoke({})) as FixtureResult).invocations).toBe(2);
  });

  it('kills an invocation past its timeout with its environment: the next event starts cold', async () => {
    const metrics = new MetricStore();
    const fn = localFunction({ timeoutSeconds: 1 }, 5, metrics);
    expect(((await fn.invoke({})) as FixtureResult).invocations).toBe(1);
    const timedOut = await fn.invoke({ sleep: 3_000 }).catch((error: unknown) => error as InvocationFailed) as InvocationFailed;
    expect(timedOut).toBeInstanceOf(InvocationFailed);
    expect((timedOut as InvocationFailed).kind).toBe('timeout');
    expect(logs.some((line) => /Task timed out after 1\.00 seconds/.test(line))).toBe(true);
    expect(fn.environments).toBe(0);
    expect(((await fn.invoke({})) as FixtureResult).invocations).toBe(1);
    expect(metrics.seriesOf(lambdaMetric('Errors'))[0]?.total.sum).toBe(1);
  });

  it("reports the function's error with its message, logs it as Lambda does, and keeps the environment", async () => {
    const fn = localFunction();
    const failed = await fn.invoke({ fail: 'Unauthorized' }).catch((error: unknown) => error as InvocationFailed) as InvocationFailed;
    expect([failed.kind, failed.message, failed.errorType]).toEqual(['function-error', 'Unauthorized', 'CustomError']);
    expect(logs.some((line) => line.includes('\tERROR\tInvoke Error \t{"errorType":"CustomError","errorMessage":"Unauthorized"'))).toBe(true);
    expect(((await fn.invoke({})) as FixtureResult).invocations).toBe(2);
  });

  it('fails the invocation of a bundle whose init fails, and logs why', async () => {
    const fn = localFunction({ handlerFile: join(folder, 'broken.mjs') });
    const failed = await fn.invoke({}).catch((error: unknown) => error as InvocationFailed) as InvocationFailed;
    expect(failed.kind).toBe('environment-lost');
    expect(failed.message).toMatch(/not-shipped\.mjs/);
    expect(logs.some((line) => line.startsWith('INIT_REPORT') && line.includes('Status: error'))).toBe(true);
    expect(fn.environments).toBe(0);
  });

  it("hands the EMF lines of the function's output to its log, as CloudWatch gets them", async () => {
    await localFunction().invoke({ emf: true });
    expect(logs.some((line) => line.startsWith('{"_aws"') && line.includes('"Things":2'))).toBe(true);
  });
});
