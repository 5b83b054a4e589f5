import { WebSocket } from 'ws';
import { ascending, mean, percentile } from '../../tools/stats.js';

export interface FanOutTarget {
  readonly name: string;
  readonly url: string;
  /** Called before and after the measured publishes, to read per-publish costs. */
  readonly onMeasureStart?: () => void;
  readonly onMeasureEnd?: (publishes: number) => Record<string, number>;
}

export interface FanOutMeasurement {
  readonly server: string;
  readonly receivers: number;
  readonly publishes: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly extra: Record<string, number>;
}

/** One receiver: a WebSocket that counts the publishes it is sent, by sequence number. */
class Receiver {
  private constructor(readonly socket: WebSocket) {}

  static open(url: string, onDelivery: (sequence: number) => void): Promise<Receiver> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new Receiver(socket)));
      socket.once('error', reject);
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { sequence?: number };
        if (typeof message.sequence === 'number') onDelivery(message.sequence);
      });
    });
  }
}

/**
 * Publish-to-last-delivery latency of a fan-out to `receivers` subscribers, publishes sent
 * one after the other by a client that is not subscribed.
 */
export async function measureFanOut(target: FanOutTarget, receivers: number, publishes: number): Promise<FanOutMeasurement> {
  const topic = `fan-out-${receivers}-${Date.now()}`;
  const pending = new Map<number, { remaining: number; done: () => void }>();
  const onDelivery = (sequence: number) => {
    const waiting = pending.get(sequence);
    if (waiting && --waiting.remaining === 0) waiting.done();
  };
  const sockets: WebSocket[] = [];
  try {
    for (let opened = 0; opened < receivers; opened += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, receivers - opened) }, () => Receiver.open(target.url, onDelivery)),
      );
      sockets.push(...batch.map((receiver) => receiver.socket));
    }
    for (const socket of sockets) socket.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
    const publisher = await Receiver.open(target.url, () => undefined);
    sockets.push(publisher.socket);

    /** Resolves with the latency once every receiver has the publish, or undefined after `timeoutMs`. */
    const publishOnce = (sequence: number, timeoutMs: number) =>
      new Promise<number | undefined>((resolve) => {
        const started = performance.now();
        const timer = setTimeout(() => {
          pending.delete(sequence);
          resolve(undefined);
        }, timeoutMs);
        pending.set(sequence, {
          remaining: receivers,
          done: () => {
            clearTimeout(timer);
            resolve(performance.now() - started);
          },
        });
        // An offer-like signal: it goes to every subscriber (an announce would go only to those placed before its sender).
        publisher.socket.send(JSON.stringify({ type: 'publish', topic, sequence, data: { type: 'signal', from: 'bench' } }));
      });

    // Subscribes of many connections are handled concurrently: publish until one reaches everybody.
    let warmUp = -1;
    while ((await publishOnce(warmUp, 5_000)) === undefined) {
      if (--warmUp < -60) throw new Error(`not all ${receivers} receivers were subscribed after 60 attempts on ${target.name}`);
    }
    target.onMeasureStart?.();
    const latencies: number[] = [];
    for (let sequence = 0; sequence < publishes; sequence++) {
      const latency = await publishOnce(sequence, 60_000);
      if (latency === undefined) throw new Error(`publish ${sequence} to ${receivers} receivers timed out on ${target.name}`);
      latencies.push(latency);
    }
    const extra = target.onMeasureEnd?.(publishes) ?? {};
    const sorted = ascending(latencies);
    return {
      server: target.name,
      receivers,
      publishes,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      meanMs: mean(sorted),
      extra,
    };
  } finally {
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) return resolve();
            socket.once('close', () => resolve());
            socket.close();
          }),
      ),
    );
  }
}
