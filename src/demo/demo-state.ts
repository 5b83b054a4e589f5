/** What the demo page shows, readable as `yDemo.state()` in its console (and by the browser tests). */
export interface DemoState {
  readonly room: string;
  /** The signaling URL in use, token masked. */
  readonly signalingUrl: string;
  readonly signaling: 'connecting' | 'connected' | 'disconnected';
  /** The server has routed a message of this room to the page, so it has the page's subscription. */
  readonly inRoom: boolean;
  /** Peers with an open WebRTC data channel. */
  readonly peers: number;
  /** Other tabs of this browser, reached over BroadcastChannel. */
  readonly tabs: number;
  /** A room password is in use. */
  readonly encrypted: boolean;
  readonly text: string;
}
