import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { freePort } from '../../src/local/free-port.js';
import { startReferenceServer, untilAccepting, type ReferenceServer } from '../../src/tools/reference-server.js';

let reference: ReferenceServer | undefined;
afterEach(async () => {
  await reference?.stop();
  reference = undefined;
});

/**
 * bin/server.js prints "Signaling server running" right after calling listen(), before its
 * port is bound: `npm run bench:publish` crashed with ECONNREFUSED when its first client
 * came in between. The start waits until the port accepts a connection.
 */
describe("y-webrtc's reference server, started for the benches and the compatibility test", () => {
  it('waits for a port that is bound late, and not longer', async () => {
    const port = await freePort();
    const server = createServer((socket) => socket.destroy());
    const started = Date.now();
    setTimeout(() => server.listen(port, '127.0.0.1'), 400);
    await untilAccepting(port);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(Date.now() - started).toBeLessThan(2_000);
    await new Promise((resolve) => server.close(resolve));
    await expect(untilAccepting(port, 200)).rejects.toThrow(/did not accept connections on 127.0.0.1:\d+ within 200 ms/);
  });

  it('accepts a client the moment its start resolves, every time', async () => {
    for (let round = 0; round < 3; round++) {
      reference = await startReferenceServer();
      const socket = new WebSocket(reference.url);
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      socket.close();
      await reference.stop();
      reference = undefined;
    }
  });
});
