import { AwsNetworkError, AwsServiceError } from '../../src/aws/aws-error.js';
import type { DynamoDb } from '../../src/aws/dynamodb.js';
import type { ManagementApi } from '../../src/aws/management-api.js';

/**
 * Faults injected at the AWS client boundary, through the functions' own clients'
 * interceptors, as DynamoDB and API Gateway produce them: nothing behind the client changes,
 * and the client's own retries see the errors.
 */

/** One logical DynamoDB request, as the faults see it at its first attempt. */
export interface DynamoCall {
  /** `Query`, `BatchWriteItem`, ... */
  readonly command: string;
  /** The request as the product built it, in DynamoDB's JSON: enough to tell what it is about. */
  readonly input: string;
}

export type DynamoFaultDecision =
  /** Every attempt fails: the client gives up and the error reaches the product's code. */
  | 'fail'
  /** A BatchWriteItem writes nothing and hands every item back unprocessed, as when throttled. */
  | 'unprocessed'
  /** Attempts may fail at random, never the last one: the client's retries absorb them. */
  | 'transient'
  | 'none';

export interface DynamoFaultStats {
  /** Logical requests (a request the client retries counts once). */
  calls: number;
  /** Attempts that reached the fault interceptor, retries included. */
  attempts: number;
  /** Errors thrown at attempts. */
  errors: number;
  failedCalls: number;
  unprocessedCalls: number;
  byError: Record<string, number>;
}

/**
 * The errors in turn: DynamoDB's two throttling errors (the client waits longer before retrying
 * those, 500 ms base) and, twice as often, a 500.
 */
function dynamoError(n: number): Error {
  switch (n % 6) {
    case 1:
      return new AwsServiceError('ThrottlingException', 'Rate of requests exceeds the allowed throughput (injected)', 400);
    case 4:
      return new AwsServiceError('ProvisionedThroughputExceededException', 'The level of configured provisioned throughput was exceeded (injected)', 400);
    default:
      return new AwsServiceError('InternalServerError', 'Internal server error (injected)', 500);
  }
}

/**
 * Faults on a DynamoDB client: a decision per logical request, and the errors thrown at each
 * attempt inside the client's retries.
 */
export class DynamoFaults {
  decide: (call: DynamoCall) => DynamoFaultDecision = () => 'none';
  /** Chance that one attempt of a `transient` request fails. */
  transientRate = 0.3;
  readonly stats: DynamoFaultStats = { calls: 0, attempts: 0, errors: 0, failedCalls: 0, unprocessedCalls: 0, byError: {} };
  /** Every logical request, in order: what the product asked of DynamoDB. */
  readonly calls: (DynamoCall & { decision: DynamoFaultDecision })[] = [];
  private readonly removal: () => void;

  private constructor(client: DynamoDb) {
    const decisions = new WeakMap<object, DynamoFaultDecision>();
    this.removal = client.intercept({
      call: async (request, next) => {
        const call = { command: request.operation, input: JSON.stringify(request.input) };
        const decision = this.decide(call);
        this.calls.push({ ...call, decision });
        this.stats.calls++;
        decisions.set(request, decision);
        if (decision === 'fail') this.stats.failedCalls++;
        if (decision === 'unprocessed' && call.command === 'BatchWriteItem') {
          this.stats.unprocessedCalls++;
          return { UnprocessedItems: request.input['RequestItems'] };
        }
        return next(request);
      },
      attempt: async (request, attempt, next) => {
        const decision = decisions.get(request);
        if (decision !== undefined) {
          this.stats.attempts++;
          const fails = decision === 'fail' || (decision === 'transient' && attempt < client.maxAttempts && Math.random() < this.transientRate);
          if (fails) {
            const error = dynamoError(this.stats.errors++);
            this.stats.byError[error.name] = (this.stats.byError[error.name] ?? 0) + 1;
            throw error;
          }
        }
        return next();
      },
    });
  }

  summary(): string {
    const { calls, attempts, errors, failedCalls, unprocessedCalls, byError } = this.stats;
    return `${calls} requests, ${attempts} attempts, ${errors} errors injected (${Object.entries(byError).map(([name, n]) => `${name} ${n}`).join(', ')}), ${failedCalls} requests failed on every attempt, ${unprocessedCalls} batches handed back unprocessed`;
  }

  static async on(client: DynamoDb): Promise<DynamoFaults> {
    return new DynamoFaults(client);
  }

  reset(): void {
    this.decide = () => 'none';
    this.calls.length = 0;
    Object.assign(this.stats, { calls: 0, attempts: 0, errors: 0, failedCalls: 0, unprocessedCalls: 0, byError: {} });
  }

  remove(): void {
    this.removal();
  }
}

/** One attempt to post to a connection (ApiGatewaySender retries by sending again). */
export interface SendAttempt {
  readonly connectionId: string;
  readonly data: string;
  /** 1 for the first attempt of this send, 2 for its first retry, ... */
  readonly attempt: number;
}

/**
 * `reset`: the connection drops under the request, as when a pooled keep-alive socket is closed
 * by the other end (ECONNRESET).
 */
export type SendFaultDecision = 'gone' | 'throttled' | 'reset' | 'none';

/**
 * Faults on the management API client the handlers post through: `GoneException` (410) and
 * `LimitExceededException` (429), decided per attempt. A send's attempts are told apart from
 * other sends by connection and data.
 */
export class SendFaults {
  decide: (attempt: SendAttempt) => SendFaultDecision = () => 'none';
  readonly injected: (SendAttempt & { decision: SendFaultDecision })[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly removal: () => void;

  constructor(client: ManagementApi) {
    this.removal = client.intercept(async (post, next) => {
      // A send's attempts post the same data to the same connection, one after the other.
      const key = `${post.connectionId}\n${post.data}`;
      const attempt = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, attempt);
      const sent = { connectionId: post.connectionId, data: post.data, attempt };
      const decision = this.decide(sent);
      if (decision === 'none') {
        this.attempts.delete(key);
        return next();
      }
      this.injected.push({ ...sent, decision });
      if (decision !== 'throttled' && decision !== 'reset') this.attempts.delete(key);
      switch (decision) {
        case 'gone':
          throw new AwsServiceError('GoneException', 'the connection is gone (injected)', 410);
        case 'throttled':
          throw new AwsServiceError('LimitExceededException', 'Limit exceeded (injected)', 429);
        case 'reset':
          throw new AwsNetworkError('ECONNRESET', Object.assign(new Error('socket hang up (injected)'), { code: 'ECONNRESET' }));
      }
    });
  }

  reset(): void {
    this.decide = () => 'none';
    this.injected.length = 0;
    this.attempts.clear();
  }

  remove(): void {
    this.removal();
  }
}
