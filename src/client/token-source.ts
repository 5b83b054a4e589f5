import { signalingToken, type SignalingToken, type TokenResult } from './signaling-token.js';

/** What `getToken()` is told: the rooms of the providers that will present the token. */
export interface TokenRequest {
  readonly rooms: readonly string[];
}

/** A failed `getToken()`: the error, which attempt it was, and when the next one starts. */
export interface TokenFailure {
  readonly error: unknown;
  readonly attempt: number;
  readonly retryInMs: number;
}

export interface TokenSourceOptions {
  readonly getToken: (request: TokenRequest) => Promise<TokenResult>;
  readonly onError: (failure: TokenFailure) => void;
  /** A token is fetched anew when less than this is left of it. */
  readonly minimumValidityMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export class TokenSourceStopped extends Error {
  constructor() {
    super('the signaling auth was destroyed');
  }
}

/**
 * Fetches tokens: one `getToken()` at a time however many connections ask, a failed one
 * retried with jittered exponential backoff and every failure reported.
 */
export class TokenSource {
  private latest: SignalingToken | undefined;
  private pending: Promise<SignalingToken> | undefined;
  private stopped = false;
  private readonly wakers = new Set<() => void>();

  constructor(private readonly options: TokenSourceOptions) {}

  /** Whether `token` may still be presented: it has an expiry, and enough of it is left. */
  lastsLongEnough(token: SignalingToken | undefined): token is SignalingToken {
    return token?.expiresAt !== undefined && token.expiresAt - Date.now() > this.options.minimumValidityMs;
  }

  /** A token other than `used`, fresh enough to present: the latest one if it is, else a new one. */
  fresh(request: TokenRequest, used?: SignalingToken): Promise<SignalingToken> {
    if (this.latest !== used && this.lastsLongEnough(this.latest)) return Promise.resolve(this.latest);
    this.pending ??= this.fetchUntilDone(request).finally(() => (this.pending = undefined));
    return this.pending;
  }

  stop(): void {
    this.stopped = true;
    for (const wake of this.wakers) wake();
  }

  private async fetchUntilDone(request: TokenRequest): Promise<SignalingToken> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) throw new TokenSourceStopped();
      try {
        const token = signalingToken(await this.options.getToken(request));
        if (token.expiresAt !== undefined && token.expiresAt <= Date.now()) {
          throw new Error(`getToken() returned a token that expired at ${new Date(token.expiresAt).toISOString()}`);
        }
        this.latest = token;
        return token;
      } catch (error) {
        if (this.stopped) throw new TokenSourceStopped();
        const retryInMs = this.backoff(attempt);
        this.options.onError({ error, attempt, retryInMs });
        await this.sleep(retryInMs);
      }
    }
  }

  /** Full jitter: clients that failed together do not retry together. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}
