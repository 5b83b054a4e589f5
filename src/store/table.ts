/**
 * The one table's shape. The local runtime creates the table from this definition and the
 * CDK construct deploys it from the same one, so local and deployed cannot drift.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  reverseIndex: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  timeToLiveAttribute: 'expiresAt',
  /** The cleanup needs the removed connection item, which only the old image holds. */
  streamViewType: 'OLD_IMAGE',
} as const;

/** Key prefixes: they keep a topic from ever naming the same partition as a connection. */
export const keyPrefix = { connection: 'c#', topic: 't#', rateWindow: 'r#' } as const;

/**
 * The entity name of every item, in the attribute ElectroDB uses for it, with its version:
 * the items keep the shape ElectroDB gave them (src/store/entities.ts), so tables written
 * before the functions stopped bundling ElectroDB read the same (docs/architecture.md).
 */
export const entityNameAttribute = '__edb_e__';
export const entityVersionAttribute = '__edb_v__';
export const entityVersion = '1';

/** Entity names, as stored in {@link entityNameAttribute}. */
export const entityNames = { connection: 'connection', subscription: 'subscription' } as const;

/**
 * The Lambda event source filter for the cleanup function: stream records whose old image
 * is a connection item. Only filters inside `dynamodb` are used, because AWS pages disagree
 * on top-level keys; the handler checks `eventName` itself. The local stream poller applies
 * this same pattern.
 */
export const connectionRemovedFilterPattern = {
  dynamodb: { OldImage: { [entityNameAttribute]: { S: [entityNames.connection] } } },
} as const;
