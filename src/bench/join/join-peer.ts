/**
 * One y-webrtc peer for `npm run bench:join`, in a process of its own (no BroadcastChannel
 * between peers), driven over stdin, one JSON command a line:
 *   {"cmd":"join","url":"ws://…","room":"…","mark":"…","marks":["…",…]}
 *       open a fresh Y.Doc and WebrtcProvider on the room and type `mark`; report
 *       {"type":"synced","room","ms"} once the text holds every mark of `marks`, and
 *       {"type":"direct","room","ms"} once it has a WebRTC connection open to every other peer
 * It reports {"type":"ready"} once started. Reports are JSON lines on stdout prefixed with
 * `@peer `. stdin closing ends the process. One process serves one room: y-webrtc keeps
 * state per process (its signaling connections, and rooms that re-announce as their WebRTC
 * connections close) that would leak into the next room.
 */
import { createInterface } from 'node:readline';
import wrtc from '@roamhq/wrtc';
import { WebSocket } from 'ws';
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';

export const joinPeerReportPrefix = '@peer ';

export type JoinPeerCommand = { readonly cmd: 'join'; readonly url: string; readonly room: string; readonly mark: string; readonly marks: readonly string[] };

export type JoinPeerReport =
  | { readonly type: 'synced' | 'direct'; readonly room: string; readonly ms: number }
  | { readonly type: 'ready' }
  | { readonly type: 'error'; readonly message: string };

if (process.argv[1]?.endsWith('join-peer.ts')) run();

function run(): void {
  // y-webrtc's signaling client (lib0) uses the global WebSocket, which Node 20 lacks.
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
  const report = (message: JoinPeerReport) => process.stdout.write(`${joinPeerReportPrefix}${JSON.stringify(message)}\n`);
  let current: { provider: WebrtcProvider; doc: Y.Doc; poll: NodeJS.Timeout } | undefined;

  const leave = () => {
    if (!current) return;
    clearInterval(current.poll);
    // destroy() alone leaves the signaling connection open (y-webrtc 10.3), and the next room
    // would then be announced on it too: disconnect() closes it once no provider uses it.
    current.provider.disconnect();
    current.provider.destroy();
    current.doc.destroy();
    current = undefined;
  };

  const join = (command: Extract<JoinPeerCommand, { cmd: 'join' }>) => {
    leave();
    const started = performance.now();
    const doc = new Y.Doc();
    const text = doc.getText('text');
    const provider = new WebrtcProvider(command.room, doc, {
      signaling: [command.url],
      // No STUN/TURN: host candidates only, nothing leaves the machine.
      peerOpts: { wrtc, config: { iceServers: [] } },
    });
    text.insert(0, command.mark);
    if (process.env['JOIN_PEER_DEBUG']) {
      for (const conn of provider.signalingConns) {
        conn.on('message', (m: { type?: string; topic?: string; clients?: number; data?: { type?: string; from?: string; to?: string; signal?: { type?: string } } }) => {
          if (current?.provider === provider && m.topic === command.room) {
            console.error(`${command.room.slice(-4)} [${provider.room?.peerId.slice(0, 4)}] got ${m.data?.type} from ${m.data?.from?.slice(0, 4)} to ${m.data?.to?.slice(0, 4)} ${m.data?.signal?.type ?? ''} clients ${m.clients}`);
          }
        });
      }
      provider.on('peers', (e: unknown) => console.error(`[${provider.room?.peerId.slice(0, 4)}] peers ${JSON.stringify(e)}`));
    }
    let synced = false;
    let direct = false;
    const check = () => {
      const ms = Math.round(performance.now() - started);
      if (!synced && command.marks.every((mark) => text.toString().includes(mark))) {
        synced = true;
        report({ type: 'synced', room: command.room, ms });
      }
      const open = [...(provider.room?.webrtcConns.values() ?? [])].filter((conn) => conn.connected).length;
      if (!direct && open >= command.marks.length - 1) {
        direct = true;
        report({ type: 'direct', room: command.room, ms });
      }
    };
    text.observe(check);
    // Connection flags change without an event of their own.
    current = { provider, doc, poll: setInterval(check, 20) };
  };

  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    if (line.trim() === '') return;
    try {
      join(JSON.parse(line) as JoinPeerCommand);
    } catch (error) {
      report({ type: 'error', message: String(error) });
    }
  });
  report({ type: 'ready' });
  input.on('close', () => {
    leave();
    setTimeout(() => process.exit(0), 200).unref();
  });
}
