import { defineCli } from '../../tools/cli.js';
import { prices } from './prices.js';
import { costReport, turnReport } from './report.js';
import { estimateOurs, estimatePredecessor, trafficOf, type Workload } from './run.js';
import { estimateTurn, type TurnWorkload } from './turn.js';

const cli = defineCli({
  synopsis: 'npm run cost -- --connections N --rooms M [--hours H] [--session-minutes S] [--relayed-share F] [--relay-kbps K] [--turn-channels C] [--json]',
  options: {
    connections: { type: 'number', above: 0, required: true, description: 'connections open at the same time, on average' },
    rooms: { type: 'number', above: 0, required: true, description: 'rooms they are spread over' },
    hours: { type: 'number', above: 0, default: 730, description: 'hours a month at that load (default 730: always)' },
    'session-minutes': { type: 'number', above: 0, default: 60, description: 'average connection length (default 60, at most 120 on API Gateway)' },
    'relayed-share': { type: 'number', min: 0, max: 1, default: 0.15, description: 'TURN: share of peer connections only a relay connects (default 0.15)' },
    'relay-kbps': { type: 'number', above: 0, default: 8, description: 'TURN: kbit/s a relayed y-webrtc connection carries (default 8)' },
    'turn-channels': { type: 'integer', min: 1, max: 100, default: 1, description: 'TURN: Kinesis Video signaling channels in the pool (default 1)' },
    json: { type: 'boolean', description: 'print the estimate as JSON' },
  },
});

function main(): number {
  const parsed = cli.parse(process.argv.slice(2));
  if (!parsed.ok) return parsed.exitCode;
  const { values } = parsed;
  const workload: Workload = {
    connections: values.connections,
    rooms: values.rooms,
    hours: values.hours,
    sessionMinutes: Math.min(120, values['session-minutes']),
  };
  const ours = estimateOurs(workload);
  const wholeRoom = estimateOurs({ ...workload, signalDelivery: 'room' });
  const predecessor = estimatePredecessor(workload);
  const turnWorkload: TurnWorkload = { relayedShare: values['relayed-share'], relayKbps: values['relay-kbps'], channels: values['turn-channels'] };
  const turn = estimateTurn(workload, turnWorkload);
  if (values.json) {
    console.log(JSON.stringify({ workload, prices, traffic: trafficOf(workload), ours, wholeRoom, predecessor, turn: { workload: turnWorkload, estimates: turn } }, null, 2));
    return 0;
  }
  console.log(costReport(workload, [ours, wholeRoom, predecessor]));
  console.log(turnReport(turnWorkload, turn));
  return 0;
}

process.exitCode = main();
