import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { EnvironmentReply, EnvironmentSetup, SerializedError } from './environment-messages.js';

/** Where an environment's output goes, line by line, as Lambda sends it to CloudWatch Logs. */
export type LogLine = (line: string, stream: 'stdout' | 'stderr') => void;

export interface EnvironmentSpec extends Omit<EnvironmentSetup, 'logStreamName'> {
  /** The function's environment variables: all the bundle sees in `process.env`. */
  readonly environment: Readonly<Record<string, string>>;
}

export type InvocationOutcome =
  | { readonly ok: true; readonly result: unknown; readonly durationMs: number; readonly peakHeapBytes: number }
  | { readonly ok: false; readonly error: SerializedError; readonly durationMs: number; readonly peakHeapBytes: number };

/** Why an environment went away while it was running an invocation. */
export class EnvironmentLost extends Error {
  constructor(readonly error: SerializedError) {
    super(error.errorMessage);
    this.name = error.errorType;
  }
}

/**
 * One Lambda execution environment: a worker thread with a module graph, `process.env`,
 * stdout and stderr of its own, and a heap capped at the function's memory size. It runs
 * one invocation at a time and keeps its module state between them, as Lambda keeps a warm
 * environment's; `terminate()` ends it, as a timeout does.
 */
export class ExecutionEnvironment {
  private pending: { readonly resolve: (outcome: InvocationOutcome) => void; readonly reject: (error: Error) => void } | undefined;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    readonly logStreamName: string,
  ) {}

  /** Starts an environment and runs its init phase (the bundle's import); resolves with the Init Duration in ms. */
  static async start(spec: EnvironmentSpec, log: LogLine): Promise<{ environment: ExecutionEnvironment; initMs: number }> {
    const url = await bootstrapUrl();
    const started = performance.now();
    const { environment: env, ...setup } = spec;
    const logStreamName = `local/[$LATEST]${randomUUID().replaceAll('-', '')}`;
    const worker = new Worker(url, {
      workerData: { ...setup, logStreamName } satisfies EnvironmentSetup,
      env: { ...env, AWS_LAMBDA_LOG_STREAM_NAME: logStreamName },
      stdout: true,
      stderr: true,
      // Lambda's memory size caps the whole process; a worker can cap its heap.
      resourceLimits: { maxOldGenerationSizeMb: spec.memoryMb },
      // Not the parent's flags: under `node --import tsx` every worker would load tsx's loader
      // first, about 60 ms of each Init Duration that Lambda's runtime does not have.
      execArgv: [],
    });
    createInterface({ input: worker.stdout, crlfDelay: Infinity }).on('line', (line) => log(line, 'stdout'));
    createInterface({ input: worker.stderr, crlfDelay: Infinity }).on('line', (line) => log(line, 'stderr'));
    const environment = new ExecutionEnvironment(worker, logStreamName);
    const ready = new Promise<void>((resolve, reject) => {
      const onReply = (reply: EnvironmentReply) => {
        if (reply.type === 'ready') resolve();
        else if (reply.type === 'init-failed') reject(new EnvironmentLost(reply.error));
        else environment.settle(reply);
      };
      worker.on('message', onReply);
      worker.on('error', (error) => {
        const lost = new EnvironmentLost({ errorType: 'Runtime.ExitError', errorMessage: error.message, stack: error.stack?.split('\n') ?? [] });
        reject(lost);
        environment.fail(lost);
      });
      worker.on('exit', (code) => {
        environment.exited = true;
        const lost = new EnvironmentLost({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: exited with code ${code}`, stack: [] });
        reject(lost);
        environment.fail(lost);
      });
    });
    try {
      await ready;
    } catch (error) {
      await environment.terminate();
      throw error;
    }
    return { environment, initMs: performance.now() - started };
  }

  invoke(requestId: string, event: unknown, deadline: number): Promise<InvocationOutcome> {
    if (this.pending) throw new Error('an execution environment runs one invocation at a time');
    if (this.exited) return Promise.reject(new EnvironmentLost({ errorType: 'Runtime.ExitError', errorMessage: 'the environment has exited', stack: [] }));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage({ requestId, event, deadline });
    });
  }

  async terminate(): Promise<void> {
    if (this.exited) return;
    this.exited = true;
    await this.worker.terminate();
  }

  private settle(reply: Extract<EnvironmentReply, { type: 'done' }>): void {
    const pending = this.pending;
    this.pending = undefined;
    const { durationMs, peakHeapBytes } = reply;
    pending?.resolve(reply.ok ? { ok: true, result: reply.result, durationMs, peakHeapBytes } : { ok: false, error: reply.error, durationMs, peakHeapBytes });
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }
}

let bootstrap: Promise<URL> | undefined;

/** bootstrap.ts as one ES module in a data: URL: a worker starts from it without a TypeScript loader. */
function bootstrapUrl(): Promise<URL> {
  bootstrap ??= (async () => {
    const entry = new URL('./bootstrap.ts', import.meta.url);
    const result = await build({
      stdin: { contents: await readFile(entry, 'utf8'), loader: 'ts', resolveDir: new URL('.', entry).pathname, sourcefile: 'bootstrap.ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'error',
    });
    return new URL(`data:text/javascript,${encodeURIComponent(result.outputFiles[0]!.text)}`);
  })();
  return bootstrap;
}
