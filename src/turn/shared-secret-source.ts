import type { IceServerSource, IceServers } from './ice-servers.js';
import { turnRestCredentials } from './turn-rest-credentials.js';

export interface SharedSecretSourceOptions {
  /** The TURN server's `turn:`/`turns:` URLs. */
  readonly turnUrls: readonly string[];
  /** STUN URLs offered beside them (simple-peer's iceServers replace its defaults, so keep one). */
  readonly stunUrls: readonly string[];
  /** The shared secret, read when needed (Secrets Manager on AWS, through Powertools Parameters). */
  readonly secret: () => Promise<string>;
  readonly ttlSeconds: number;
  readonly now?: () => number;
}

/** TURN credentials signed with the TURN server's shared secret (a coturn of your own, locally `npm start`'s). */
export function sharedSecretSource(options: SharedSecretSourceOptions): IceServerSource {
  const now = options.now ?? Date.now;
  return {
    async iceServers(user: string): Promise<IceServers> {
      const expiresAtSeconds = Math.floor(now() / 1000) + options.ttlSeconds;
      const { username, credential } = turnRestCredentials(await options.secret(), user, expiresAtSeconds);
      return {
        iceServers: [
          ...(options.stunUrls.length > 0 ? [{ urls: [...options.stunUrls] }] : []),
          { urls: [...options.turnUrls], username, credential },
        ],
        expiresAt: expiresAtSeconds * 1000,
      };
    },
  };
}
