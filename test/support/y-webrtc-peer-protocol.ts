/** What the test and test/e2e/fixtures/y-webrtc-peer.ts say to each other, one JSON a line. */

/** Prefix of the peer's report lines on stdout; anything else there is ordinary output. */
export const reportPrefix = '@peer ';

export interface PeerState {
  readonly type: 'state';
  /** The provider's own peer id in the room. */
  readonly peerId: string;
  /** The shared Y.Text "text". */
  readonly text: string;
  /** `provider.room.webrtcConns.size`: WebRTC connections made or being made. */
  readonly webrtcConns: number;
  /** Of those, the ones whose data channel is open. */
  readonly connectedPeers: number;
  /** Peer ids of the open ones, sorted. */
  readonly connectedPeerIds: readonly string[];
  /** Whether the provider reports itself synced with every connected peer. */
  readonly synced: boolean;
  readonly signalingConnected: boolean;
  /**
   * Whether the server has sent the peer's own announce back to it: the server has handled
   * its subscribe and its announce, so a peer that joins later is not announced to.
   */
  readonly ownAnnounceEchoed: boolean;
  /** How often a signaling connection has opened: 1 until the first reconnect. */
  readonly signalingOpened: number;
}

export interface PeerError {
  readonly type: 'error';
  readonly message: string;
}

export type PeerReport = PeerState | PeerError;

export type PeerCommand =
  | { readonly cmd: 'insert'; readonly index: number; readonly text: string }
  | { readonly cmd: 'append'; readonly text: string }
  | { readonly cmd: 'state' }
  | { readonly cmd: 'stop' };
