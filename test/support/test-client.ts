import { WebSocket } from 'ws';

/** A plain WebSocket client that records every text frame it receives, parsed. */
export class TestClient {
  readonly received: unknown[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()));
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static connect(url: string): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const client = new TestClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`handshake refused with HTTP ${response.statusCode}`)),
      );
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits until `count` frames have arrived in all. */
  async receivedCount(count: number, timeoutMs = 5_000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`expected ${count} frames, got ${this.received.length}: ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** Frames handed out by `next()` so far: `received[0 .. cursor)`. */
  cursor = 0;

  /** The oldest frame `next()` has not handed out yet, waiting for it if none has come. */
  async next(timeoutMs?: number): Promise<unknown> {
    await this.receivedCount(this.cursor + 1, timeoutMs);
    return this.received[this.cursor++];
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

let barrierCounter = 0;

/**
 * Waits until the server has handled everything `client` sent so far. The emulator routes a
 * connection's frames in order, so once a publish on a private topic comes back, all earlier
 * frames are done. The private topic is left subscribed.
 */
export async function settled(client: TestClient): Promise<void> {
  const topic = `barrier-${process.pid}-${++barrierCounter}`;
  const seen = client.received.length;
  client.send({ type: 'subscribe', topics: [topic] });
  client.send({ type: 'publish', topic, barrier: true });
  const isBarrier = (message: unknown) => (message as { topic?: string }).topic === topic;
  let index = -1;
  for (let count = seen + 1; index === -1; count++) {
    // A publish round trip: a y-webrtc user would have given up long before 20 s.
    await client.receivedCount(count, 5_000);
    index = client.received.findIndex((message, i) => i >= seen && isBarrier(message));
  }
  client.received.splice(index, 1);
  if (index < client.cursor) client.cursor--;
}
