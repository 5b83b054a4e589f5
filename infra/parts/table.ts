import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableDefinition } from '../../src/store/table.js';
import { signalingDefaults } from '../defaults.js';
import type { YWebrtcSignalingProps } from '../y-webrtc-signaling-props.js';

type TableProps = Pick<
  YWebrtcSignalingProps,
  'tableName' | 'removalPolicy' | 'deletionProtection' | 'pointInTimeRecovery' | 'tableEncryption'
>;

const string = (name: string) => ({ name, type: AttributeType.STRING });

/** The one table, shaped by src/store/table.ts: the shape the local runtime creates too. */
export function createSignalingTable(scope: Construct, props: TableProps): TableV2 {
  const { partitionKey, sortKey, reverseIndex, timeToLiveAttribute, streamViewType } = tableDefinition;
  return new TableV2(scope, 'Table', {
    tableName: props.tableName,
    partitionKey: string(partitionKey),
    sortKey: string(sortKey),
    globalSecondaryIndexes: [
      { indexName: reverseIndex.name, partitionKey: string(reverseIndex.partitionKey), sortKey: string(reverseIndex.sortKey) },
    ],
    billing: Billing.onDemand(),
    timeToLiveAttribute,
    dynamoStream: StreamViewType[streamViewType],
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? signalingDefaults.pointInTimeRecovery },
    encryption: props.tableEncryption ?? signalingDefaults.tableEncryption,
    deletionProtection: props.deletionProtection ?? signalingDefaults.deletionProtection,
    removalPolicy: props.removalPolicy ?? signalingDefaults.removalPolicy,
  });
}
