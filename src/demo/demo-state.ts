/** What the demo page shows, readable as `yDemo.state()` in its console (and by the browser tests). */
export interface DemoState {
  readonly room: string;
  /** The signaling URL in use, token masked. */
  readonly signalingUrl: string;
  readonly signaling: 'connecting' | 'connected' | 'disconnected';
  /** How often a signaling connection has opened: 1 until the first reconnect. */
  readonly signalingOpened: number;
  /** TURN credentials from the server's ICE servers endpoint are in use (npm start with LOCAL_TURN=coturn). */
  readonly turn: boolean;
  /** The server has routed a message of this room to the page, so it has the page's subscription. */
  readonly inRoom: boolean;
  /** Peers with an open WebRTC data channel. */
  readonly peers: number;
  /** Other tabs of this browser, reached over BroadcastChannel. */
  readonly tabs: number;
  /** A room password is in use. */
  readonly encrypted: boolean;
  readonly text: string;
  /** Why the page is not connected or not in its room, in words, with what to do; absent when all is well. */
  readonly problem?: string;
}

/**
 * What the local server says of a connection the page would open (GET /connect-check?token=&room=):
 * the decision of its `$connect` authorizer, and whether the token's rooms include the room.
 * The browser cannot see why a WebSocket handshake was refused; this tells it.
 */
export type ConnectionCheck =
  | { readonly status: 200; readonly roomAllowed: boolean; readonly rooms: 'any' | readonly string[] }
  | { readonly status: 401 | 403; readonly reason: string };
