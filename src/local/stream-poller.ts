import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { jitter, sleep } from '../store/batch-retry.js';
import { matchesFilter, type FilterPattern } from './event-filter.js';

export type StreamFunction = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly filter: FilterPattern;
  readonly handler: StreamFunction;
  readonly batchSize?: number;
  /** Times a failing batch is retried before its records are given up (Lambda's retryAttempts). */
  readonly retryAttempts?: number;
  readonly pollIntervalMs?: number;
  readonly onGiveUp?: (records: readonly DynamoDBRecord[], error: unknown) => void;
}

/** How long reading must have failed before `drained()` gives up waiting. */
const unreadableAfterMs = 2_000;

interface ShardState {
  iterator: string | undefined;
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
  private running = false;
  private loop: Promise<void> | undefined;
  private quietRounds = 0;
  private round = 0;
  /** Set while reading the stream fails: since when, and the last error. */
  private failing: { readonly since: number; error: unknown; streak: number } | undefined;

  constructor(private readonly options: StreamPollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /**
   * Resolves once a whole polling round after this call found nothing new and nothing is
   * waiting for a retry: every record written before the call has been handled.
   */
  async drained(timeoutMs = 30_000): Promise<void> {
    const startRound = this.round;
    const deadline = Date.now() + timeoutMs;
    while (!(this.round > startRound + 1 && this.quietRounds > 0)) {
      if (Date.now() > deadline) throw new Error(`stream not drained within ${timeoutMs} ms`);
      // Waiting on a stream that cannot be read (DynamoDB gone) would only delay a shutdown.
      if (this.failing && Date.now() - this.failing.since > unreadableAfterMs) {
        throw new Error(`the stream cannot be read: ${describe(this.failing.error)}`);
      }
      await sleep(20);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        await this.discoverShards();
        for (const [shardId, shard] of this.shards) busy = (await this.pollShard(shardId, shard)) || busy;
        this.recovered();
      } catch (error) {
        busy = true;
        if (this.running) await sleep(this.failed(error));
      }
      this.quietRounds = busy ? 0 : this.quietRounds + 1;
      this.round++;
      if (!busy) await sleep(this.options.pollIntervalMs ?? 100);
    }
  }

  /** Logs the first error of a streak only, and returns how long to wait before the next try. */
  private failed(error: unknown): number {
    if (this.failing) {
      this.failing.error = error;
      this.failing.streak++;
    } else {
      this.failing = { since: Date.now(), error, streak: 1 };
      console.error(`stream poller: cannot read the stream, retrying until it can (${describe(error)})`);
    }
    return Math.min(100 * 2 ** this.failing.streak, 2_000);
  }

  private recovered(): void {
    if (!this.failing) return;
    console.error(`stream poller: reading the stream again after ${this.failing.streak} failed attempts`);
    this.failing = undefined;
  }

  private async discoverShards(): Promise<void> {
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.options.client.send(
        new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
        const { ShardIterator } = await this.options.client.send(
          new GetShardIteratorCommand({
            StreamArn: this.options.streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        this.shards.set(shard.ShardId, { iterator: ShardIterator, pending: [], failures: 0 });
      }
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }

  /** @returns whether the shard had anything to do */
  private async pollShard(shardId: string, shard: ShardState): Promise<boolean> {
    let busy = false;
    if (shard.pending.length === 0 && shard.iterator) {
      const { Records, NextShardIterator } = await this.options.client.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }),
      );
      shard.iterator = NextShardIterator;
      const records = (Records ?? []).map((record) => asLambdaRecord(record, this.options.streamArn));
      shard.pending = records.filter((record) => matchesFilter(record, this.options.filter));
      busy = (Records ?? []).length > 0;
    }
    if (shard.pending.length > 0) {
      await this.deliver(shardId, shard);
      busy = true;
    }
    return busy;
  }

  private async deliver(shardId: string, shard: ShardState): Promise<void> {
    const batch = shard.pending.slice(0, this.options.batchSize ?? 100);
    let firstFailed: number;
    let failure: unknown;
    try {
      const response = await this.options.handler({ Records: batch }, lambdaContext(shardId));
      const failedIds = new Set((response?.batchItemFailures ?? []).map((item) => item.itemIdentifier));
      firstFailed = batch.findIndex((record) => failedIds.has(record.dynamodb?.SequenceNumber ?? ''));
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
    await sleep(jitter(50 * 2 ** Math.min(shard.failures, 6)));
  }
}

/**
 * A Streams API record in the shape Lambda hands to a function. DynamoDB Local writes its
 * TTL deletes with an event name the SDK does not know and no user identity; AWS writes
 * them as REMOVE by the DynamoDB service, so that is what the function gets here too.
 */
export function asLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  const knownName = record.eventName === 'INSERT' || record.eventName === 'MODIFY' || record.eventName === 'REMOVE';
  const isLocalTtlDelete = !knownName && data.OldImage !== undefined && data.NewImage === undefined;
  const userIdentity = isLocalTtlDelete
    ? { type: 'Service', principalId: 'dynamodb.amazonaws.com' }
    : record.userIdentity
      ? { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId }
      : undefined;
  return {
    eventID: record.eventID,
    eventName: isLocalTtlDelete ? 'REMOVE' : (record.eventName as DynamoDBRecord['eventName']),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(data.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(data.ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
      Keys: data.Keys as never,
      ...(data.OldImage ? { OldImage: data.OldImage as never } : {}),
      ...(data.NewImage ? { NewImage: data.NewImage as never } : {}),
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType as never,
    },
    ...(userIdentity ? { userIdentity } : {}),
  };
}

function lambdaContext(shardId: string): Context {
  const noop = () => undefined;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'cleanup',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:cleanup',
    memoryLimitInMB: '256',
    awsRequestId: `${shardId}-${Date.now()}`,
    logGroupName: '/aws/lambda/cleanup',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: noop,
    fail: noop,
    succeed: noop,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
