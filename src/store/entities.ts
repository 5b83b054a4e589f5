import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Entity, Service } from 'electrodb';
import { membershipAttributes } from './subscription-item.js';
import { entityNames, keyPrefix, tableDefinition } from './table.js';

export { keyPrefix } from './table.js';

const { partitionKey, sortKey, reverseIndex, timeToLiveAttribute } = tableDefinition;

/**
 * Key layout (keys keep their case):
 *
 * | item         | pk         | sk         | gsi1pk     | gsi1sk     |
 * | connection   | c#<connId> | connection | c#<connId> | connection |
 * | subscription | t#<topic>  | c#<connId> | c#<connId> | t#<topic>  |
 *
 * The prefixes keep a topic from ever naming the same partition as a connection.
 * Both items of a connection share gsi1pk, so one Query on gsi1 returns all of them.
 *
 * Subscriptions are written by DynamoSubscriptionStore with conditional updates (the order
 * of a connection's changes: src/store/subscription-item.ts); ElectroDB reads them.
 */
const connectionMarker = 'connection';

const service = 'signaling';
const version = '1';

function createConnectionEntity() {
  return new Entity({
    model: { entity: entityNames.connection, version, service },
    attributes: {
      connectionId: { type: 'string', required: true },
      connectedAt: { type: 'number', required: true },
      [timeToLiveAttribute]: { type: 'number', required: true },
      sourceIp: { type: 'string' },
      userAgent: { type: 'string' },
      principalId: { type: 'string' },
    },
    indexes: {
      byId: {
        pk: { field: partitionKey, composite: ['connectionId'], template: `${keyPrefix.connection}\${connectionId}`, casing: 'none' },
        sk: { field: sortKey, composite: [], template: connectionMarker, casing: 'none' },
      },
      everything: {
        index: reverseIndex.name,
        collection: 'ofConnection',
        pk: { field: reverseIndex.partitionKey, composite: ['connectionId'], template: `${keyPrefix.connection}\${connectionId}`, casing: 'none' },
        sk: { field: reverseIndex.sortKey, composite: [], template: connectionMarker, casing: 'none' },
      },
    },
  });
}

function createSubscriptionEntity() {
  return new Entity({
    model: { entity: entityNames.subscription, version, service },
    attributes: {
      topic: { type: 'string', required: true },
      connectionId: { type: 'string', required: true },
      [timeToLiveAttribute]: { type: 'number', required: true },
      [membershipAttributes.changedAt]: { type: 'number' },
      [membershipAttributes.joinedAt]: { type: 'number' },
      [membershipAttributes.leftAt]: { type: 'number' },
      /** The y-webrtc peer id the connection signs its publishes in this room with (`data.from`). */
      [membershipAttributes.peerId]: { type: 'string' },
      [membershipAttributes.peerIdAt]: { type: 'number' },
    },
    indexes: {
      byTopic: {
        pk: { field: partitionKey, composite: ['topic'], template: `${keyPrefix.topic}\${topic}`, casing: 'none' },
        sk: { field: sortKey, composite: ['connectionId'], template: `${keyPrefix.connection}\${connectionId}`, casing: 'none' },
      },
      byConnection: {
        index: reverseIndex.name,
        collection: 'ofConnection',
        pk: { field: reverseIndex.partitionKey, composite: ['connectionId'], template: `${keyPrefix.connection}\${connectionId}`, casing: 'none' },
        sk: { field: reverseIndex.sortKey, composite: ['topic'], template: `${keyPrefix.topic}\${topic}`, casing: 'none' },
      },
    },
  });
}

export function createSignalingService(client: DynamoDBDocumentClient, table: string) {
  return new Service(
    { connection: createConnectionEntity(), subscription: createSubscriptionEntity() },
    { client, table },
  );
}

export type SignalingService = ReturnType<typeof createSignalingService>;
