import { signalingToken, tokenInUrl, urlWithToken, type SignalingToken } from './signaling-token.js';
import { TokenSourceStopped, type TokenSource } from './token-source.js';
import type { SignalingConnection, SignalingProvider } from './y-webrtc-shapes.js';

export interface ConnectionTiming {
  /** How long the server keeps a connection open before it cuts it (API Gateway: 2 hours). */
  readonly maxConnectionMs: number;
  /** The connection closes itself, and reconnects, at a random moment this long before the cut (the last tenth of it excepted). */
  readonly earlyCloseWindowMs: number;
  /** After a cut it did not choose, it waits a random time up to this long before reconnecting. */
  readonly reconnectSpreadMs: number;
}

/**
 * One of y-webrtc's signaling connections, kept presenting a valid token.
 *
 * lib0's WebsocketClient reads `shouldConnect` and then `url` each time it opens a socket: on
 * the first connect, after every close, after every failed attempt. Both become accessors on
 * the connection object. `shouldConnect` answers false until a token that is fresh enough is
 * at hand (and any reconnect delay has passed), fetches one, and then calls `connect()`
 * itself; `url` carries that token. Nothing else of the connection, and nothing of the
 * provider or its WebRTC connections, is touched.
 *
 * y-webrtc files the connection under the URL it was created with and, when its last provider
 * disconnects, calls `destroy()` and then removes `url` from its table: `destroy()` therefore
 * first gives the connection back its plain properties, `url` that first URL.
 */
export class AuthorizedConnection {
  readonly attached = new Set<SignalingProvider>();
  private wanted: boolean;
  private token: SignalingToken | undefined;
  private tokenPresented = false;
  private tokenSpent = false;
  private attempting: boolean;
  private failedAttempts = 0;
  private notBefore = 0;
  private preparing = false;
  private closingOnPurpose = false;
  private earlyClose: ReturnType<typeof setTimeout> | undefined;
  private delay: { timer: ReturnType<typeof setTimeout>; wake: () => void } | undefined;
  private ended = false;

  constructor(
    readonly connection: SignalingConnection,
    /** The URL y-webrtc created the connection with, and files it under. */
    readonly key: string,
    private readonly parameter: string,
    private readonly tokens: TokenSource,
    private readonly rooms: () => string[],
    private readonly timing: ConnectionTiming,
    private readonly onDestroyed: (connection: AuthorizedConnection) => void,
  ) {
    const inKey = tokenInUrl(key, parameter);
    this.token = inKey ? signalingToken(inKey) : undefined;
    this.wanted = connection.shouldConnect;
    this.attempting = connection.ws !== null && !connection.connected;
    this.tokenPresented = this.attempting || connection.connected;
    const destroy = connection.destroy;
    Object.defineProperties(connection, {
      shouldConnect: { configurable: true, enumerable: true, get: () => this.mayConnect(), set: (value: boolean) => (this.wanted = value) },
      url: { configurable: true, enumerable: true, get: () => this.currentUrl() },
      destroy: {
        configurable: true,
        writable: true,
        value: () => {
          this.end('destroyed');
          this.onDestroyed(this);
          destroy.call(connection);
        },
      },
    });
    connection.on('connect', this.onConnect);
    connection.on('disconnect', this.onDisconnect);
    if (connection.connected) this.scheduleEarlyClose();
  }

  /** Gives the connection back its plain properties; after `'detached'` it goes on with the URL it was created with. */
  end(reason: 'destroyed' | 'detached'): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.earlyClose);
    this.delay?.wake();
    this.connection.off('connect', this.onConnect);
    this.connection.off('disconnect', this.onDisconnect);
    const plain = this.connection as unknown as Record<string, unknown>;
    for (const name of ['shouldConnect', 'url', 'destroy']) delete plain[name];
    plain['shouldConnect'] = this.wanted;
    plain['url'] = this.key;
    if (reason === 'detached' && this.wanted && this.connection.ws === null && !this.connection.connected) this.connection.connect();
  }

  private currentUrl(): string {
    return this.token && !this.ended ? urlWithToken(this.key, this.parameter, this.token.token) : this.key;
  }

  private mayConnect(): boolean {
    if (!this.wanted || this.ended || this.connection.ws !== null || this.connection.connected) return this.wanted;
    // lib0 is about to open a socket. If the last one it opened never connected, that attempt failed.
    if (this.attempting) this.attemptFailed();
    if (this.ready()) {
      this.attempting = true;
      this.tokenPresented = true;
      return true;
    }
    this.prepare();
    return false;
  }

  /**
   * Browsers do not tell why a WebSocket failed. A refused token and an unreachable server look
   * alike, so the token is replaced after 2, 4, 8, … failures in a row: soon enough for a token
   * the server stopped taking, and rarely during an outage.
   */
  private attemptFailed(): void {
    this.attempting = false;
    this.failedAttempts++;
    if ((this.failedAttempts & (this.failedAttempts - 1)) === 0 && this.failedAttempts >= 2) this.tokenSpent = true;
  }

  /** A token to present: not spent, and either new from getToken() or with enough validity left. */
  private tokenReady(): boolean {
    return this.token !== undefined && !this.tokenSpent && (!this.tokenPresented || this.tokens.lastsLongEnough(this.token));
  }

  private ready(): boolean {
    return Date.now() >= this.notBefore && this.tokenReady();
  }

  private prepare(): void {
    if (this.preparing) return;
    this.preparing = true;
    this.getReady().then(
      () => {
        this.preparing = false;
        if (this.wanted && !this.ended && this.connection.ws === null && !this.connection.connected) this.connection.connect();
      },
      (error: unknown) => {
        this.preparing = false;
        if (!(error instanceof TokenSourceStopped)) throw error;
      },
    );
  }

  private async getReady(): Promise<void> {
    const wait = this.notBefore - Date.now();
    if (wait > 0) await this.sleep(wait);
    if (this.ended || this.tokenReady()) return;
    const token = await this.tokens.fresh({ rooms: this.rooms() }, this.token);
    if (this.ended) return;
    this.token = token;
    this.tokenPresented = false;
    this.tokenSpent = false;
  }

  private readonly onConnect = (): void => {
    this.attempting = false;
    this.failedAttempts = 0;
    this.scheduleEarlyClose();
  };

  private readonly onDisconnect = (): void => {
    clearTimeout(this.earlyClose);
    const chosen = this.closingOnPurpose;
    this.closingOnPurpose = false;
    // Connections cut together (a deploy, an outage) would otherwise all reconnect at once.
    this.notBefore = chosen ? 0 : Date.now() + Math.random() * this.timing.reconnectSpreadMs;
  };

  /**
   * Connections opened together are cut together when they reach the server's limit, and lib0
   * reconnects at once: the wave would come back every 2 hours. Closing at a random moment
   * before the cut spreads it, and each round spreads it further.
   */
  private scheduleEarlyClose(): void {
    clearTimeout(this.earlyClose);
    const { maxConnectionMs, earlyCloseWindowMs } = this.timing;
    if (!Number.isFinite(maxConnectionMs) || maxConnectionMs <= 0) return;
    const window = Math.min(earlyCloseWindowMs, maxConnectionMs);
    const afterMs = maxConnectionMs - window * (0.1 + 0.9 * Math.random());
    this.earlyClose = setTimeout(() => {
      if (!this.connection.connected || !this.connection.ws) return;
      this.closingOnPurpose = true;
      this.connection.ws.close();
    }, afterMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.delay = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.delay = { timer, wake };
    });
  }
}
