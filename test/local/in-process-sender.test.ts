import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessSender } from '../../src/local/in-process-sender.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { connectWithId, startTestRuntime } from '../support/runtime.js';
import { settled, TestClient } from '../support/test-client.js';

/**
 * The local runtime delivers in process by default: the same outcomes as the management API
 * (delivered, gone, too large), without an HTTP request per delivery.
 */
let inProcess: LocalRuntime;
let overHttp: LocalRuntime;
beforeAll(async () => {
  [inProcess, overHttp] = await Promise.all([startTestRuntime(), startTestRuntime({ settings: { delivery: 'management-api' } })]);
});
afterAll(() => Promise.all([inProcess?.stop(), overHttp?.stop()]));

describe('in-process delivery', () => {
  it('delivers to an open connection, reports a closed one as gone, and refuses what API Gateway would (413)', async () => {
    const sender = new InProcessSender(inProcess.gateway);
    const { client, connectionId } = await connectWithId(inProcess);
    expect(await sender.send(connectionId, '{"hello":1}')).toBe('delivered');
    expect(await client.next()).toEqual({ hello: 1 });
    await expect(sender.send(connectionId, `"${'x'.repeat(129 * 1024)}"`)).rejects.toThrow(/too large/);
    await client.close();
    expect(await sender.send(connectionId, '{"hello":2}')).toBe('gone');
    expect(await sender.send('never-existed', '{}')).toBe('gone');
  });

  it('is what the runtime uses by default; `management-api` posts over HTTP as on AWS, with the same result', async () => {
    for (const runtime of [inProcess, overHttp]) {
      const [a, b] = await Promise.all([TestClient.connect(runtime.url), TestClient.connect(runtime.url)]);
      for (const client of [a, b]) client.send({ type: 'subscribe', topics: ['both-ways'] });
      await Promise.all([settled(a), settled(b)]);
      a.send({ type: 'publish', topic: 'both-ways', data: 'hi' });
      expect(await b.next()).toEqual({ type: 'publish', topic: 'both-ways', data: 'hi', clients: 2 });
      await Promise.all([a.close(), b.close()]);
    }
    expect(inProcess.dependencies.senderFor('https://any/stage')).toBeInstanceOf(InProcessSender);
    expect(overHttp.dependencies.senderFor('https://any/stage')).not.toBeInstanceOf(InProcessSender);
  });
});
