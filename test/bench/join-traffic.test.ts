import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trafficOf } from '../../src/bench/cost/run.js';
import { startPeer, startSignalingServer, type Peer, type SignalingServer } from '../support/y-webrtc-processes.js';

/**
 * The cost model's traffic per join (src/bench/cost-model.ts), measured: two unmodified
 * y-webrtc providers, each in a Node process of its own (@roamhq/wrtc, no ICE servers), open
 * one room at the same moment through `npm start`'s server, connect over WebRTC and sync.
 * Every frame they send passes a wiretap in front of the server, which counts them by kind;
 * the model's figure must lie within what the trials measured.
 *
 * The count depends on the network interfaces: a peer offers a candidate per address. As root,
 * where `unshare -n` works, server, wiretap and peers share a network namespace shaped like a
 * typical machine, one interface with an IPv4 and an IPv6 address besides loopback (no packet
 * leaves it: the default routes lead nowhere), and the model's figure is checked against it.
 * Elsewhere they run on the host network, whose interfaces are anybody's: the count is printed
 * and its shape checked, not the figure.
 */
const oneInterface = [
  'ip link set lo up',
  'ip link add veth0 type veth peer name veth1',
  'ip addr add 10.213.0.1/24 dev veth0',
  'ip -6 addr add fd00:213::1/64 dev veth0 nodad',
  'ip link set veth0 up',
  'ip link set veth1 up',
  'ip route add default via 10.213.0.2 dev veth0',
  'ip -6 route add default via fd00:213::2 dev veth0',
].join(' && ');
/** Whether that namespace can be made here: as root, where `unshare -n`, veth and IPv6 work. */
const namespace = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'sh', '-c', oneInterface], { stdio: 'ignore', timeout: 5_000 }).status === 0;
/** Host candidates over UDP a peer offers there: 127.0.0.1, ::1, 10.213.0.1 and fd00:213::1. */
const udpCandidatesPerPeer = 4;
const trials = 5;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A WebSocket proxy in a process of its own (in the server's namespace, if it has one): every
 * client gets a connection of its own to the server, frames pass both ways unchanged, and
 * each frame a client sends is printed as `@frame <json>`.
 */
const wiretapScript = `
import { WebSocket, WebSocketServer } from 'ws';
const [target] = process.argv.slice(1);
const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
server.on('listening', () => console.log('@listening ' + server.address().port));
server.on('connection', (client, request) => {
  const upstream = new WebSocket(target + request.url);
  const pending = [];
  client.on('message', (data) => {
    const text = data.toString();
    console.log('@frame ' + JSON.stringify(text));
    if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
    else pending.push(text);
  });
  upstream.on('open', () => { for (const text of pending.splice(0)) upstream.send(text); });
  upstream.on('message', (data) => client.readyState === WebSocket.OPEN && client.send(data.toString()));
  upstream.on('close', () => client.close());
  upstream.on('error', () => client.terminate());
  client.on('close', () => upstream.close());
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

interface Wiretap {
  readonly url: string;
  /** Every frame the clients sent so far, in order. */
  readonly frames: string[];
  stop(): Promise<void>;
}

async function startWiretap(server: SignalingServer): Promise<Wiretap> {
  const script = [process.execPath, '--input-type=module', '-e', wiretapScript, server.url];
  const [command, ...args] = server.networkNamespace ? ['nsenter', `--net=${server.networkNamespace}`, ...script] : script;
  const child: ChildProcess = spawn(command!, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  const frames: string[] = [];
  const errors: string[] = [];
  child.stderr?.on('data', (data: Buffer) => errors.push(data.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<string>((resolve, reject) => {
    // Starting a Node process, not a user's wait.
    const timer = setTimeout(() => reject(new Error(`wiretap did not start: ${errors.join('')}`)), 20_000);
    void exited.then(() => reject(new Error(`wiretap exited: ${errors.join('')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('@frame ')) frames.push(JSON.parse(line.slice('@frame '.length)) as string);
      const listening = /^@listening (\d+)$/.exec(line);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]!);
      }
    });
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    frames,
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface JoinTraffic {
  readonly announces: number;
  readonly offers: number;
  readonly answers: number;
  readonly candidates: number;
  /** Of the candidates, those over UDP; the rest are TCP, which the initiator sometimes adds. */
  readonly udpCandidates: number;
  /** Signals of another kind (simple-peer's renegotiate or transceiverRequest): none expected. */
  readonly otherSignals: number;
  /** Every signal of the pair: offers, answers, candidates and others. */
  readonly signals: number;
}

