/**
 * What the signaling domain needs from the outside world. The domain talks to these
 * interfaces only; src/store and src/gateway implement them on DynamoDB and API Gateway.
 */
export interface NewConnection {
  readonly connectionId: string;
  /** Epoch milliseconds, as API Gateway reports it. */
  readonly connectedAt: number;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** Whom the `$connect` authorizer let in (the token's `sub`), when authorization is on. */
  readonly principalId?: string;
}

export interface SubscriptionStore {
  putConnection(connection: NewConnection): Promise<void>;
  /** Deletes the connection item; its subscriptions follow through the cleanup stream. */
  deleteConnection(connectionId: string): Promise<void>;
  /** Idempotent: subscribing twice to a topic leaves one subscription. */
  subscribe(connectionId: string, connectedAt: number, topics: readonly string[]): Promise<void>;
  unsubscribe(connectionId: string, topics: readonly string[]): Promise<void>;
  /** Connection ids subscribed to the topic, expired subscriptions left out. */
  subscribersOf(topic: string): Promise<string[]>;
  /** Every topic the connection is subscribed to, expired ones included (for cleanup). */
  topicsOf(connectionId: string): Promise<string[]>;
}

export type SendOutcome = 'delivered' | 'gone';

export interface ConnectionSender {
  /** Resolves `gone` when the receiver no longer exists (HTTP 410); rejects on other failures. */
  send(connectionId: string, data: string): Promise<SendOutcome>;
}
