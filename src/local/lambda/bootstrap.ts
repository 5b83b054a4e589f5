/**
 * The runtime inside one execution environment (a worker thread): what Lambda's Node.js
 * runtime does around a function. It imports the function's bundle once (the init phase),
 * then runs one event at a time as the parent hands them over. Everything the bundle
 * prints goes to the worker's own stdout and stderr, which the parent reads as the
 * function's log. Bundled by esbuild and started from a data: URL, so it may import only
 * Node's built-ins and type-only modules.
 */
import { pathToFileURL } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { EnvironmentReply, EnvironmentSetup, InvocationRequest, SerializedError } from './environment-messages.js';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const setup = workerData as EnvironmentSetup;
const port = parentPort!;
let peakHeap = 0;

function serialize(error: unknown): SerializedError {
  if (error instanceof Error) return { errorType: error.name, errorMessage: error.message, stack: error.stack?.split('\n') ?? [] };
  return { errorType: 'Error', errorMessage: String(error), stack: [] };
}

function contextFor(request: InvocationRequest): Record<string, unknown> {
  const noop = () => undefined;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: setup.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${setup.region}:000000000000:function:${setup.functionName}`,
    memoryLimitInMB: String(setup.memoryMb),
    awsRequestId: request.requestId,
    logGroupName: `/aws/lambda/${setup.functionName}`,
    logStreamName: setup.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, request.deadline - Date.now()),
    done: noop,
    fail: noop,
    succeed: noop,
  };
}

function send(reply: EnvironmentReply): void {
  port.postMessage(reply);
}

async function init(): Promise<Handler> {
  if (setup.sourceMaps) process.setSourceMapsEnabled(true);
  const module = (await import(pathToFileURL(setup.handlerFile).href)) as Record<string, unknown>;
  const handler = module[setup.exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${setup.handlerFile} does not export a function named ${setup.exportName}`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler as Handler;
}

try {
  const handler = await init();
  port.on('message', (request: InvocationRequest) => {
    const started = performance.now();
    void Promise.resolve()
      .then(() => handler(request.event, contextFor(request)))
      .then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error: serialize(error) }),
      )
      .then((outcome) => {
        peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size);
        send({ type: 'done', requestId: request.requestId, durationMs: performance.now() - started, peakHeapBytes: peakHeap, ...outcome });
      });
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'init-failed', error: serialize(error) });
}
