import { prices } from './prices.js';
import { trafficOf, type Estimate, type Workload } from './run.js';

/** The workload and traffic in a few lines, then both estimates side by side, as markdown. */
export function costReport(workload: Workload, ours: Estimate, predecessor: Estimate): string {
  const t = trafficOf(workload);
  const heading =
    `Monthly estimate, ${prices.region}, list prices of ${prices.asOf} (src/bench/cost/prices.ts)\n` +
    `${workload.connections} connections in ${workload.rooms} rooms (${t.peersPerRoom.toFixed(1)} per room), ${workload.hours} h, ` +
    `${workload.sessionMinutes} min sessions: ${fmt(t.sessions)} sessions, ${fmt(t.publishes)} publishes, ${fmt(t.pings)} pings\n`;
  const rows = ours.lines.map((line, index) => {
    const other = predecessor.lines[index]!;
    return `| ${line.item} | ${fmt(line.quantity)} | $${line.usd.toFixed(2)} | ${fmt(other.quantity)} | $${other.usd.toFixed(2)} |`;
  });
  const table = [
    '| item | this design | USD | predecessor | USD |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    `| **total** | | **$${ours.totalUsd.toFixed(2)}** | | **$${predecessor.totalUsd.toFixed(2)}** |`,
  ].join('\n');
  return `${heading}\n${table}`;
}

function fmt(value: number): string {
  return value >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value < 10 ? 2 : 0);
}
