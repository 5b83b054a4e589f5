import { jitter, sleep } from '../shared/delay.js';
import { AwsServiceError, isThrottling, isTransient } from './aws-error.js';
import { AwsHttp } from './aws-http.js';
import { fromAttributeMap, toAttributeMap, type AttributeValue, type Item } from './attribute-values.js';
import type { AwsIdentity } from './credentials.js';
import { Interceptors } from './interceptors.js';

/** The operations the functions use. None scans. */
export type DynamoDbOperation = 'PutItem' | 'DeleteItem' | 'UpdateItem' | 'Query' | 'BatchWriteItem';

/** One request as it goes to DynamoDB, in its JSON protocol (AttributeValues, not plain values). */
export interface DynamoDbCall {
  readonly operation: DynamoDbOperation;
  /** An interceptor may change it, e.g. ask for the consumed capacity. */
  input: Record<string, unknown>;
}

export type DynamoDbAnswer = Record<string, unknown>;

/**
 * Sees every request once, whatever its retries (`call`), or every attempt of it (`attempt`),
 * and may change, answer or fail it: how the local dashboard counts requests and how the tests
 * inject DynamoDB's faults at this boundary.
 */
export interface DynamoDbInterceptor {
  readonly call?: (call: DynamoDbCall, next: (call: DynamoDbCall) => Promise<DynamoDbAnswer>) => Promise<DynamoDbAnswer>;
  readonly attempt?: (call: DynamoDbCall, attempt: number, next: () => Promise<DynamoDbAnswer>) => Promise<DynamoDbAnswer>;
}

export interface DynamoDbOptions extends AwsIdentity {
  /** DynamoDB Local's address; on AWS the region's endpoint. */
  readonly endpoint?: string;
  /** Attempts per request: throttling, server faults and lost connections are tried again, as the SDK does (3). */
  readonly maxAttempts?: number;
}

type Expressions = {
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Item;
};
type ReturnValues = 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';

export type PutInput = Expressions & { readonly TableName: string; readonly Item: Item };
export type DeleteInput = Expressions & { readonly TableName: string; readonly Key: Item };
export type UpdateInput = Expressions & {
  readonly TableName: string;
  readonly Key: Item;
  readonly UpdateExpression: string;
  readonly ReturnValues?: ReturnValues;
  readonly ReturnValuesOnConditionCheckFailure?: 'NONE' | 'ALL_OLD';
};
export type QueryInput = Omit<Expressions, 'ConditionExpression'> & {
  readonly TableName: string;
  readonly IndexName?: string;
  readonly KeyConditionExpression: string;
  readonly FilterExpression?: string;
  readonly ProjectionExpression?: string;
  readonly ExclusiveStartKey?: Item;
  readonly Limit?: number;
  readonly ConsistentRead?: boolean;
  readonly ScanIndexForward?: boolean;
};
export type WriteRequest = { readonly DeleteRequest: { readonly Key: Item } } | { readonly PutRequest: { readonly Item: Item } };
export type BatchWriteInput = { readonly RequestItems: Record<string, readonly WriteRequest[]> };

const defaultMaxAttempts = 3;
/** The SDK's standard retry delays: full jitter under 2^attempt times a base, 500 ms when throttled, at most 20 s. */
const retryBase = { fault: 100, throttled: 500, maximum: 20_000 };

/**
 * DynamoDB's JSON API, signed and sent by this project's own small client rather than the SDK,
 * whose client costs a cold start some 60 ms of import (docs/deploy.md, "Cold start"). Plain
 * values in and out, as with the SDK's document client.
 */
export class DynamoDb {
  readonly maxAttempts: number;
  private readonly http: AwsHttp;
  private readonly url: URL;
  private readonly interceptors = new Interceptors<DynamoDbInterceptor>();

  constructor(options: DynamoDbOptions) {
    this.maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
    this.http = new AwsHttp({ ...options, service: 'dynamodb' });
    this.url = new URL(options.endpoint ?? regionalEndpoint(options.region));
  }

  async put(input: PutInput): Promise<void> {
    await this.call('PutItem', { ...input, Item: toAttributeMap(input.Item), ...valuesOf(input) });
  }

  async delete(input: DeleteInput): Promise<void> {
    await this.call('DeleteItem', { ...input, Key: toAttributeMap(input.Key), ...valuesOf(input) });
  }

  /** `Attributes` as asked for by `ReturnValues`. */
  async update(input: UpdateInput): Promise<{ Attributes?: Item }> {
    const answer = await this.call('UpdateItem', { ...input, Key: toAttributeMap(input.Key), ...valuesOf(input) });
    return answer['Attributes'] ? { Attributes: fromAttributeMap(answer['Attributes'] as Record<string, AttributeValue>) } : {};
  }

