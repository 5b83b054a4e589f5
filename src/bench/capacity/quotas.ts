/**
 * The AWS quotas a reconnect wave meets, per account and region unless said otherwise, from
 * the AWS quotas pages (../shared/FACTS.md has the API Gateway ones). Defaults: the first
 * three can be raised through Service Quotas; a partition's throughput cannot.
 */
export const quotas = {
  apiGatewayNewConnectionsPerSecond: { value: 500, name: 'API Gateway new WebSocket connections per second', raise: 'Service Quotas: API Gateway, "New connections per second" (WebSocket)' },
  callbackRequestsPerSecond: {
    value: 10_000,
    name: 'API Gateway requests per second, @connections callbacks included',
    raise: 'Service Quotas: API Gateway, "Throttle rate" (account level, shared with every REST, HTTP and WebSocket API)',
  },
  lambdaConcurrentExecutions: { value: 1_000, name: 'Lambda concurrent executions', raise: 'Service Quotas: Lambda, "Concurrent executions"' },
  partitionWriteUnitsPerSecond: { value: 1_000, name: "DynamoDB write units per second on one partition (the busiest room's)", raise: 'none: a room is one partition key; keep rooms below the size that binds' },
  partitionReadUnitsPerSecond: { value: 3_000, name: "DynamoDB read units per second on one partition (the busiest room's)", raise: 'none: a room is one partition key; keep rooms below the size that binds' },
} as const;

export type QuotaName = keyof typeof quotas;
