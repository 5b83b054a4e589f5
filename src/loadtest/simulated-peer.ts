import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';

/** What a simulated peer reports to the load test. */
export interface PeerEvents {
  connected(): void;
  disconnected(): void;
  sent(): void;
  received(latencyMs: number | undefined): void;
  error(kind: string, detail: string): void;
  /** Its own announce came back: the server has its subscription, it is in its room (again). */
  inRoom?(peer: SimulatedPeer): void;
}

export interface PeerOptions {
  readonly url: string;
  readonly room: string;
  /** Mean length of one session before the peer leaves and rejoins as a new peer, in ms. */
  readonly sessionMs: number;
  readonly events: PeerEvents;
}

const pingIntervalMs = 15_000;
const silenceLimitMs = 30_000;
const candidatesPerHandshake = 4;

/**
 * A y-webrtc client at the protocol level, without WebRTC: it subscribes to its room,
 * announces itself, answers the announce of a peer it does not know yet with an offer and
 * every offer with an answer, each followed by ICE candidates, pings as the lib0 websocket
 * client does (15 s after the last pong) and reconnects with backoff when the connection
 * drops or stays silent for 30 s. After a random session it leaves and rejoins as a new
 * peer, which makes the join traffic. `cut()` ends its connection as API Gateway does at
 * the 2-hour mark; it reconnects at once as the same peer, as y-webrtc does.
 */
export class SimulatedPeer {
  private socket: WebSocket | undefined;
  private peerId = randomUUID();
  /** Peers it has a (simulated) WebRTC connection with: y-webrtc does not start another on their announce. */
  private readonly known = new Set<string>();
  private announceSentAt: number | undefined;
  /** Frames it has sent, on every connection. */
  framesSent = 0;
  private stopped = false;
  private failures = 0;
  private timers = new Set<NodeJS.Timeout>();
  private lastMessageAt = 0;

  constructor(private readonly options: PeerOptions) {}

  start(): void {
    this.connect();
  }

  get id(): string {
    return this.peerId;
  }

  get room(): string {
    return this.options.room;
  }

  /** Its announce is sent on this connection and has not come back yet. */
  get awaitingOwnAnnounce(): boolean {
    return this.announceSentAt !== undefined && this.isConnected;
  }

  get isConnected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Its connection ends, as at API Gateway's cut; lib0 reconnects at once, and y-webrtc keeps its peer id. */
  cut(): void {
    if (this.stopped || !this.isConnected) return;
    const socket = this.socket;
    this.socket = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    socket?.close(1000);
    this.connect();
  }

  stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.options.url);
    this.socket = socket;
    let opened = false;
    socket.on('open', () => {
      opened = true;
      this.failures = 0;
      this.lastMessageAt = Date.now();
      this.options.events.connected();
      this.send({ type: 'subscribe', topics: [this.options.room] });
      this.publish({ type: 'announce', from: this.peerId });
      this.announceSentAt = Date.now();
      this.schedulePing();
      this.later(() => this.rejoin(), exponential(this.options.sessionMs));
    });
    socket.on('message', (data) => this.receive(data.toString()));
    socket.on('error', (error) => {
      if (!opened && !this.stopped) this.options.events.error('connect-failed', error.message);
    });
    socket.on('unexpected-response', (_request, response) => {
      this.options.events.error('connect-refused', `HTTP ${response.statusCode}`);
      socket.terminate();
    });
    socket.on('close', (code) => {
      if (opened) this.options.events.disconnected();
      if (this.stopped || this.socket !== socket) return;
      // 1001 is API Gateway ending a connection at its idle timeout or maximum duration: expected.
      if (opened && code !== 1000 && code !== 1001) this.options.events.error('closed-by-server', `close code ${code}`);
      this.failures++;
      this.later(() => this.connect(), Math.min(5_000, 100 * 2 ** this.failures) * (0.5 + Math.random()));
    });
  }

  /** Leaves and comes back as a new peer, as a user closing and reopening a document. */
  private rejoin(): void {
    if (this.stopped) return;
    const socket = this.socket;
    this.peerId = randomUUID();
    this.known.clear();
    this.socket = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    socket?.close(1000);
    this.connect();
  }

  private receive(frame: string): void {
    this.lastMessageAt = Date.now();
    let message: { type?: string; topic?: string; data?: Signal; message?: string };
    try {
      message = JSON.parse(frame) as typeof message;
    } catch {
      this.options.events.error('bad-frame', frame.slice(0, 80));
      return;
    }
    if (message.type === 'pong') {
      this.options.events.received(undefined);
      this.schedulePing();
      return;
    }
    if (message.type !== 'publish' || !message.data) {
      this.options.events.error('unexpected-message', frame.slice(0, 120));
      return;
    }
    const data = message.data;
    this.options.events.received(typeof data.sentAt === 'number' ? Date.now() - data.sentAt : undefined);
    if (data.from === this.peerId) {
      if (data.type === 'announce') {
        this.announceSentAt = undefined;
        this.options.events.inRoom?.(this);
      }
      return;
    }
    if (data.type === 'announce') {
      if (this.known.has(data.from)) return;
      this.known.add(data.from);
      this.handshake(data.from, 'offer');
    } else if (data.type === 'signal' && data.to === this.peerId && data.signal?.type === 'offer') {
      this.known.add(data.from);
      this.handshake(data.from, 'answer');
    }
  }

  private handshake(to: string, type: 'offer' | 'answer'): void {
    const token = Math.random();
    this.publish({ type: 'signal', to, from: this.peerId, token, signal: { type, sdp: `v=0 simulated ${type}` } });
    for (let n = 0; n < candidatesPerHandshake; n++) {
      this.publish({ type: 'signal', to, from: this.peerId, token, signal: { type: 'candidate', candidate: { candidate: `candidate:${n} 1 udp 1 ::1 ${9000 + n} typ host` } } });
    }
  }

  private schedulePing(): void {
    this.later(() => {
      if (Date.now() - this.lastMessageAt > silenceLimitMs) {
        this.options.events.error('silent-server', 'nothing received for 30 s');
        this.socket?.terminate();
        return;
      }
      this.send({ type: 'ping' });
      this.later(() => {
        if (Date.now() - this.lastMessageAt > silenceLimitMs) {
          this.options.events.error('silent-server', 'no pong within 30 s');
          this.socket?.terminate();
        }
      }, silenceLimitMs);
    }, pingIntervalMs);
  }

  private publish(data: Omit<Signal, 'sentAt'>): void {
    this.send({ type: 'publish', topic: this.options.room, data: { ...data, sentAt: Date.now() } });
  }

  private send(message: unknown): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify(message));
    this.framesSent++;
    this.options.events.sent();
  }

  private later(action: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }
}

interface Signal {
  readonly type: string;
  readonly from: string;
  readonly to?: string;
  readonly token?: number;
  readonly signal?: { readonly type: string; readonly [field: string]: unknown };
  readonly sentAt?: number;
}

function exponential(mean: number): number {
  return -Math.log(1 - Math.random()) * mean;
}
