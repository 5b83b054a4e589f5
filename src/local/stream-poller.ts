import { setTimeout as delay } from 'node:timers/promises';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { jitter } from '../shared/delay.js';
import { DrainWatch } from './drain-watch.js';
import { matchesFilter, type FilterPattern } from './event-filter.js';
import { lambdaContext } from './lambda-context.js';
import { ReadFailures } from './read-failures.js';
import { asLambdaRecord, firstReportedFailure } from './stream-records.js';

export type StreamFunction = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  /** Lambda's filter criteria: a record passes when it matches any pattern. */
  readonly filters: readonly FilterPattern[];
  readonly handler: StreamFunction;
  readonly batchSize?: number;
  /** Times a failing batch is retried before its records are given up (Lambda's retryAttempts). */
  readonly retryAttempts?: number;
  readonly pollIntervalMs?: number;
  readonly onGiveUp?: (records: readonly DynamoDBRecord[], error: unknown) => void;
  /** Told of every batch as it is handed to the function (the local dashboard's lag). */
  readonly onBatch?: (records: readonly DynamoDBRecord[]) => void;
}

interface ShardState {
  iterator: string | undefined;
  /** The last record read from the shard, where a fresh iterator resumes. */
  lastSequenceNumber?: string;
  /** Records read but not yet handled successfully, oldest first. */
  pending: DynamoDBRecord[];
  failures: number;
}

/**
 * Plays the Lambda event source mapping of the cleanup function: reads every shard of the
 * table's stream, keeps the records the deployed filter would keep, hands them to the
 * function in batches, and retries from the first record the function reports as failed
 * (`batchItemFailures`), as Lambda does with ReportBatchItemFailures.
 */
export class StreamPoller {
  private readonly shards = new Map<string, ShardState>();
  private readonly failures = new ReadFailures();
  private readonly drain = new DrainWatch(this.failures);
  private loop: Promise<void> | undefined;
  /** Aborted by `stop()`, which so need not wait out a poll interval or a backoff. */
  private running: AbortController | undefined;

  constructor(private readonly options: StreamPollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = new AbortController();
    this.loop = this.run(this.running.signal);
  }

  async stop(): Promise<void> {
    this.running?.abort();
    this.running = undefined;
    await this.loop;
  }

  /**
   * Resolves once a whole polling round after this call found nothing new and nothing is
   * waiting for a retry: every record written before the call has been handled.
   */
  drained(timeoutMs = 30_000): Promise<void> {
    return this.drain.drained(timeoutMs);
  }

  private async run(stopped: AbortSignal): Promise<void> {
    while (!stopped.aborted) {
      let busy = false;
      try {
        await this.discoverShards();
        for (const [shardId, shard] of this.shards) busy = (await this.pollShard(shardId, shard, stopped)) || busy;
        this.failures.succeeded();
      } catch (error) {
        busy = true;
        if (!stopped.aborted) await pause(this.failures.failed(error), stopped);
      }
      this.drain.roundEnded(busy);
      if (!busy) await pause(this.options.pollIntervalMs ?? 100, stopped);
    }
  }

  private async discoverShards(): Promise<void> {
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.options.client.send(
        new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
        this.shards.set(shard.ShardId, { iterator: await this.iteratorFor(shard.ShardId), pending: [], failures: 0 });
      }
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }

  private async iteratorFor(shardId: string, afterSequenceNumber?: string): Promise<string | undefined> {
    const { ShardIterator } = await this.options.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.streamArn,
        ShardId: shardId,
        ...(afterSequenceNumber
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: afterSequenceNumber }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  /** @returns whether the shard had anything to do */
  private async pollShard(shardId: string, shard: ShardState, stopped: AbortSignal): Promise<boolean> {
    let busy = false;
    if (shard.pending.length === 0 && shard.iterator) {
      let response;
      try {
        response = await this.options.client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }));
      } catch (error) {
        if (!isDeadIterator(error)) throw error;
        // DynamoDB Local answers TrimmedDataAccessException, for good, to an iterator taken
        // while the shard was empty once the first record arrives (aws/aws-sdk-java#2923);
        // and any iterator expires after 15 minutes. Neither heals by retrying the same one.
        shard.iterator = await this.iteratorFor(shardId, shard.lastSequenceNumber);
        return true;
      }
      const { Records, NextShardIterator } = response;
      shard.iterator = NextShardIterator;
      shard.lastSequenceNumber = Records?.at(-1)?.dynamodb?.SequenceNumber ?? shard.lastSequenceNumber;
      const records = (Records ?? []).map((record) => asLambdaRecord(record, this.options.streamArn));
      shard.pending = records.filter((record) => this.options.filters.some((pattern) => matchesFilter(record, pattern)));
      busy = (Records ?? []).length > 0;
    }
    if (shard.pending.length > 0) {
      await this.deliver(shardId, shard, stopped);
      busy = true;
    }
    return busy;
  }

  private async deliver(shardId: string, shard: ShardState, stopped: AbortSignal): Promise<void> {
    const batch = shard.pending.slice(0, this.options.batchSize ?? 100);
    let firstFailed: number;
    let failure: unknown;
    this.options.onBatch?.(batch);
    try {
      const response = await this.options.handler({ Records: batch }, lambdaContext('cleanup', `${shardId}-${Date.now()}`));
      firstFailed = firstReportedFailure(batch, response?.batchItemFailures ?? []);
      failure = 'reported in batchItemFailures';
    } catch (error) {
      firstFailed = 0;
      failure = error;
    }
    if (firstFailed === -1) {
      shard.pending = shard.pending.slice(batch.length);
      shard.failures = 0;
      return;
    }
    shard.pending = shard.pending.slice(firstFailed);
    shard.failures++;
    if (shard.failures > (this.options.retryAttempts ?? 10)) {
      const dropped = shard.pending.slice(0, batch.length - firstFailed);
      shard.pending = shard.pending.slice(dropped.length);
      shard.failures = 0;
      this.options.onGiveUp?.(dropped, failure);
      return;
    }
    await pause(jitter(50 * 2 ** Math.min(shard.failures, 6)), stopped);
  }
}

function isDeadIterator(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'TrimmedDataAccessException' || name === 'ExpiredIteratorException';
}

/** Waits `ms`, or less when the poller stops meanwhile. */
async function pause(ms: number, stopped: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal: stopped }).catch(() => undefined);
}
