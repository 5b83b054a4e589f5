import { prices } from './prices.js';
import { pingsPerMinute, signalsPerPair, trafficOf, type Estimate, type Workload } from './run.js';
import type { TurnEstimate, TurnWorkload } from './turn.js';

const columnOf: Record<Estimate['design'], string> = {
  ours: 'this design',
  'ours, whole-room signals': 'whole-room signals (SIGNAL_DELIVERY=room)',
  predecessor: 'predecessor',
};

/** The workload and traffic in a few lines, then the estimates side by side, as markdown. */
export function costReport(workload: Workload, estimates: readonly Estimate[]): string {
  const t = trafficOf(workload);
  const heading =
    `Monthly estimate, ${prices.region}, list prices of ${prices.asOf} (src/bench/cost/prices.ts)\n` +
    `${workload.connections} connections in ${workload.rooms} rooms (${t.peersPerRoom.toFixed(1)} per room), ${workload.hours} h, ` +
    `${workload.sessionMinutes} min sessions: ${fmt(t.sessions)} sessions, ${fmt(t.publishes)} publishes, ${fmt(t.deliveries)} deliveries, ${fmt(t.pings)} pings\n` +
    `Where these come from: sessions = connections × minutes ÷ session minutes; every session joins once, and a join publishes ` +
    `1 announce plus ${signalsPerPair} signals (offer, answer, ICE candidates) per peer already in the room: ` +
    `publishes = sessions × (1 + ${signalsPerPair} × (${t.peersPerRoom.toFixed(1)} − 1)). ${signalsPerPair} per pair is what real y-webrtc joins sent ` +
    `(test/bench/join-traffic.test.ts measures it); y-webrtc pings every ${60 / pingsPerMinute} s.\n`;
  const rows = estimates[0]!.lines.map(
    (line, index) =>
      `| ${line.item} | ${estimates.map((estimate) => `${fmt(estimate.lines[index]!.quantity)} ${estimate.lines[index]!.unit} | $${estimate.lines[index]!.usd.toFixed(2)}`).join(' | ')} |`,
  );
  const table = [
    `| item | ${estimates.map((estimate) => `${columnOf[estimate.design]} | USD`).join(' | ')} |`,
    `| --- | ${estimates.map(() => '---: | ---:').join(' | ')} |`,
    ...rows,
    `| **total** | ${estimates.map((estimate) => `| **$${estimate.totalUsd.toFixed(2)}**`).join(' | ')} |`,
  ].join('\n');
  const [ours, wholeRoom] = estimates;
  const saving =
    ours && wholeRoom && wholeRoom.design === 'ours, whole-room signals'
      ? `\nDirected signals save $${(wholeRoom.totalUsd - ours.totalUsd).toFixed(2)} a month here (${(100 * (1 - ours.totalUsd / wholeRoom.totalUsd)).toFixed(0)} %).\n`
      : '';
  return `${heading}\n${table}\n${saving}`;
}

const sourceColumn: Record<TurnEstimate['source'], string> = { 'kinesis-video': 'Kinesis Video Streams TURN', 'shared-secret': 'your coturn (shared secret)' };

/** TURN on top of signaling, when the construct serves ICE servers: each source's lines, as markdown. */
export function turnReport(turn: TurnWorkload, estimates: readonly TurnEstimate[]): string {
  const heading =
    `TURN, with \`iceServers\` on (docs/deploy.md, "TURN"): ${(turn.relayedShare * 100).toFixed(0)} % of peer connections relayed ` +
    `at ${turn.relayKbps} kbit/s, ${turn.channels} Kinesis Video channel${turn.channels === 1 ? '' : 's'}. ` +
    'A TURN server of your own costs its instance on top (not counted).\n';
  const table = estimates.map((estimate) =>
    [
      `| ${sourceColumn[estimate.source]} | | USD |`,
      '| --- | ---: | ---: |',
      ...estimate.lines.map((line) => `| ${line.item} | ${fmt(line.quantity)} ${line.unit} | $${line.usd.toFixed(2)} |`),
      `| **total** | | **$${estimate.totalUsd.toFixed(2)}** |`,
    ].join('\n'),
  );
  return `${heading}\n${table.join('\n\n')}\n`;
}

function fmt(value: number): string {
  return value >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value < 10 ? 2 : 0);
}
