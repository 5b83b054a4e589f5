import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { TableEncryptionV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { tableDefinition } from '../../src/store/table.js';
import { YWebrtcSignaling } from '../../infra/y-webrtc-signaling.js';
import { resourcesOf, synthesize } from './synthesize.js';

const { partitionKey, sortKey, reverseIndex, timeToLiveAttribute, streamViewType } = tableDefinition;

describe('the table', () => {
  const { template } = synthesize();

  it('is one on-demand TableV2 with the keys of src/store/table.ts', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: partitionKey, AttributeType: 'S' },
        { AttributeName: sortKey, AttributeType: 'S' },
        { AttributeName: reverseIndex.partitionKey, AttributeType: 'S' },
        { AttributeName: reverseIndex.sortKey, AttributeType: 'S' },
      ]),
    });
  });

  it('has the reverse index gsi1 on gsi1pk/gsi1sk, projecting everything', () => {
    expect(reverseIndex).toEqual({ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: [
        {
          IndexName: reverseIndex.name,
          KeySchema: [
            { AttributeName: reverseIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: reverseIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('expires items by the TTL attribute and streams old images for the cleanup', () => {
    expect(timeToLiveAttribute).toBe('expiresAt');
    expect(streamViewType).toBe('OLD_IMAGE');
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: timeToLiveAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: streamViewType },
    });
  });

  it('by default: point-in-time recovery, deletion protection, retained with the stack, DynamoDB-owned encryption', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      }),
    });
    // SSE "off" in CloudFormation terms: encrypted at rest with the key DynamoDB owns.
    const [table] = Object.values(resourcesOf(template, 'AWS::DynamoDB::GlobalTable'));
    expect(table!.Properties['SSESpecification']).toEqual({ SSEEnabled: false });
  });

  it('takes removal policy, deletion protection, recovery and a table name as props', () => {
    const { template } = synthesize({
      signaling: { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false, pointInTimeRecovery: false, tableName: 'signaling' },
    });
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        TableName: 'signaling',
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
            DeletionProtectionEnabled: false,
          }),
        ],
      }),
    });
  });

  it('encrypts with a customer managed key when given one, and lets the functions use it', () => {
    const app = new App();
    // A table encrypted with a customer managed key needs a stack in a known region.
    const stack = new Stack(app, 'Keyed', { env: { region: 'eu-west-1' } });
    const key = new Key(stack, 'TableKey');
    new YWebrtcSignaling(stack, 'Signaling', { tableEncryption: TableEncryptionV2.customerManagedKey(key) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
    const usingKey = policies.filter((policy) => JSON.stringify(policy.Properties).includes('kms:Decrypt'));
    // connect, message, disconnect, cleanup
    expect(usingKey).toHaveLength(4);
  });
});
