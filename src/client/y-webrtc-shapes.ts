/**
 * The parts of y-webrtc this module reads and sets, written down as shapes so that the client
 * module has no dependency on y-webrtc's code or types (it works with the copy the app has).
 * y-webrtc 10 keeps one `SignalingConn` per URL for the whole page, shared by every provider
 * that names that URL; it is a lib0 `WebsocketClient`, which reads `shouldConnect` and `url`
 * each time it (re)connects.
 */
export interface SignalingConnection {
  url: string;
  shouldConnect: boolean;
  readonly connected: boolean;
  readonly ws: { close(): void } | null;
  /** The providers that use the connection; y-webrtc removes one on its `disconnect()`. */
  readonly providers: ReadonlySet<SignalingProvider>;
  connect(): void;
  destroy(): void;
  on(event: 'connect' | 'disconnect', listener: () => void): void;
  off(event: 'connect' | 'disconnect', listener: () => void): void;
}

/** A y-webrtc `WebrtcProvider`, as far as this module uses it. */
export interface SignalingProvider {
  readonly roomName: string;
  readonly signalingConns: readonly SignalingConnection[];
}
