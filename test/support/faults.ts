import {
  GoneException,
  LimitExceededException,
  type ApiGatewayManagementApiClient,
} from '@aws-sdk/client-apigatewaymanagementapi';
import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  type BatchWriteItemCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/**
 * Faults injected at the SDK boundary with middleware, as DynamoDB and API Gateway produce
 * them: nothing behind the SDK client changes, and the SDK's own retries see the errors.
 */

/** One logical DynamoDB request, as the faults see it at its first attempt. */
export interface DynamoCall {
  /** `QueryCommand`, `BatchWriteItemCommand`, ... */
  readonly command: string;
  /** The request as the product built it, in JSON: enough to tell what it is about. */
  readonly input: string;
}

export type DynamoFaultDecision =
  /** Every attempt fails: the SDK gives up and the error reaches the product's code. */
  | 'fail'
  /** A BatchWriteItem writes nothing and hands every item back unprocessed, as when throttled. */
  | 'unprocessed'
  /** Attempts may fail at random, never the last one: the SDK's retries absorb them. */
  | 'transient'
  | 'none';

export interface DynamoFaultStats {
  /** Logical requests (a request the SDK retries counts once). */
  calls: number;
  /** Attempts that reached the fault middleware, retries included. */
  attempts: number;
  /** Errors thrown at attempts. */
  errors: number;
  failedCalls: number;
  unprocessedCalls: number;
  byError: Record<string, number>;
}

const faultState = Symbol('faultState');
/** What one retry of a 500 costs the SDK's retry quota (a throttling error costs 5). */
const maxRetryCost = 10;

/**
 * The errors in turn: DynamoDB's two throttling errors (the SDK waits longer before retrying
 * those, 500 ms base) and, twice as often, a 500.
 */
function dynamoError(n: number): Error {
  const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
  switch (n % 6) {
    case 1:
      return new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput (injected)', ...metadata(400) });
    case 4:
      return new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput was exceeded (injected)', ...metadata(400) });
    default:
      return new InternalServerError({ message: 'Internal server error (injected)', ...metadata(500) });
  }
}

/**
 * Faults on a DynamoDB client: a decision per logical request at the `initialize` step, and the
 * errors thrown at each attempt inside the SDK's retry middleware (`finalizeRequest`, low).
 */
export class DynamoFaults {
  decide: (call: DynamoCall) => DynamoFaultDecision = () => 'none';
  /** Chance that one attempt of a `transient` request fails. */
  transientRate = 0.3;
  readonly stats: DynamoFaultStats = { calls: 0, attempts: 0, errors: 0, failedCalls: 0, unprocessedCalls: 0, byError: {} };
  /** Every logical request, in order: what the product asked of DynamoDB. */
  readonly calls: (DynamoCall & { decision: DynamoFaultDecision })[] = [];
  private readonly names: string[] = [];

