import type { DynamoDb } from '../aws/dynamodb.js';
import { keyPrefix, tableDefinition } from './table.js';

export interface CallerRateLimitSettings {
  /** Requests a caller may make per window. */
  readonly requests: number;
  readonly windowSeconds: number;
}

/**
 * Requests per caller and fixed window, counted in the table: one conditional update per
 * request, so every function instance counts against the same number. The item expires by TTL
 * one window after its own ends; it is in no index and no stream filter passes it.
 */
export class CallerRateLimit {
  constructor(
    private readonly client: DynamoDb,
    private readonly tableName: string,
    private readonly settings: CallerRateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the request; false when the caller has used its window up (nothing is counted then). */
  async allow(caller: string): Promise<boolean> {
    const { windowSeconds, requests } = this.settings;
    const windowStart = Math.floor(this.now() / 1000 / windowSeconds) * windowSeconds;
    try {
      await this.client.update({
        TableName: this.tableName,
        Key: { [tableDefinition.partitionKey]: `${keyPrefix.rateWindow}${caller}`, [tableDefinition.sortKey]: `w#${windowStart}` },
        UpdateExpression: 'ADD #count :one SET #expiresAt = :expiresAt',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'requests', '#expiresAt': tableDefinition.timeToLiveAttribute },
        ExpressionAttributeValues: { ':one': 1, ':limit': requests, ':expiresAt': windowStart + 2 * windowSeconds },
      });
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