  /** One page; `LastEvaluatedKey` says there is another. */
  async query(input: QueryInput): Promise<{ Items: Item[]; LastEvaluatedKey?: Item }> {
    const answer = await this.call('Query', {
      ...input,
      ...valuesOf(input),
      ...(input.ExclusiveStartKey ? { ExclusiveStartKey: toAttributeMap(input.ExclusiveStartKey) } : {}),
    });
    const items = ((answer['Items'] ?? []) as Record<string, AttributeValue>[]).map(fromAttributeMap);
    const last = answer['LastEvaluatedKey'] as Record<string, AttributeValue> | undefined;
    return { Items: items, ...(last ? { LastEvaluatedKey: fromAttributeMap(last) } : {}) };
  }

  /** What DynamoDB did not write (it hands items back under throttling); the caller retries those. */
  async batchWrite(input: BatchWriteInput): Promise<{ UnprocessedItems: Record<string, WriteRequest[]> }> {
    const convert = (requests: readonly WriteRequest[], map: (item: Item) => Item) =>
      requests.map((request) =>
        'DeleteRequest' in request ? { DeleteRequest: { Key: map(request.DeleteRequest.Key) } } : { PutRequest: { Item: map(request.PutRequest.Item) } },
      );
    const requestItems = Object.fromEntries(Object.entries(input.RequestItems).map(([table, requests]) => [table, convert(requests, toAttributeMap)]));
    const answer = await this.call('BatchWriteItem', { RequestItems: requestItems });
    const unprocessed = (answer['UnprocessedItems'] ?? {}) as Record<string, WriteRequest[]>;
    return {
      UnprocessedItems: Object.fromEntries(
        Object.entries(unprocessed).map(([table, requests]) => [table, convert(requests, (map) => fromAttributeMap(map as Record<string, AttributeValue>))]),
      ),
    };
  }

  /** Adds an interceptor; returns its removal. */
  intercept(interceptor: DynamoDbInterceptor): () => void {
    return this.interceptors.add(interceptor);
  }

  /** Closes the kept sockets. */
  destroy(): void {
    this.http.destroy();
  }

  /** One request in DynamoDB's JSON protocol, with the retries. */
  call(operation: DynamoDbOperation, input: Record<string, unknown>): Promise<DynamoDbAnswer> {
    const chain = this.interceptors.around<(call: DynamoDbCall) => Promise<DynamoDbAnswer>>(
      (call) => this.withRetries(call),
      (interceptor, next) => (interceptor.call ? (call) => interceptor.call!(call, next) : next),
    );
    return chain({ operation, input });
  }

  private async withRetries(call: DynamoDbCall): Promise<DynamoDbAnswer> {
    for (let attempt = 1; ; attempt++) {
      try {
        const chain = this.interceptors.around<() => Promise<DynamoDbAnswer>>(
          () => this.send(call),
          (interceptor, next) => (interceptor.attempt ? () => interceptor.attempt!(call, attempt, next) : next),
        );
        return await chain();
      } catch (error) {
        if (!isTransient(error) || attempt >= this.maxAttempts) throw error;
        const base = isThrottling(error) ? retryBase.throttled : retryBase.fault;
        await sleep(jitter(Math.min(retryBase.maximum, base * 2 ** attempt)));
      }
    }
  }

  private async send({ operation, input }: DynamoDbCall): Promise<DynamoDbAnswer> {
    const response = await this.http.post({
      url: this.url,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` },
      body: JSON.stringify(input),
    });
    const body = parseJson(response.body);
    if (response.status === 200) return body;
    throw dynamoDbError(response.status, body);
  }
}

/** `Item` of a failed condition comes back as plain values, as everything else does. */
function dynamoDbError(status: number, body: Record<string, unknown>): AwsServiceError {
  const type = String(body['__type'] ?? `HttpError${status}`);
  const name = type.slice(type.lastIndexOf('#') + 1);
  const { __type, message, Message, Item, ...fields } = body;
  return new AwsServiceError(name, String(message ?? Message ?? `DynamoDB answered ${status}`), status, {
    ...fields,
    ...(Item ? { Item: fromAttributeMap(Item as Record<string, AttributeValue>) } : {}),
  });
}

function valuesOf(input: Expressions): { ExpressionAttributeValues?: Record<string, AttributeValue> } {
  return input.ExpressionAttributeValues ? { ExpressionAttributeValues: toAttributeMap(input.ExpressionAttributeValues) } : {};
}

function parseJson(text: string): Record<string, unknown> {
  if (text === '') return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { message: text.slice(0, 200) };
  }
}

/** DynamoDB's endpoint in a region: `dynamodb.<region>.amazonaws.com`, `.amazonaws.com.cn` in China. */
export function regionalEndpoint(region: string): string {
  return `https://dynamodb.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}
