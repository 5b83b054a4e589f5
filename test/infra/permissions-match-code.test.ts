import { randomUUID } from 'node:crypto';
import { dropTableAfterThisFile, testTableName } from '../support/cleanups.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { connectEvent, disconnectEvent, messageEvent } from '../../src/gateway/event-builders.js';
import type { WebSocketEvent } from '../../src/gateway/websocket-event.js';
import { defaultLimits } from '../../src/config/limits.js';
import { cleanupHandler } from '../../src/handlers/cleanup.js';
import { connectHandler } from '../../src/handlers/connect.js';
import { disconnectHandler } from '../../src/handlers/disconnect.js';
import { messageDependencies, type MessageDependencies } from '../../src/handlers/message-dependencies.js';
import { messageHandler } from '../../src/handlers/message.js';
import { ensureTable } from '../../src/local/create-table.js';
import { entityNameAttribute, entityNames, tableDefinition } from '../../src/store/table.js';
import type { SignalingFunctionName } from '../../infra/parts/function-names.js';
import { tableAccess } from '../../infra/parts/permissions.js';
import { localClientIdentity, localDynamoDbConfig } from '../support/dynamodb.js';

/**
 * The grants of infra/parts/permissions.ts against what the handlers really call: each
 * handler runs its paths against DynamoDB Local, an SDK middleware records every call with
 * its target (table or gsi1), and the calls must be exactly the grants, nothing more (a call
 * that would be AccessDenied on AWS) and nothing less (a grant no code uses).
 */
const reverseIndex = tableDefinition.reverseIndex.name;
const calls = new Map<SignalingFunctionName, Set<string>>();
let current: SignalingFunctionName | undefined;
let management: Server;
let dependencies: MessageDependencies;
const goneConnections = new Set<string>();

interface CallInput {
  readonly TableName?: string;
  readonly IndexName?: string;
  readonly TransactItems?: readonly Record<string, unknown>[];
}

/** IAM knows no TransactWriteItems action: each item needs the action of its own kind. */
const transactionItemActions: Record<string, string> = { Update: 'UpdateItem', ConditionCheck: 'ConditionCheckItem', Put: 'PutItem', Delete: 'DeleteItem' };

function record(commandName: string, input: CallInput): void {
  if (!current) return;
  if (input.TransactItems) {
    for (const item of input.TransactItems) for (const kind of Object.keys(item)) record(`${transactionItemActions[kind]}Command`, {});
    return;
  }
  const action = `dynamodb:${commandName.replace(/Command$/, '')}`;
  const target = input.IndexName ? input.IndexName : 'table';
  if (!calls.has(current)) calls.set(current, new Set());
  calls.get(current)!.add(`${action} ${target}`);
}

async function as<T>(name: SignalingFunctionName, run: () => Promise<T>): Promise<T> {
  current = name;
  try {
    return await run();
  } finally {
    current = undefined;
  }
}

const api = { apiId: 'test', stage: 'test', domainName: '127.0.0.1' };

function webSocketEvent(connectionId: string, routeKey: string, body?: unknown): WebSocketEvent {
  const connection = { connectionId, connectedAt: Date.now(), sourceIp: '127.0.0.1' };
  if (routeKey === '$connect') return connectEvent(api, connection);
  if (routeKey === '$disconnect') return disconnectEvent(api, connection, { statusCode: 1000, reason: '' });
  return messageEvent(api, connection, { body: JSON.stringify(body), routeKey });
}

function connectionRemoved(connectionId: string): DynamoDBStreamEvent {
  return {
    Records: [
      {
        eventID: randomUUID(),
        eventName: 'REMOVE',
        dynamodb: { OldImage: { [entityNameAttribute]: { S: entityNames.connection }, connectionId: { S: connectionId } } },
      },
    ],
  };
}

const lambdaContext = { awsRequestId: 'test', functionName: 'cleanup', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

describe('the IAM grants match the calls of the code', () => {
  beforeAll(async () => {
    // The management API: receivers listed in goneConnections answer 410, the others take the message.
    management = createServer((request, response) => {
      const id = decodeURIComponent(request.url?.split('/@connections/')[1] ?? '');
      request.resume();
      if (goneConnections.has(id)) {
        response.writeHead(410, { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' });
        response.end(JSON.stringify({ message: 'gone' }));
      } else {
        response.writeHead(200).end();
      }
    });
    await new Promise<void>((resolve) => management.listen(0, '127.0.0.1', resolve));
    const tableName = testTableName();
    dropTableAfterThisFile(inject('dynamodbEndpoint'), tableName);
    const client = new DynamoDBClient(localDynamoDbConfig());
    await ensureTable(client, tableName);
    client.destroy();
    dependencies = messageDependencies({
      tableName,
      limits: defaultLimits,
      joinOrder: 'room',
      signalDelivery: 'peer',
      aws: { dynamoDbEndpoint: inject('dynamodbEndpoint'), ...localClientIdentity },
      connectionsEndpoint: `http://127.0.0.1:${(management.address() as AddressInfo).port}`,
    });
    dependencies.dynamoDb.intercept({
      call: (call, next) => {
        record(call.operation, call.input as CallInput);
        return next(call);
      },
    });
  });

  afterAll(() => new Promise<void>((resolve) => management.close(() => resolve())));

  it('while every path of every handler runs', async () => {
    const [connect, message, disconnect, cleanup] = [
      connectHandler(dependencies),
      messageHandler(dependencies),
      disconnectHandler(dependencies),
      cleanupHandler(dependencies),
    ];
    const [alice, bob] = [`alice-${randomUUID()}`, `bob-${randomUUID()}`];
    const ok = { statusCode: 200 };

    expect(await as('connect', () => connect(webSocketEvent(alice, '$connect')))).toEqual(ok);
    expect(await as('connect', () => connect(webSocketEvent(bob, '$connect')))).toEqual(ok);
    for (const who of [alice, bob]) {
      expect(await as('message', () => message(webSocketEvent(who, 'subscribe', { type: 'subscribe', topics: ['room', 'lobby'] })))).toEqual(ok);
    }
    goneConnections.add(bob);
    const offer = { type: 'publish', topic: 'room', data: { type: 'signal', from: 'a', to: 'b', signal: { type: 'offer' } } };
    expect(await as('message', () => message(webSocketEvent(alice, 'publish', offer)))).toEqual(ok);
    // Bob's place is left over now (410): an announce forgets it.
    const announce = { type: 'publish', topic: 'room', data: { type: 'announce', from: 'a' } };
    expect(await as('message', () => message(webSocketEvent(alice, 'publish', announce)))).toEqual(ok);
    expect(await as('message', () => message(webSocketEvent(alice, 'unsubscribe', { type: 'unsubscribe', topics: ['room'] })))).toEqual(ok);
    expect(await as('disconnect', () => disconnect(webSocketEvent(alice, '$disconnect')))).toEqual(ok);
    expect(await as('cleanup', () => cleanup(connectionRemoved(alice), lambdaContext))).toEqual({ batchItemFailures: [] });
  });

  for (const name of ['connect', 'message', 'disconnect', 'cleanup'] as const) {
    it(`${name}: exactly the calls it is granted`, () => {
      const granted = [...tableAccess[name].table.map((action) => `${action} table`), ...tableAccess[name].reverseIndex.map((action) => `${action} ${reverseIndex}`)];
      expect([...(calls.get(name) ?? [])].sort()).toEqual(granted.sort());
    });
  }
});
