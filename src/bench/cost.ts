import { parseArgs } from 'node:util';
import { estimateOurs, estimatePredecessor, trafficOf, type Workload } from './cost-model.js';
import { prices } from './prices.js';

const usage = `npm run cost -- --connections N --rooms M [--hours H] [--session-minutes S] [--json]

  --connections      connections open at the same time, on average
  --rooms            rooms they are spread over
  --hours            hours a month at that load (default 730: always)
  --session-minutes  average connection length (default 60, at most 120 on API Gateway)
  --json             print the estimate as JSON`;

function main(): number {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string' },
      rooms: { type: 'string' },
      hours: { type: 'string', default: '730' },
      'session-minutes': { type: 'string', default: '60' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.connections || !values.rooms) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const workload: Workload = {
    connections: number(values.connections, '--connections'),
    rooms: number(values.rooms, '--rooms'),
    hours: number(values.hours, '--hours'),
    sessionMinutes: Math.min(120, number(values['session-minutes'], '--session-minutes')),
  };
  const ours = estimateOurs(workload);
  const predecessor = estimatePredecessor(workload);
  if (values.json) {
    console.log(JSON.stringify({ workload, prices, traffic: trafficOf(workload), ours, predecessor }, null, 2));
    return 0;
  }
  const t = trafficOf(workload);
  console.log(
    `Monthly estimate, ${prices.region}, list prices of ${prices.asOf} (src/bench/prices.ts)\n` +
      `${workload.connections} connections in ${workload.rooms} rooms (${t.peersPerRoom.toFixed(1)} per room), ${workload.hours} h, ` +
      `${workload.sessionMinutes} min sessions: ${fmt(t.sessions)} sessions, ${fmt(t.publishes)} publishes, ${fmt(t.pings)} pings\n`,
  );
  const rows = ours.lines.map((line, index) => {
    const other = predecessor.lines[index]!;
    return `| ${line.item} | ${fmt(line.quantity)} | $${line.usd.toFixed(2)} | ${fmt(other.quantity)} | $${other.usd.toFixed(2)} |`;
  });
  console.log(
    [
      '| item | this design | USD | predecessor | USD |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows,
      `| **total** | | **$${ours.totalUsd.toFixed(2)}** | | **$${predecessor.totalUsd.toFixed(2)}** |`,
    ].join('\n'),
  );
  return 0;
}

function number(raw: string, name: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${name} must be a positive number, got "${raw}"\n\n${usage}`);
    process.exit(2);
  }
  return value;
}

function fmt(value: number): string {
  return value >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value < 10 ? 2 : 0);
}

process.exitCode = main();
