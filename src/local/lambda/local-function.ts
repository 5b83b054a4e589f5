import { randomUUID } from 'node:crypto';
import { localMetricNames } from '../../config/dashboard-panels.js';
import type { MetricStore } from '../metrics/metric-store.js';
import { EnvironmentLost, ExecutionEnvironment, type EnvironmentSpec, type InvocationOutcome } from './execution-environment.js';
import { lambdaMetric } from './lambda-metrics.js';

/** One function as the template configures it, with its bundle on disk. */
export interface FunctionConfiguration extends EnvironmentSpec {
  readonly timeoutSeconds: number;
}

export interface LocalFunctionOptions {
  readonly configuration: FunctionConfiguration;
  /** Environments that may run at once; past it an invocation is throttled. */
  readonly concurrencyLimit: number;
  /** The function's log: every line its environments print, and the runtime's START, END and REPORT lines. */
  readonly log: (line: string) => void;
  /** Where Lambda's own metrics go (Invocations, Duration, Errors, ...), by `FunctionName`. */
  readonly metrics?: MetricStore;
}

/** Why an invocation did not return a result; `message` is the function's error message when it threw. */
export class InvocationFailed extends Error {
  constructor(
    readonly kind: 'throttled' | 'timeout' | 'function-error' | 'environment-lost',
    message: string,
    readonly errorType: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

/**
 * A Lambda function on this machine: an invocation goes to an idle execution environment
 * of the function, or to a new one (a cold start, its init timed as Init Duration) while
 * fewer than the concurrency limit exist; past the limit it is throttled. An invocation
 * that outlives the timeout is killed with its environment. Logs and metrics follow what
 * Lambda writes to CloudWatch.
 */
export class LocalFunction {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  /** Environments starting or running an invocation: what counts against the limit. */
  private busy = 0;
  private stopped = false;

  constructor(private readonly options: LocalFunctionOptions) {}

  get name(): string {
    return this.options.configuration.functionName;
  }

  /** Environments alive now, idle or busy. */
  get environments(): number {
    return this.all.size;
  }

  async invoke(event: unknown): Promise<unknown> {
    const { configuration } = this.options;
    if (this.stopped) throw new InvocationFailed('environment-lost', `${this.name} is stopped`, 'ServiceException');
    let environment = this.idle.pop();
    if (!environment && this.busy >= this.options.concurrencyLimit) {
      this.record('Throttles', 1);
      throw new InvocationFailed('throttled', 'Rate Exceeded.', 'TooManyRequestsException');
    }
    this.busy++;
    this.record('ConcurrentExecutions', this.busy);
    const requestId = randomUUID();
    try {
      let initMs: number | undefined;
      if (!environment) {
        try {
          ({ environment, initMs } = await ExecutionEnvironment.start(configuration, (line) => this.options.log(line)));
        } catch (error) {
          return this.initFailed(requestId, error);
        }
        this.all.add(environment);
        this.options.metrics?.record(localMetricNames.initDuration, initMs, { FunctionName: this.name });
      }
      return await this.run(environment, requestId, event, initMs);
    } finally {
      this.busy--;
    }
  }

  /**
   * Starts environments ahead of the events, up to `count` in all (never past the
   * concurrency limit), as Lambda's provisioned concurrency does: their inits are not any
   * invocation's Init Duration. Two at a time, since on this machine parallel inits share
   * its cores, which Lambda's do not.
   */
  async provision(count: number): Promise<void> {
    const wanted = Math.min(count, this.options.concurrencyLimit) - this.all.size;
    const starts = Array.from({ length: Math.max(0, wanted) }, () => async () => {
      const { environment } = await ExecutionEnvironment.start(this.options.configuration, (line) => this.options.log(line));
      this.all.add(environment);
      this.idle.push(environment);
    });
    const next = async (): Promise<void> => {
      const start = starts.shift();
      if (!start) return;
      await start();
      await next();
    };
    await Promise.all([next(), next()]);
  }

  /** Ends every environment, as an idle function's environments are reclaimed. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.all].map((environment) => environment.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }

  private async run(environment: ExecutionEnvironment, requestId: string, event: unknown, initMs: number | undefined): Promise<unknown> {
    const { configuration, log } = this.options;
    const timeoutMs = configuration.timeoutSeconds * 1000;
    log(`START RequestId: ${requestId} Version: $LATEST`);
    this.record('Invocations', 1);
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    let outcome: InvocationOutcome | 'timeout';
    try {
      outcome = await Promise.race([environment.invoke(requestId, event, Date.now() + timeoutMs), timedOut]);
    } catch (error) {
      this.discard(environment);
      const lost = error instanceof EnvironmentLost ? error.error : { errorType: 'Runtime.ExitError', errorMessage: String(error), stack: [] };
      this.report(requestId, performance.now() - started, undefined, initMs, 'error');
      this.record('Errors', 1);
      log(`${new Date().toISOString()}\t${requestId}\tERROR\t${JSON.stringify(lost)}`);
      throw new InvocationFailed('environment-lost', lost.errorMessage, lost.errorType);
    } finally {
      clearTimeout(timer);
    }
    if (outcome === 'timeout') {
      this.discard(environment);
      log(`${new Date().toISOString()} ${requestId} Task timed out after ${configuration.timeoutSeconds.toFixed(2)} seconds`);
      this.report(requestId, timeoutMs, undefined, initMs, 'timeout');
      this.record('Errors', 1);
      throw new InvocationFailed('timeout', `Task timed out after ${configuration.timeoutSeconds.toFixed(2)} seconds`, 'Sandbox.Timedout');
    }
    this.idle.push(environment);
    this.report(requestId, outcome.durationMs, outcome.peakHeapBytes, initMs);
    if (!outcome.ok) {
      this.record('Errors', 1);
      log(`${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(outcome.error)}`);
      throw new InvocationFailed('function-error', outcome.error.errorMessage, outcome.error.errorType);
    }
    return outcome.result;
  }

  private initFailed(requestId: string, error: unknown): never {
    const lost = error instanceof EnvironmentLost ? error.error : { errorType: 'Runtime.Unknown', errorMessage: String(error), stack: [] };
    this.options.log(`${new Date().toISOString()}\tundefined\tERROR\tUncaught Exception \t${JSON.stringify(lost)}`);
    this.options.log(`INIT_REPORT Init Duration: ? ms\tPhase: init\tStatus: error\tError Type: ${lost.errorType}`);
    this.record('Errors', 1);
    throw new InvocationFailed('environment-lost', lost.errorMessage, lost.errorType);
  }

  private report(requestId: string, durationMs: number, peakHeapBytes: number | undefined, initMs: number | undefined, status?: 'timeout' | 'error'): void {
    const { configuration, log } = this.options;
    this.record('Duration', durationMs);
    log(`END RequestId: ${requestId}`);
    log(
      [
        `REPORT RequestId: ${requestId}`,
        `Duration: ${durationMs.toFixed(2)} ms`,
        `Billed Duration: ${Math.ceil(durationMs + (initMs ?? 0))} ms`,
        `Memory Size: ${configuration.memoryMb} MB`,
        ...(peakHeapBytes !== undefined ? [`Max Memory Used: ${Math.ceil(peakHeapBytes / 2 ** 20)} MB`] : []),
        ...(initMs !== undefined ? [`Init Duration: ${initMs.toFixed(2)} ms`] : []),
        ...(status ? [`Status: ${status}`] : []),
      ].join('\t'),
    );
  }

  private discard(environment: ExecutionEnvironment): void {
    this.all.delete(environment);
    void environment.terminate();
  }

  private record(metric: Parameters<typeof lambdaMetric>[0], value: number): void {
    this.options.metrics?.record(lambdaMetric(metric), value, { FunctionName: this.name });
  }
}
