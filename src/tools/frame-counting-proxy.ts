import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** Frames through the proxy since the last reset: what API Gateway would bill, both ways. */
export interface FrameCounts {
  /** Frames clients sent to the server. */
  readonly fromClients: number;
  /** Frames the server sent to clients: deliveries (and pongs). */
  readonly toClients: number;
}

export interface FrameCountingProxy {
  /** Where clients connect instead of the server. */
  readonly url: string;
  counts(): FrameCounts;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * A WebSocket proxy on 127.0.0.1 in front of a signaling server, counting the frames each way.
 * It measures any server alike: y-webrtc's `bin/server.js` has no metrics of its own.
 */
export async function startFrameCountingProxy(targetUrl: string): Promise<FrameCountingProxy> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  let fromClients = 0;
  let toClients = 0;
  server.on('connection', (client, request) => {
    const upstream = new WebSocket(new URL(request.url ?? '/', targetUrl));
    // Frames a client sends before the upstream connection is open, kept as text or binary as sent.
    const pending: { data: RawData; isBinary: boolean }[] = [];
    client.on('message', (data, isBinary) => {
      fromClients++;
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
      else pending.push({ data, isBinary });
    });
    upstream.on('open', () => {
      for (const { data, isBinary } of pending.splice(0)) upstream.send(data, { binary: isBinary });
    });
    upstream.on('message', (data, isBinary) => {
      toClients++;
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
    const closeBoth = () => {
      client.terminate();
      upstream.terminate();
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => ({ fromClients, toClients }),
    reset() {
      fromClients = 0;
      toClients = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
