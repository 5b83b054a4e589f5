import type { DynamoDb } from '../../aws/dynamodb.js';
import type { DynamoDBRecord } from 'aws-lambda';
import type { WebSocketEvent } from '../../gateway/websocket-event.js';
import { localMetricNames } from '../../config/dashboard-panels.js';
import type { MetricStore } from './metric-store.js';

/**
 * What only the local runtime can measure, recorded into its MetricStore for the dashboard:
 * how long each function ran, the DynamoDB requests and capacity by operation, the stream
 * poller's lag and the frames waiting per connection.
 */

/** The same function, timed into the store as `name`. */
export function timed<F extends (...args: never[]) => Promise<unknown>>(store: MetricStore, name: string, fn: F): F {
  const timedFunction = async (...args: Parameters<F>) => {
    const started = performance.now();
    try {
      return await fn(...args);
    } finally {
      store.record(localMetricNames.handlerDuration, performance.now() - started, { function: name });
    }
  };
  return timedFunction as F;
}

/**
 * One request of each operation in this many asks DynamoDB for its consumed capacity, and its
 * units count for all of them. Asking on every request cost DynamoDB Local enough CPU to move
 * the README's load test's p99 from about 0.8 s to 1 s (docs/performance.md).
 */
export const capacitySampleEvery = 8;

/**
 * Counts every request the client sends, by operation, and estimates the capacity they
 * consume: every `capacitySampleEvery`th request of an operation asks for it
 * (`ReturnConsumedCapacity`, which changes nothing else about the request).
 */
export function recordDynamoDbRequests(client: DynamoDb, store: MetricStore): void {
  const sent = new Map<string, number>();
  client.intercept({
    call: async (call, next) => {
      const { operation, input } = call;
      const count = sent.get(operation) ?? 0;
      sent.set(operation, count + 1);
      store.record(localMetricNames.dynamoDbRequests, 1, { operation });
      const sampled = count % capacitySampleEvery === 0 && input['ReturnConsumedCapacity'] === undefined;
      if (sampled) input['ReturnConsumedCapacity'] = 'TOTAL';
      const answer = await next(call);
      if (!sampled) return answer;
      const consumed = answer['ConsumedCapacity'] as { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
      if (units > 0) store.record(localMetricNames.dynamoDbCapacityUnits, units * capacitySampleEvery, { operation });
      return answer;
    },
  });
}

/**
 * The stream poller's lag: from the moment a `$disconnect` had deleted its connection to the
 * moment the poller handed that stream record to the cleanup. (Lambda's IteratorAge reads the
 * record's creation time, which DynamoDB Local rounds down to the minute: useless here.)
 */
export class StreamLag {
  private readonly deletedAt = new Map<string, number>();

  constructor(private readonly store: MetricStore) {}

  /** The disconnect function, noting when each connection's delete was done. */
  disconnect<Result>(fn: (event: WebSocketEvent) => Promise<Result>): (event: WebSocketEvent) => Promise<Result> {
    return async (event) => {
      const result = await fn(event);
      this.deletedAt.set(event.requestContext.connectionId, Date.now());
      // A delete whose record never reaches the cleanup (DynamoDB gone) must not pile up.
      if (this.deletedAt.size > 10_000) this.deletedAt.delete(this.deletedAt.keys().next().value!);
      return result;
    };
  }

  /** For StreamPoller's `onBatch`. */
  readonly batch = (records: readonly DynamoDBRecord[]): void => {
    const now = Date.now();
    for (const record of records) {
      const connectionId = record.dynamodb?.OldImage?.['connectionId']?.S;
      const deletedAt = connectionId === undefined ? undefined : this.deletedAt.get(connectionId);
      if (deletedAt === undefined) continue;
      this.deletedAt.delete(connectionId!);
      this.store.record(localMetricNames.streamPollerLag, now - deletedAt);
    }
  };
}

/** Samples the frames waiting on each connection that has any, every `everyMs`. Returns the stop. */
export function sampleFramesWaiting(framesWaiting: () => number[], store: MetricStore, everyMs = 1_000): () => void {
  const timer = setInterval(() => {
    for (const waiting of framesWaiting()) store.record(localMetricNames.framesWaiting, waiting);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
