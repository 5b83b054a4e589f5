import { AuthorizedConnection, type ConnectionTiming } from './authorized-connection.js';
import { urlWithToken, urlWithoutToken, type TokenResult } from './signaling-token.js';
import { TokenSource, type TokenFailure, type TokenRequest } from './token-source.js';
import type { SignalingConnection, SignalingProvider } from './y-webrtc-shapes.js';

export interface SignalingAuthOptions {
  /** The signaling server's URLs, without a token: the `signaling` list the providers would get. */
  readonly urls: readonly string[];
  /**
   * Returns a token the server takes: a JWT (its `exp` says when it expires) or
   * `{ token, expiresAt }` (milliseconds since the epoch). Told the rooms of the providers
   * that will present it. It may fail: it is retried with backoff, and `onError` hears of it.
   */
  readonly getToken: (request: TokenRequest) => Promise<TokenResult>;
  /** Told of every failed `getToken()`. Default: `console.error`. */
  readonly onError?: (failure: TokenFailure) => void;
  /** The query parameter the server reads the token from. Default `token`. */
  readonly tokenParameter?: string;
  /** A token with less validity left than this is not presented again; a new one is fetched. Default 10 s. */
  readonly minimumValidityMs?: number;
  /** How long the server keeps a connection (API Gateway: 2 hours, the default). `Infinity`: no early close. */
  readonly maxConnectionMs?: number;
  /** The connection closes itself at a random moment in this window before the server's cut. Default 10 minutes. */
  readonly earlyCloseWindowMs?: number;
  /** After a cut it did not choose, a connection waits up to this long (at random) before reconnecting. Default 5 s. */
  readonly reconnectSpreadMs?: number;
  /** Backoff of a failing `getToken()`: first retry after about this long (default 1 s), doubling up to `retryMaxMs` (default 30 s). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

export const signalingAuthDefaults = {
  tokenParameter: 'token',
  minimumValidityMs: 10_000,
  maxConnectionMs: 2 * 60 * 60 * 1000,
  earlyCloseWindowMs: 10 * 60 * 1000,
  reconnectSpreadMs: 5_000,
  retryBaseMs: 1_000,
  retryMaxMs: 30_000,
} as const;

const reportToConsole = ({ error, attempt, retryInMs }: TokenFailure): void =>
  console.error(`y-webrtc signaling: getToken() failed (attempt ${attempt}); retrying in ${(retryInMs / 1000).toFixed(1)} s:`, error);

/**
 * Keeps the signaling connections of y-webrtc providers presenting a valid token, so that
 * every reconnect (API Gateway's 2-hour cut, a network blip, a deploy) presents a fresh one.
 * Providers are neither recreated nor touched; their WebRTC connections stay as they are.
 *
 * ```ts
 * const auth = new SignalingAuth({ urls: ['wss://…'], getToken })
 * const provider = new WebrtcProvider(room, doc, { signaling: await auth.signalingUrls(room) })
 * auth.attach(provider)
 * ```
 *
 * One per page and signaling server: y-webrtc shares a connection between the providers
 * that name the same URL, and so does this.
 */
export class SignalingAuth {
  private readonly tokens: TokenSource;
  private readonly bases: Set<string>;
  private readonly connections = new Map<SignalingConnection, AuthorizedConnection>();
  private readonly parameter: string;
  private readonly timing: ConnectionTiming;
  private destroyed = false;

  constructor(options: SignalingAuthOptions) {
    const settings = { ...signalingAuthDefaults, ...definedOnly(options) };
    if (options.urls.length === 0) throw new TypeError('SignalingAuth needs the signaling server URLs (urls: [...])');
    this.parameter = settings.tokenParameter;
    this.bases = new Set(options.urls.map((url) => urlWithoutToken(url, this.parameter)));
    this.timing = settings;
    this.tokens = new TokenSource({ ...settings, getToken: options.getToken, onError: options.onError ?? reportToConsole });
  }

  /**
   * The `signaling` list for a new provider of `room`: for each server, the URL of the
   * connection this page already has (the provider then shares it, as y-webrtc does), or the
   * server's URL with a fresh token.
   */
  async signalingUrls(room: string): Promise<string[]> {
    this.checkAlive();
    return Promise.all(
      [...this.bases].map(async (base) => {
        const open = [...this.connections.values()].find((connection) => urlWithoutToken(connection.key, this.parameter) === base);
        if (open) return open.key;
        const { token } = await this.tokens.fresh({ rooms: [...new Set([...this.rooms(), room])] });
        return urlWithToken(base, this.parameter, token);
      }),
    );
  }

  /**
   * Keeps the provider's connections to these servers presenting a valid token until the
   * returned function or `destroy()` is called, or y-webrtc closes the connection for good
   * (its last provider disconnected).
   */
  attach(provider: SignalingProvider): () => void {
    this.checkAlive();
    const ours = [...new Set(provider.signalingConns)].filter((connection) => this.bases.has(urlWithoutToken(this.keyOf(connection), this.parameter)));
    if (ours.length === 0) {
      throw new Error(
        `the provider of room "${provider.roomName}" has no signaling connection to ${[...this.bases].join(', ')}: ` +
          `create it with { signaling: await auth.signalingUrls(room) }`,
      );
    }
    const authorized = ours.map((connection) => {
      let entry = this.connections.get(connection);
      if (!entry) {
        entry = new AuthorizedConnection(connection, connection.url, this.parameter, this.tokens, () => this.rooms(), this.timing, (ended) =>
          this.connections.delete(ended.connection),
        );
        this.connections.set(connection, entry);
      }
      entry.attached.add(provider);
      return entry;
    });
    return () => {
      for (const entry of authorized) {
        entry.attached.delete(provider);
        if (entry.attached.size === 0 && this.connections.get(entry.connection) === entry) {
          entry.end('detached');
          this.connections.delete(entry.connection);
        }
      }
    };
  }

  /** Stops: no more tokens are fetched, and the connections go on with the URLs they were created with. */
  destroy(): void {
    this.destroyed = true;
    this.tokens.stop();
    for (const entry of this.connections.values()) entry.end('detached');
    this.connections.clear();
  }

  private keyOf(connection: SignalingConnection): string {
    return this.connections.get(connection)?.key ?? connection.url;
  }

  /** The rooms of the providers that use the connections: every token must allow them all (y-webrtc subscribes them all on every connection). */
  private rooms(): string[] {
    const rooms = new Set<string>();
    for (const entry of this.connections.values()) {
      for (const provider of entry.connection.providers) rooms.add(provider.roomName);
      for (const provider of entry.attached) rooms.add(provider.roomName);
    }
    return [...rooms].sort();
  }

  private checkAlive(): void {
    if (this.destroyed) throw new Error('this SignalingAuth was destroyed: create a new one');
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
