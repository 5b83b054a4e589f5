import type { JoinRow } from './run.js';

/** The server every other row is compared with: y-webrtc's own. */
export const referenceTarget = 'y-webrtc bin/server.js';

export function joinTable(rows: readonly JoinRow[]): string {
  const header = [
    '| server | peers | synced | every pair direct | room synced p50 / p99 | deliveries per joining peer | fewer than bin/server.js | API Gateway messages per joining peer | DynamoDB per joining peer |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const ms = (value: number) => (Number.isNaN(value) ? '–' : `${Math.round(value)} ms`);
  const reference = (peers: number) => rows.find((row) => row.target === referenceTarget && row.peers === peers);
  const ratio = (row: JoinRow) => {
    const theirs = reference(row.peers);
    return !theirs || row === theirs || row.perJoin.deliveries === 0 ? '–' : `${(theirs.perJoin.deliveries / row.perJoin.deliveries).toFixed(1)}×`;
  };
  return [
    ...header,
    ...rows.map((row) => {
      const { deliveries, messages, dynamoDb } = row.perJoin;
      return (
        `| ${row.target} | ${row.peers} | ${row.synced}/${row.trials} | ${row.direct}/${row.trials} | ${ms(row.syncedMs.p50)} / ${ms(row.syncedMs.p99)} | ` +
        `${deliveries.toFixed(1)} | ${ratio(row)} | ${messages.toFixed(1)} | ` +
        `${dynamoDb ? `${dynamoDb.readUnits.toFixed(1)} RCU, ${dynamoDb.writeUnits.toFixed(1)} WCU, ${dynamoDb.requests.toFixed(1)} requests` : '–'} |`
      );
    }),
  ].join('\n');
}

/** join.md: the command, the run's settings and the table. */
export function markdownReport(table: string, run: { quick: boolean; trials: number; timeoutMs: number; joinOrder: string; signalDelivery: string }): string {
  return (
    `# bench:join\n\n\`npm run bench:join${run.quick ? ' -- --quick' : ''}\`, ${new Date().toISOString().slice(0, 10)}, ` +
    `${run.trials} trials per row, timeout up to ${run.timeoutMs} ms, JOIN_ORDER=${run.joinOrder}, SIGNAL_DELIVERY=${run.signalDelivery}. ` +
    'Deliveries are the frames the server sent to clients, API Gateway messages the frames both ways (a proxy in front of each server counts them), ' +
    'per peer that joined, from opening the room until it synced.\n\n' +
    `${table}\n`
  );
}
