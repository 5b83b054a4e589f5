// A y-webrtc peer in Node.js: joins a room through the signaling server, prints the shared
// text whenever it changes, and appends a line of its own if given one.
//
//   node docs/examples/node-peer.mjs ws://127.0.0.1:4444 my-room "hello from Node"
//
// Run a second one (another terminal, or the demo page on the same room) to see them sync.
// Needs the packages ws, @roamhq/wrtc, y-webrtc and yjs (this repository has them).
import wrtc from '@roamhq/wrtc';
import { WebSocket } from 'ws';
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';

const [signalingUrl = 'ws://127.0.0.1:4444', room = 'node-demo', line] = process.argv.slice(2);

// y-webrtc's signaling client uses the global WebSocket, which Node 20 does not have.
globalThis.WebSocket = WebSocket;

const doc = new Y.Doc();
const text = doc.getText('text');
const provider = new WebrtcProvider(room, doc, {
  signaling: [signalingUrl],
  // WebRTC for Node; no STUN server: peers on this machine or network find each other directly.
  peerOpts: { wrtc, config: { iceServers: [] } },
});

provider.on('peers', ({ webrtcPeers }) => console.log(`peers: ${webrtcPeers.length}`));
text.observe(() => console.log(`text: ${JSON.stringify(text.toString())}`));
if (line) text.insert(text.length, `${line}\n`);
console.log(`in room ${JSON.stringify(room)} through ${signalingUrl}; Ctrl-C leaves`);

const leave = () => {
  provider.destroy();
  doc.destroy();
  // y-webrtc keeps its signaling socket open after destroy(): end the process.
  process.exit(0);
};
process.on('SIGINT', leave);
process.on('SIGTERM', leave);
