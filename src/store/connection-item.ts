import type { NewConnection } from '../signaling/ports.js';
import { entityNameAttribute, entityNames, entityVersion, entityVersionAttribute, keyPrefix, tableDefinition } from './table.js';

const { partitionKey, sortKey, reverseIndex, timeToLiveAttribute } = tableDefinition;

/** The connection item's sort key in both indexes: one item per connection. */
const connectionMarker = 'connection';

export function connectionKey(connectionId: string): Record<string, string> {
  return { [partitionKey]: `${keyPrefix.connection}${connectionId}`, [sortKey]: connectionMarker };
}

/** The whole connection item: its keys (gsi1 too, where it heads the connection's items) and attributes. */
export function connectionItem(connection: NewConnection, expiresAt: number): Record<string, string | number> {
  const { connectionId, connectedAt, sourceIp, userAgent, principalId } = connection;
  return {
    ...connectionKey(connectionId),
    [reverseIndex.partitionKey]: `${keyPrefix.connection}${connectionId}`,
    [reverseIndex.sortKey]: connectionMarker,
    [entityNameAttribute]: entityNames.connection,
    [entityVersionAttribute]: entityVersion,
    [timeToLiveAttribute]: expiresAt,
    connectionId,
    connectedAt,
    ...(sourceIp !== undefined ? { sourceIp } : {}),
    ...(userAgent !== undefined ? { userAgent } : {}),
    ...(principalId !== undefined ? { principalId } : {}),
  };
}
