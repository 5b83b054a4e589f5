/**
 * What the ICE servers endpoint answers: `RTCIceServer`s in the shape y-webrtc passes on to
 * simple-peer (`peerOpts: { config: { iceServers } }`), and when their credentials expire.
 */
export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

export interface IceServers {
  readonly iceServers: readonly IceServer[];
  /** Milliseconds since the epoch: fetch again before this. */
  readonly expiresAt: number;
}

/** Where TURN credentials come from: a TURN server of your own, or Kinesis Video Streams. */
export interface IceServerSource {
  /** ICE servers for `user`, valid for about `ttlSeconds` (the source may give less). */
  iceServers(user: string): Promise<IceServers>;
}