  /**
   * `sdkAttempts`: the client's `maxAttempts`, a transient fault never fails the last one.
   * `retryCapacity`: what is left of the SDK's retry quota; a transient fault is only injected
   * while the SDK can well afford its retries (concurrent requests draw on the quota too), so
   * that it stays transient.
   */
  private constructor(
    private readonly client: DynamoDBClient,
    private readonly sdkAttempts: number,
    private readonly retryCapacity: () => number,
  ) {
    const decideName = `fault-decide-${Math.random()}`;
    const attemptName = `fault-attempt-${Math.random()}`;
    this.names.push(decideName, attemptName);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const call = { command: context.commandName ?? 'unknown', input: JSON.stringify(args.input) };
        const decision = this.decide(call);
        this.calls.push({ ...call, decision });
        this.stats.calls++;
        (context as Record<symbol, unknown>)[faultState] = { decision, attempt: 0 };
        if (decision === 'fail') this.stats.failedCalls++;
        if (decision === 'unprocessed' && call.command === 'BatchWriteItemCommand') {
          this.stats.unprocessedCalls++;
          const input = args.input as BatchWriteItemCommandInput;
          return { output: { UnprocessedItems: input.RequestItems, $metadata: {} }, response: {} } as never;
        }
        return next(args);
      },
      { step: 'initialize', name: decideName, priority: 'high' },
    );
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const state = (context as Record<symbol, { decision: DynamoFaultDecision; attempt: number } | undefined>)[faultState];
        if (state) {
          state.attempt++;
          this.stats.attempts++;
          const fails =
            state.decision === 'fail' ||
            (state.decision === 'transient' &&
              state.attempt < this.sdkAttempts &&
              this.retryCapacity() >= 10 * maxRetryCost &&
              Math.random() < this.transientRate);
          if (fails) {
            const error = dynamoError(this.stats.errors++);
            this.stats.byError[error.name] = (this.stats.byError[error.name] ?? 0) + 1;
            throw error;
          }
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: attemptName, priority: 'low' },
    );
  }

  summary(): string {
    const { calls, attempts, errors, failedCalls, unprocessedCalls, byError } = this.stats;
    return `${calls} requests, ${attempts} attempts, ${errors} errors injected (${Object.entries(byError).map(([name, n]) => `${name} ${n}`).join(', ')}), ${failedCalls} requests failed on every attempt, ${unprocessedCalls} batches handed back unprocessed`;
  }

  static async on(client: DynamoDBClient): Promise<DynamoFaults> {
    const strategy = (await client.config.retryStrategy()) as { getCapacity?: () => number };
    const capacity = strategy.getCapacity ? () => strategy.getCapacity!() : () => Number.POSITIVE_INFINITY;
    return new DynamoFaults(client, await client.config.maxAttempts(), capacity);
  }

  reset(): void {
    this.decide = () => 'none';
    this.calls.length = 0;
    Object.assign(this.stats, { calls: 0, attempts: 0, errors: 0, failedCalls: 0, unprocessedCalls: 0, byError: {} });
  }

  remove(): void {
    for (const name of this.names) this.client.middlewareStack.remove(name);
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
 * by the other end; the SDK's HTTP handler reports that as `TimeoutError` with code ECONNRESET.
 */
export type SendFaultDecision = 'gone' | 'throttled' | 'reset' | 'none';

/**
 * Faults on the management API client the handlers post through: `GoneException` (410) and
 * `LimitExceededException` (429), decided per attempt. Attempts of one send share its input
 * object, which is how they are told apart from other sends.
 */
export class SendFaults {
  decide: (attempt: SendAttempt) => SendFaultDecision = () => 'none';
  readonly injected: (SendAttempt & { decision: SendFaultDecision })[] = [];
  private readonly attempts = new WeakMap<object, number>();
  private readonly name = `send-faults-${Math.random()}`;

  constructor(private readonly client: ApiGatewayManagementApiClient) {
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { ConnectionId: string; Data: string | Uint8Array };
        const attempt = (this.attempts.get(input) ?? 0) + 1;
        this.attempts.set(input, attempt);
        const data = typeof input.Data === 'string' ? input.Data : Buffer.from(input.Data).toString('utf8');
        const sent = { connectionId: input.ConnectionId, data, attempt };
        const decision = this.decide(sent);
        if (decision === 'none') return next(args);
        this.injected.push({ ...sent, decision });
        switch (decision) {
          case 'gone':
            throw new GoneException({ message: 'the connection is gone (injected)', $metadata: { httpStatusCode: 410 } });
          case 'throttled':
            throw new LimitExceededException({ message: 'Limit exceeded (injected)', $metadata: { httpStatusCode: 429 } });
          case 'reset':
            throw Object.assign(new Error('socket hang up (injected)'), { name: 'TimeoutError', code: 'ECONNRESET' });
        }
      },
      { step: 'initialize', name: this.name },
    );
  }

  reset(): void {
    this.decide = () => 'none';
    this.injected.length = 0;
  }

  remove(): void {
    this.client.middlewareStack.remove(this.name);
  }
}
