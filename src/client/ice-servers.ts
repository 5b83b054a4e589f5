import type { TokenResult } from './signaling-token.js';
import type { TokenFailure } from './token-source.js';

/** An `RTCIceServer`, as the stack's ICE servers endpoint returns it. */
export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

/** What the endpoint answers: the servers, and when their credentials expire (ms since the epoch). */
export interface IceServersResponse {
  readonly iceServers: readonly IceServer[];
  readonly expiresAt: number;
}

/** A y-webrtc provider as far as ICE servers go: y-webrtc reads `peerOpts` for every new peer connection. */
export interface ProviderWithPeerOpts {
  peerOpts: { config?: Record<string, unknown>; [option: string]: unknown };
}

export interface IceServersOptions {
  /** The stack's ICE servers endpoint (its `IceServersUrl` output; `npm start`: http://127.0.0.1:4444/ice-servers). */
  readonly url: string;
  /** The room the peer connections are for: the endpoint checks the token's room scope against it. */
  readonly room: string;
  /** The signaling token, when the endpoint checks one: the same function as `SignalingAuth`'s. */
  readonly getToken?: (request: { readonly rooms: readonly string[] }) => Promise<TokenResult>;
  /** Told of every failed refresh; it is retried. Default: `console.error`. */
  readonly onError?: (failure: TokenFailure) => void;
  /** Fetch anew this long before the credentials expire (default: a fifth of their life, at most 60 s). */
  readonly refreshBeforeMs?: number;
}

export class IceServersError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One GET of the endpoint; throws `IceServersError` with the endpoint's reason when it refuses. */
export async function fetchIceServers(options: Pick<IceServersOptions, 'url' | 'room' | 'getToken'>): Promise<IceServersResponse> {
  // Relative to the page in a browser (`/ice-servers`); absolute in Node.
  const url = new URL(options.url, (globalThis as { location?: { href: string } }).location?.href);
  url.searchParams.set('room', options.room);
  const headers: Record<string, string> = {};
  if (options.getToken) {
    const result = await options.getToken({ rooms: [options.room] });
    headers['authorization'] = `Bearer ${typeof result === 'string' ? result : result.token}`;
  }
  const response = await fetch(url, { headers });
  const body = (await response.json().catch(() => ({}))) as Partial<IceServersResponse> & { error?: string };
  if (!response.ok) throw new IceServersError(response.status, `${url.origin}${url.pathname} answered ${response.status}: ${body.error ?? response.statusText}`);
  if (!Array.isArray(body.iceServers) || typeof body.expiresAt !== 'number') throw new IceServersError(response.status, `${url.pathname} answered no ICE servers`);
  return { iceServers: body.iceServers, expiresAt: body.expiresAt };
}

/**
 * ICE servers with short-lived TURN credentials for y-webrtc providers: fetched before the
 * provider is made (`await IceServersRefresher.start(…)`, then `peerOpts: refresher.peerOpts()`),
 * and fetched again before they expire, into every provider attached. y-webrtc reads
 * `provider.peerOpts` for each new peer connection; connections already up keep theirs.
 */
export class IceServersRefresher {
  private current: IceServersResponse;
  private readonly providers = new Set<ProviderWithPeerOpts>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  private constructor(
    private readonly options: IceServersOptions,
    first: IceServersResponse,
  ) {
    this.current = first;
    this.schedule();
  }

  /** Fetches the first servers; rejects with the endpoint's reason when it refuses (a bad token, a room out of scope). */
  static async start(options: IceServersOptions): Promise<IceServersRefresher> {
    return new IceServersRefresher(options, await fetchIceServers(options));
  }

  get iceServers(): readonly IceServer[] {
    return this.current.iceServers;
  }

  get expiresAt(): number {
    return this.current.expiresAt;
  }

  /** `peerOpts` for a new provider: these ICE servers, with any other RTCPeerConnection settings (e.g. `iceTransportPolicy`). */
  peerOpts(config: Record<string, unknown> = {}): { config: Record<string, unknown> } {
    return { config: { ...config, iceServers: this.current.iceServers } };
  }

  /** Keeps the provider's ICE servers current until the returned function or `destroy()` is called. */
  attach(provider: ProviderWithPeerOpts): () => void {
    this.providers.add(provider);
    this.apply(provider);
    return () => this.providers.delete(provider);
  }

  destroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.providers.clear();
  }

  private apply(provider: ProviderWithPeerOpts): void {
    provider.peerOpts = { ...provider.peerOpts, config: { ...provider.peerOpts.config, iceServers: this.current.iceServers } };
  }

  private schedule(attempt = 0, retryInMs = 0): void {
    if (this.stopped) return;
    const life = this.current.expiresAt - Date.now();
    const before = this.options.refreshBeforeMs ?? Math.min(60_000, life / 5);
    this.timer = setTimeout(() => void this.refresh(attempt), attempt > 0 ? retryInMs : Math.max(0, life - before));
  }

  private async refresh(attempt: number): Promise<void> {
    try {
      this.current = await fetchIceServers(this.options);
      for (const provider of this.providers) this.apply(provider);
      this.schedule();
    } catch (error) {
      if (this.stopped) return;
      const next = attempt + 1;
      // Jittered exponential backoff: pages that failed together do not retry together.
      const retryInMs = Math.round(Math.min(30_000, 1_000 * 2 ** attempt) * (0.5 + Math.random() / 2));
      const report = this.options.onError ?? ((failure: TokenFailure) => console.error('y-webrtc ICE servers: refresh failed; retrying:', failure.error));
      report({ error, attempt: next, retryInMs });
      this.schedule(next, retryInMs);
    }
  }
}
