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
 * "My publish came back": a topic only one client subscribes to. The emulator routes a
 * connection's frames in order (the default timing), so once a publish to it comes back,
 * every frame the client sent before it is handled. The topic stays subscribed.
 */
export class EchoBarrier {
  private sent = 0;

  constructor(
    private readonly client: TestClient,
    readonly topic = `barrier-${process.pid}-${++barrierCounter}`,
  ) {}

  subscribe(): void {
    this.client.send({ type: 'subscribe', topics: [this.topic] });
  }

  /** The next barrier publish, for a caller that sends it itself (and models its echo). */
  nextFrame(): string {
    return JSON.stringify({ type: 'publish', topic: this.topic, n: ++this.sent });
  }

  /** Whether `frame` is an echo of this barrier (of its `n`-th publish, when given). */
  isEcho(frame: unknown, n?: number): boolean {
    const message = frame as { topic?: string; n?: number };
    return message.topic === this.topic && (n === undefined || message.n === n);
  }

  /**
   * Sends the next barrier publish and waits for its echo: a publish round trip, which a
   * y-webrtc user would not wait much longer than a few seconds for either.
   * @returns the index of the echo in `client.received`
   */
  async pass(timeoutMs = 5_000): Promise<number> {
    const seen = this.client.received.length;
    const frame = this.nextFrame();
    const n = this.sent;
    this.client.send(frame);
    for (let count = seen + 1; ; count++) {
      await this.client.receivedCount(count, timeoutMs);
      const index = this.client.received.findIndex((message, i) => i >= seen && this.isEcho(message, n));
      if (index !== -1) return index;
    }
  }
}

/** Waits until the server has handled everything `client` sent so far; the barrier's echo is left out of `received`. */
export async function settled(client: TestClient): Promise<void> {
  const barrier = new EchoBarrier(client);
  barrier.subscribe();
  const index = await barrier.pass();
  client.received.splice(index, 1);
  if (index < client.cursor) client.cursor--;
}