/** Counts the room's publishes among `frames` by kind. */
function trafficIn(frames: readonly string[], room: string): JoinTraffic {
  const counts = { announces: 0, offers: 0, answers: 0, candidates: 0, udpCandidates: 0, otherSignals: 0 };
  for (const frame of frames) {
    const message = JSON.parse(frame) as { type?: string; topic?: string; data?: { type?: string; signal?: { type?: string; candidate?: { candidate?: string } } } };
    if (message.type !== 'publish' || message.topic !== room) continue;
    if (message.data?.type === 'announce') counts.announces++;
    else if (message.data?.type !== 'signal') throw new Error(`a publish that y-webrtc does not send: ${frame}`);
    else if (message.data.signal?.type === 'offer') counts.offers++;
    else if (message.data.signal?.type === 'answer') counts.answers++;
    else if (message.data.signal?.candidate !== undefined) {
      counts.candidates++;
      if (/^candidate:\S+ \d+ udp /i.test(message.data.signal.candidate.candidate ?? '')) counts.udpCandidates++;
    } else counts.otherSignals++;
  }
  return { ...counts, signals: counts.offers + counts.answers + counts.candidates + counts.otherSignals };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const where = namespace ? 'a namespace with loopback and one dual-stack interface' : 'host network';

describe(`traffic of a real two-peer y-webrtc join (${where})`, () => {
  let server: SignalingServer | undefined;
  let wiretap: Wiretap | undefined;

  beforeAll(async () => {
    server = await startSignalingServer({ namespace, networkSetup: oneInterface });
    wiretap = await startWiretap(server);
  }, 60_000);

  afterAll(async () => {
    await wiretap?.stop();
    await server?.stop();
  }, 40_000);

  /** One join: both peers open a fresh room at once, connect and sync; the room's publishes, counted once no more come. */
  async function join(trial: number): Promise<JoinTraffic> {
    const room = `traffic-${trial}-${randomUUID()}`;
    const peers: Peer[] = [startPeer(`peer A ${trial}`, { ...server!, url: wiretap!.url }, room), startPeer(`peer B ${trial}`, { ...server!, url: wiretap!.url }, room)];
    const [a, b] = peers as [Peer, Peer];
    try {
      // Includes starting the processes (Node, tsx, wrtc), as in y-webrtc-peers.test.ts.
      await Promise.all(peers.map((peer) => peer.until((s) => s.connectedPeers === 1, 'a WebRTC connection', 20_000)));
      a.send({ cmd: 'append', text: 'A' });
      b.send({ cmd: 'append', text: 'B' });
      await Promise.all(peers.map((peer) => peer.until((s) => s.text.includes('A') && s.text.includes('B'), 'both edits')));
      // Candidates may trickle on after the data channel opened: count once the room is quiet.
      let seen = -1;
      while (seen !== wiretap!.frames.length) {
        seen = wiretap!.frames.length;
        await sleep(1_500);
      }
      return trafficIn(wiretap!.frames, room);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${peers.map((peer) => `--- ${peer.name} ---\n${peer.output(12)}`).join('\n')}\n--- server ---\n${server!.output()}`, { cause: error });
    } finally {
      await Promise.all(peers.map((peer) => peer.stop()));
    }
  }

  it(`holds the cost model's signals per pair within what ${trials} joins measured`, async () => {
    const measured: JoinTraffic[] = [];
    for (let trial = 1; trial <= trials; trial++) measured.push(await join(trial));
    console.log(`join traffic (${where}): ${measured.map((t) => JSON.stringify(t)).join('; ')}`);

    for (const traffic of measured) {
      // Each peer announces itself once; the join order makes exactly one of them the initiator.
      expect(traffic.announces).toBe(2);
      expect(traffic.offers).toBe(1);
      expect(traffic.answers).toBe(1);
      expect(traffic.udpCandidates).toBeGreaterThan(0);
      expect(traffic.otherSignals).toBe(0);
      if (namespace) expect(traffic.udpCandidates).toBe(2 * udpCandidatesPerPeer);
    }
    if (!namespace) return;
    // The model: a join publishes an announce and, per peer already in the room, the pair's
    // signals. In a room of two, the second peer's join is that. Every join had the offer, the
    // answer and the UDP candidates; some also the initiator's TCP candidates: the range.
    const room = trafficOf({ connections: 2, rooms: 1, hours: 1, sessionMinutes: 60 });
    const modelSignalsPerPair = room.publishes / room.sessions - 1;
    const least = Math.min(...measured.map((traffic) => traffic.offers + traffic.answers + traffic.udpCandidates));
    const most = Math.max(...measured.map((traffic) => traffic.signals));
    expect(modelSignalsPerPair, `measured ${least} to ${most} signals per pair`).toBeGreaterThanOrEqual(least);
    expect(modelSignalsPerPair, `measured ${least} to ${most} signals per pair`).toBeLessThanOrEqual(most);
  }, 180_000);
});
