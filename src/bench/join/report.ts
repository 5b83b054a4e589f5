import type { JoinRow } from './run.js';

export function joinTable(rows: readonly JoinRow[]): string {
  const header = [
    '| server | peers | synced | every pair direct | room synced p50 / p99 | DynamoDB per joining peer |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const ms = (value: number) => (Number.isNaN(value) ? '–' : `${Math.round(value)} ms`);
  return [
    ...header,
    ...rows.map(
      (row) =>
        `| ${row.target} | ${row.peers} | ${row.synced}/${row.trials} | ${row.direct}/${row.trials} | ${ms(row.syncedMs.p50)} / ${ms(row.syncedMs.p99)} | ` +
        `${row.perJoin ? `${row.perJoin.readUnits.toFixed(1)} RCU, ${row.perJoin.writeUnits.toFixed(1)} WCU, ${row.perJoin.requests.toFixed(1)} requests` : '–'} |`,
    ),
  ].join('\n');
}

/** join.md: the command, the run's settings and the table. */
export function markdownReport(table: string, run: { quick: boolean; trials: number; timeoutMs: number; joinOrder: string }): string {
  return (
    `# bench:join\n\n\`npm run bench:join${run.quick ? ' -- --quick' : ''}\`, ${new Date().toISOString().slice(0, 10)}, ` +
    `${run.trials} trials per row, timeout ${run.timeoutMs} ms, JOIN_ORDER=${run.joinOrder}.\n\n${table}\n`
  );
}
