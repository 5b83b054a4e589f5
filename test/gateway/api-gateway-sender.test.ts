import { AwsServiceError } from '../../src/aws/aws-error.js';
import type { ManagementApi } from '../../src/aws/management-api.js';
import { localAwsIdentity } from '../../src/config/aws-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/config/limits.js';
import { ApiGatewaySender, createManagementClient } from '../../src/gateway/api-gateway-sender.js';
import { GatewayEmulator } from '../../src/local/gateway-emulator.js';
import { TestClient } from '../support/test-client.js';

let gateway: GatewayEmulator;
let connectionIds: string[] = [];

beforeAll(async () => {
  gateway = new GatewayEmulator({
    port: 0,
    functions: {
      connect: async (event) => {
        connectionIds.push(event.requestContext.connectionId);
        return { statusCode: 200 };
      },
      message: async () => ({ statusCode: 200 }),
      disconnect: async () => ({ statusCode: 200 }),
    },
    idleTimeoutSeconds: 60,
    maxConnectionSeconds: 60,
  });
  await gateway.listen();
});
afterAll(() => gateway?.close());

/** Makes the next `count` sends fail with `name` and `status` before they reach the gateway. */
function failNext(client: ManagementApi, count: number, name: string, status: number): { remaining: () => number } {
  let remaining = count;
  client.intercept(async (_post, next) => {
    if (remaining <= 0) return next();
    remaining--;
    throw new AwsServiceError(name, `${name} (injected)`, status);
  });
  return { remaining: () => remaining };
}

describe('ApiGatewaySender', () => {
  it('delivers to an open connection through the management API, and reports a closed one as gone (410)', async () => {
    connectionIds = [];
    const client = await TestClient.connect(gateway.url);
    const sender = new ApiGatewaySender(createManagementClient(gateway.managementEndpoint, defaultLimits, localAwsIdentity), defaultLimits);
    expect(await sender.send(connectionIds[0]!, '{"hello":1}')).toBe('delivered');
    expect(await client.receivedCount(1)).toEqual([{ hello: 1 }]);
    await client.close();
    expect(await sender.send(connectionIds[0]!, '{"hello":2}')).toBe('gone');
    expect(await sender.send('never-existed', '{}')).toBe('gone');
  });

  it('retries a throttled send (429) with backoff, then delivers', async () => {
    connectionIds = [];
    const client = await TestClient.connect(gateway.url);
    const management = createManagementClient(gateway.managementEndpoint, defaultLimits, localAwsIdentity);
    const faults = failNext(management, 3, 'LimitExceededException', 429);
    const sender = new ApiGatewaySender(management, { ...defaultLimits, sendAttempts: 4 }, 1);
    expect(await sender.send(connectionIds[0]!, '{"n":1}')).toBe('delivered');
    expect(faults.remaining()).toBe(0);
    expect(await client.receivedCount(1)).toEqual([{ n: 1 }]);
    await client.close();
  });

  it('gives up after the configured attempts, and does not retry errors that would repeat', async () => {
    const management = createManagementClient(gateway.managementEndpoint, defaultLimits, localAwsIdentity);
    const throttled = failNext(management, 10, 'LimitExceededException', 429);
    const sender = new ApiGatewaySender(management, { ...defaultLimits, sendAttempts: 3 }, 1);
    await expect(sender.send('any', '{}')).rejects.toMatchObject({ name: 'LimitExceededException' });
    expect(throttled.remaining()).toBe(7);

    const forbidden = createManagementClient(gateway.managementEndpoint, defaultLimits, localAwsIdentity);
    const denied = failNext(forbidden, 10, 'ForbiddenException', 403);
    await expect(new ApiGatewaySender(forbidden, defaultLimits, 1).send('any', '{}')).rejects.toMatchObject({ name: 'ForbiddenException' });
    expect(denied.remaining()).toBe(9);
  });
});
