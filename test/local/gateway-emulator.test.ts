import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { WebSocketEvent } from '../../src/gateway/websocket-event.js';
import { GatewayEmulator, type GatewayEmulatorOptions } from '../../src/local/gateway-emulator.js';
import { invocationTiming, type GatewayTimingMode } from '../../src/local/gateway-timing.js';
import { eventually } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';

let gateway: GatewayEmulator | undefined;
afterEach(() => gateway?.close());

async function startGateway(overrides: Partial<GatewayEmulatorOptions> = {}) {
  const events: WebSocketEvent[] = [];
  const record = async (event: WebSocketEvent) => {
    events.push(event);
    return { statusCode: 200 };
  };
  gateway = new GatewayEmulator({
    port: 0,
    functions: { connect: record, message: record, disconnect: record },
    idleTimeoutSeconds: 60,
    maxConnectionSeconds: 60,
    ...overrides,
  });
  await gateway.listen();
  return { gateway, events };
}

describe('GatewayEmulator', () => {
  it('holds a frame back out of its connection\'s order until released, even in order, and stamps every frame on arrival', async () => {
    const { gateway, events } = await startGateway();
    const observed: WebSocketEvent[] = [];
    const stopObserving = gateway.observeFrames((event) => observed.push(event));
    const client = await TestClient.connect(gateway.url);
    const held = gateway.holdNext(({ requestContext }) => requestContext.routeKey === 'subscribe');
    client.send({ type: 'subscribe', topics: ['r'] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.send({ type: 'unsubscribe', topics: ['r'] });
    await held.arrived;
    // The unsubscribe, sent after it, runs first; the held subscribe only once released.
    await eventually(() => events.some((event) => event.requestContext.routeKey === 'unsubscribe'));
    expect(events.map((event) => event.requestContext.routeKey)).toEqual(['$connect', 'unsubscribe']);
    held.release();
    await held.handled;
    expect(events.map((event) => event.requestContext.routeKey)).toEqual(['$connect', 'unsubscribe', 'subscribe']);
    // Stamped when they arrived, in the order they arrived, not when they ran.
    expect(observed.map((event) => event.requestContext.routeKey)).toEqual(['subscribe', 'unsubscribe']);
    const [subscribed, unsubscribed] = observed.map((event) => event.requestContext.requestTimeEpoch);
    expect(subscribed).toBeLessThan(unsubscribed!);
    expect(events[2]!.requestContext.requestTimeEpoch).toBe(subscribed);
    stopObserving();
    client.send({ type: 'subscribe', topics: ['s'] });
    await eventually(() => events.length === 4);
    expect(observed).toHaveLength(2);
    await client.close();
  });

  it('hands the functions events shaped like API Gateway WebSocket proxy events', async () => {
    const { gateway, events } = await startGateway();
    const client = await TestClient.connect(`${gateway.url}/?token=abc&room=x`);
    client.send({ type: 'subscribe', topics: ['r'] });
    client.send('not json');
    await eventually(() => events.length === 3);
    await client.close();
    await eventually(() => events.length === 4);

    const [connect, subscribe, fallback, disconnect] = events;
    expect(connect).toMatchObject({
      requestContext: {
        routeKey: '$connect',
        eventType: 'CONNECT',
        stage: 'local',
        domainName: gateway.url.replace('ws://', ''),
        identity: { sourceIp: '127.0.0.1' },
      },
      queryStringParameters: { token: 'abc', room: 'x' },
      isBase64Encoded: false,
    });
    expect(connect!.headers?.['sec-websocket-key']).toBeTruthy();
    const { connectionId, connectedAt } = connect!.requestContext;
    expect(connectionId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(subscribe).toMatchObject({
      requestContext: { routeKey: 'subscribe', eventType: 'MESSAGE', connectionId, connectedAt },
      body: '{"type":"subscribe","topics":["r"]}',
    });
    expect(subscribe!.requestContext.requestId).not.toBe(connect!.requestContext.requestId);
    expect(fallback).toMatchObject({ requestContext: { routeKey: '$default' }, body: 'not json' });
    expect(disconnect).toMatchObject({
      requestContext: { routeKey: '$disconnect', eventType: 'DISCONNECT', connectionId, disconnectStatusCode: 1005 },
    });
  });

  it('hands a connection\'s frames over one after the other, or overlapping with parallel timing as Lambda on AWS may', async () => {
    const finishOrder = async (mode?: GatewayTimingMode) => {
      const finished: string[] = [];
      const message = async (event: WebSocketEvent) => {
        const { n } = JSON.parse(event.body ?? '{}') as { n: string };
        if (n === 'slow') await new Promise((resolve) => setTimeout(resolve, 300));
        finished.push(n);
        return { statusCode: 200 };
      };
      const { gateway } = await startGateway({ functions: { connect: async () => ({ statusCode: 200 }), message, disconnect: async () => ({ statusCode: 200 }) }, ...(mode ? { timing: invocationTiming(mode, 1) } : {}) });
      const client = await TestClient.connect(gateway.url);
      client.send({ type: 'publish', topic: 't', n: 'slow' });
      client.send({ type: 'publish', topic: 't', n: 'fast' });
      await eventually(() => finished.length === 2);
      await client.close();
      await gateway.close();
      return finished;
    };
    expect(await finishOrder(undefined)).toEqual(['slow', 'fast']);
    expect(await finishOrder('in-order')).toEqual(['slow', 'fast']);
    expect(await finishOrder('parallel')).toEqual(['fast', 'slow']);
  });

  it('answers ping itself, without calling a function', async () => {
    const { gateway, events } = await startGateway();
    const client = await TestClient.connect(gateway.url);
    client.send({ type: 'ping' });
    expect(await client.next()).toEqual({ type: 'pong' });
    expect(events.map((event) => event.requestContext.routeKey)).toEqual(['$connect']);
    await client.close();
  });

  it('refuses the handshake when $connect answers other than 2xx', async () => {
    const { gateway } = await startGateway({ functions: {
      connect: async () => ({ statusCode: 403 }),
      message: async () => ({ statusCode: 200 }),
      disconnect: async () => ({ statusCode: 200 }),
    } });
    await expect(TestClient.connect(gateway.url)).rejects.toThrow(/HTTP 403/);
  });

  it('refuses the handshake with 500 when $connect throws', async () => {
    const { gateway } = await startGateway({ functions: {
      connect: async () => { throw new Error('boom'); },
      message: async () => ({ statusCode: 200 }),
      disconnect: async () => ({ statusCode: 200 }),
    } });
    await expect(TestClient.connect(gateway.url)).rejects.toThrow(/HTTP 500/);
  });

  it('tells a client "Internal server error" when its message function throws, as API Gateway does', async () => {
    const { gateway } = await startGateway({ functions: {
      connect: async () => ({ statusCode: 200 }),
      message: async () => { throw new Error('boom'); },
      disconnect: async () => ({ statusCode: 200 }),
    } });
    const client = await TestClient.connect(gateway.url);
    client.send({ type: 'publish', topic: 'x' });
    expect(await client.next()).toMatchObject({ message: 'Internal server error', connectionId: expect.any(String) });
    await client.close();
  });

  it('closes a silent connection after the idle timeout and any after the maximum duration', async () => {
    const { gateway } = await startGateway({ idleTimeoutSeconds: 1, maxConnectionSeconds: 3 });
    const idle = await TestClient.connect(gateway.url);
    const chatty = await TestClient.connect(gateway.url);
    const closes = [idle, chatty].map((client) => new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code))));
    const started = Date.now();
    const keepTalking = setInterval(() => chatty.send({ type: 'ping' }), 300);
    try {
      expect(await closes[0]).toBe(1001);
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(await closes[1]).toBe(1001);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    } finally {
      clearInterval(keepTalking);
    }
  });

  it('runs the authorizer before $connect: its context reaches every event, a refusal is the handshake status', async () => {
    const { gateway, events } = await startGateway({
      authorizer: async (event) => {
        const token = event.queryStringParameters?.['token'];
        if (token === 'bad') throw new Error('Unauthorized');
        return {
          principalId: 'user-1',
          policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: token === 'denied' ? 'Deny' : 'Allow', Resource: event.methodArn }] },
          context: { rooms: '["r"]' },
        };
      },
    });
    await expect(TestClient.connect(`${gateway.url}/?token=bad`)).rejects.toThrow(/HTTP 401/);
    await expect(TestClient.connect(`${gateway.url}/?token=denied`)).rejects.toThrow(/HTTP 403/);
    expect(events).toEqual([]);

    const client = await TestClient.connect(`${gateway.url}/?token=good`);
    client.send({ type: 'publish', topic: 'r' });
    await eventually(() => events.length === 2);
    await client.close();
    await eventually(() => events.length === 3);
    for (const event of events) expect(event.requestContext.authorizer).toEqual({ rooms: '["r"]', principalId: 'user-1' });
  });

  it('serves GET and DELETE on @connections, 413 for a post over the limit and 410 for an unknown connection', async () => {
    const { gateway, events } = await startGateway();
    const client = await TestClient.connect(gateway.url);
    const id = events[0]!.requestContext.connectionId;
    const url = `${gateway.managementEndpoint}/@connections/${encodeURIComponent(id)}`;

    const info = await fetch(url);
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ Identity: { SourceIp: '127.0.0.1' }, ConnectedAt: expect.any(String) });

    const unknown = await fetch(`${gateway.managementEndpoint}/@connections/nobody`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(410);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('GoneException');

    const tooLarge = await fetch(url, { method: 'POST', body: 'x'.repeat(128 * 1024 + 1) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('x-amzn-errortype')).toBe('PayloadTooLargeException');

    expect((await fetch(url, { method: 'DELETE' })).status).toBe(204);
    await eventually(() => client.closed);
    expect(client.socket.readyState).toBe(WebSocket.CLOSED);
  });
});
