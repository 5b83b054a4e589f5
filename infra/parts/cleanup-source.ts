import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { connectionRemovedFilterPattern } from '../../src/store/table.js';
import { cleanupDefaults } from '../defaults.js';
import type { CleanupSourceProps } from '../y-webrtc-signaling-props.js';
import { acknowledgeNagFinding } from './nag.js';

/**
 * Feeds the cleanup function from the table's stream: only removed connection items pass
 * the filter (the pattern the local stream poller applies too), a failing record is
 * retried alone (`reportBatchItemFailures`, bisect), and what still fails is recorded in an
 * encrypted dead-letter queue.
 * @returns the dead-letter queue
 */
export function connectCleanupToStream(scope: Construct, cleanup: IFunction, table: ITableV2, props: CleanupSourceProps = {}): Queue {
  const deadLetterQueue = new Queue(scope, 'CleanupDeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledgeNagFinding(
    deadLetterQueue,
    'AwsSolutions-SQS3',
    "This queue is a dead-letter queue: the on-failure destination of the cleanup's event source mapping. cdk-nag only recognises an SQS redrive policy as DLQ use.",
  );
  cleanup.addEventSource(
    new DynamoEventSource(table, {
      // From the oldest record the stream still holds, so removals made while the mapping
      // was being created are cleaned up too.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? cleanupDefaults.batchSize,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: props.retryAttempts ?? cleanupDefaults.retryAttempts,
      maxRecordAge: props.maxRecordAge ?? cleanupDefaults.maxRecordAge,
      onFailure: new SqsDlq(deadLetterQueue),
      filters: [FilterCriteria.filter(connectionRemovedFilterPattern)],
    }),
  );
  return deadLetterQueue;
}
