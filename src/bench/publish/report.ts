import type { FanOutMeasurement } from './run.js';

export function publishTable(rows: readonly FanOutMeasurement[]): string {
  const lines = ['| R | server | p50 ms | p99 ms | ratio p50 | DynamoDB Queries / publish | read CU / publish | handler p50 ms | handler p99 ms |', '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const row of rows) {
    const reference = rows.find((other) => other.receivers === row.receivers && other !== row && !('dynamoRequests' in other.extra));
    const ratio = reference && 'dynamoRequests' in row.extra ? `${(row.p50Ms / reference.p50Ms).toFixed(1)}×` : '';
    const x = row.extra;
    const cell = (key: string, digits = 1) => (key in x ? x[key]!.toFixed(digits) : '');
    lines.push(`| ${row.receivers} | ${row.server} | ${row.p50Ms.toFixed(1)} | ${row.p99Ms.toFixed(1)} | ${ratio} | ${cell('dynamoRequests', 2)} | ${cell('readUnits', 2)} | ${cell('handlerP50Ms')} | ${cell('handlerP99Ms')} |`);
  }
  return lines.join('\n');
}

/** publish.md: how the figures were measured, and the table. */
export function markdownReport(table: string, publishes: number, quick: boolean): string {
  return `# Publish fan-out

Written by \`npm run bench:publish${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}: ${publishes} publishes per row, one after
the other, from a client that is not subscribed, to R subscribers; latency from the send to
the moment the last subscriber has the message. Both servers run on this machine in the same
run. See docs/performance.md for what the difference means on AWS.

${table}
`;
}
