import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconnectCost } from '../../src/bench/capacity/capacity-model.js';
import type { FunctionName } from '../../src/gateway/routes.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { connectWithId, eventually, startTestRuntime } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';

/** A string attribute, as the document client passes it (plain) or the low-level client does ({ S }). */
const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : (value as { S?: string } | undefined)?.S);

/** A request's partition keys, whichever kind of request it is. */
function partitionKeysOf(input: Record<string, unknown>): string[] {
  const keyOf = (key: unknown) => {
    const pk = stringOf((key as { pk?: unknown } | undefined)?.pk);
    return pk ? [pk] : [];
  };
  const values = Object.values((input['ExpressionAttributeValues'] ?? {}) as Record<string, unknown>).map(stringOf);
  const batch = Object.values((input['RequestItems'] ?? {}) as Record<string, { DeleteRequest?: { Key: unknown }; PutRequest?: { Item: unknown } }[]>).flat();
  return [
    ...keyOf(input['Key']),
    ...keyOf(input['Item']),
    ...batch.flatMap((request) => keyOf(request.DeleteRequest?.Key ?? request.PutRequest?.Item)),
    // A Query names its partition in its key condition's values.
    ...(input['KeyConditionExpression'] && !input['IndexName'] ? values.flatMap((value) => (value?.startsWith('t#') ? [value] : [])) : []),
  ];
}

/**
 * What one reconnect of a room member costs, measured on the local runtime, against what
 * `npm run capacity` assumes (`reconnectCost`): the callbacks, the function invocations, and
 * the units on the room's partition. The model's figures are held to these.
 */
describe('the cost of one reconnect, as the capacity model has it', () => {
  const room = 'reconnecting';
  const roomSize = 4;
  let runtime: LocalRuntime;
  const invocations: FunctionName[] = [];
  const roomUnits = { read: 0, write: 0 };
  let counting = false;

  beforeAll(async () => {
    runtime = await startTestRuntime({ onInvoked: (fn) => counting && invocations.push(fn) });
    runtime.dependencies.dynamoDb.intercept({
      call: async (call, next) => {
        const { input } = call;
        const inRoom = partitionKeysOf(input).includes(`t#${room}`);
        if (inRoom) input['ReturnConsumedCapacity'] = 'INDEXES';
        const answer = await next(call);
        if (inRoom && counting) {
          const consumed = answer['ConsumedCapacity'] as ConsumedCapacity | ConsumedCapacity[] | undefined;
          const read = call.operation === 'Query';
          for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
            // The table's own units: the room's partition (an index's are another partition's).
            const units = entry.Table?.CapacityUnits ?? entry.CapacityUnits ?? 0;
            if (read) roomUnits.read += units;
            else roomUnits.write += units;
          }
        }
        return answer;
      },
    });
  });
  afterAll(() => runtime?.stop());

  it('is a callback per member, the functions the model counts, and the room-partition units it uses', async () => {
    const join = async (client: TestClient, peerId: string) => {
      client.send({ type: 'subscribe', topics: [room] });
      client.send({ type: 'publish', topic: room, data: { type: 'announce', from: peerId } });
    };
    const members = await Promise.all(Array.from({ length: roomSize - 1 }, () => TestClient.connect(runtime.url)));
    for (const [index, member] of members.entries()) await join(member, `member-${index}`);
    const { client: leaving } = await connectWithId(runtime);
    await join(leaving, 'returning');
    await eventually(async () => (await runtime.dependencies.joinOrder!.room(room)).places.size === roomSize, 10_000, 'all placed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await runtime.poller.drained();
    const received = () => members.reduce((sum, member) => sum + member.received.length, 0);
    const before = received();

    counting = true;
    // Cut, and back at once as the same peer (lib0 reconnects, y-webrtc keeps its peer id).
    await leaving.close();
    const back = await TestClient.connect(runtime.url);
    await join(back, 'returning');
    await back.next();
    await eventually(() => received() === before + roomSize - 1, 5_000, 'the announce at every member');
    await runtime.poller.drained();
    counting = false;

    const model = reconnectCost({ roomSize, authorizer: false });
    // The announce reached every member, the returning one included: one callback each.
    expect(received() - before + back.received.length).toBe(model.callbacks);
    expect(invocations.sort()).toEqual(['connect', 'disconnect', 'message', 'message']);
    // The model adds the cleanup's invocation (the stream poller calls it here, outside the gateway).
    expect(model.invocations).toBe(invocations.length + 1);
    expect(roomUnits.read).toBe(model.roomReadUnits);
    // 4 to 7 by the order of the rejoin, the old connection's cleanup and the announce
    // (src/bench/capacity/capacity-model.ts lists them): the model takes the most.
    expect(roomUnits.write).toBeGreaterThanOrEqual(4);
    expect(roomUnits.write).toBeLessThanOrEqual(model.roomWriteUnits);
    await Promise.all([...members, back].map((client) => client.close()));
  });
});
