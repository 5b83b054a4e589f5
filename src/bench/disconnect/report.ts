import { logLogChart } from '../../tools/svg-chart.js';
import { modelMinimumUnits, type DisconnectMeasurement } from './run.js';

export interface TargetCheck {
  readonly target: string;
  readonly holds: boolean;
  readonly detail: string;
}

/** The bench's claims: our cost is flat and minimal; the predecessor's grows until it is 10× (T = 10 000) and 100× (T = 100 000) ours. */
export function checkTargets(results: readonly DisconnectMeasurement[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const topicCounts = [...new Set(results.map((row) => row.topics))];
  for (const topics of topicCounts) {
    const ours = results.filter((row) => row.design === 'ours' && row.topics === topics);
    const units = ours.map((row) => row.capacityUnits);
    const low = Math.min(...units);
    const high = Math.max(...units);
    checks.push({
      target: `ours flat within ±10 % across T (k=${topics})`,
      holds: high <= low * 1.1,
      detail: `${low}–${high} CU`,
    });
    const minimum = modelMinimumUnits(topics);
    checks.push({
      target: `ours at the model minimum ${minimum} CU (k=${topics})`,
      holds: units.every((value) => Math.abs(value - minimum) < 1e-9),
      detail: units.join(', '),
    });
  }
  for (const [tableSize, factor] of [
    [10_000, 10],
    [100_000, 100],
  ] as const) {
    const ours = results.find((row) => row.design === 'ours' && row.tableSize === tableSize && row.topics === 1);
    const predecessor = results.find((row) => row.design === 'predecessor' && row.tableSize === tableSize && row.topics === 1);
    if (!ours || !predecessor) continue;
    const ratio = predecessor.capacityUnits / ours.capacityUnits;
    checks.push({
      target: `predecessor ≥ ${factor}× ours at T=${tableSize} (k=1)`,
      holds: ratio >= factor,
      detail: `${ratio.toFixed(1)}×`,
    });
  }
  return checks;
}

export function resultTable(results: readonly DisconnectMeasurement[]): string {
  const header = '| T | k | design | requests | read CU | write CU (of which gsi1) | total CU | ratio | ms |';
  const rule = '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |';
  const rows = results.map((row) => {
    const ours = results.find((other) => other.design === 'ours' && other.tableSize === row.tableSize && other.topics === row.topics)!;
    const ratio = row.design === 'predecessor' ? `${(row.capacityUnits / ours.capacityUnits).toFixed(1)}×` : '';
    return `| ${row.tableSize} | ${row.topics} | ${row.design} | ${round(row.requests)} | ${round(row.readUnits)} | ${round(row.writeUnits)} (${round(row.indexWriteUnits)}) | ${round(row.capacityUnits)} | ${ratio} | ${row.milliseconds.toFixed(1)} |`;
  });
  return [header, rule, ...rows].join('\n');
}

export function checksTable(checks: readonly TargetCheck[]): string {
  return ['| target | holds | measured |', '| --- | --- | --- |', ...checks.map((c) => `| ${c.target} | ${c.holds ? 'yes' : '**no**'} | ${c.detail} |`)].join('\n');
}

export function disconnectChart(results: readonly DisconnectMeasurement[]): string {
  const topicCounts = [...new Set(results.map((row) => row.topics))];
  const series = topicCounts.flatMap((topics) =>
    (['ours', 'predecessor'] as const).map((design) => ({
      name: `${design === 'ours' ? 'this design' : 'predecessor (Scan)'}, k=${topics}`,
      dashed: topics !== topicCounts[0],
      colour: design === 'ours' ? '#1b7f3b' : '#c0392b',
      points: results.filter((row) => row.design === design && row.topics === topics).map((row) => [row.tableSize, row.capacityUnits] as const),
    })),
  );
  return logLogChart({
    title: 'Capacity units per disconnect (with cleanup)',
    xLabel: 'subscriptions of other connections in the table (T)',
    yLabel: 'read + write capacity units',
    series,
  });
}

/** disconnect.md: how the figures were measured, the chart, the table and the checks. */
export function markdownReport(table: string, checks: readonly TargetCheck[], run: { peersPerRoom: number; repetitions: number; quick: boolean }): string {
  return `# Disconnect cost against table size

Written by \`npm run bench:disconnect${run.quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)} (DynamoDB Local,
other connections in rooms of ${run.peersPerRoom}, mean of ${run.repetitions} disconnects per row). T is the number of
subscriptions of *other* connections in the table; k the topics of the connection that disconnects.
Capacity units are what DynamoDB reported with \`ReturnConsumedCapacity: 'INDEXES'\`.

- **this design**: \`DeleteItem\` of the connection item (the disconnect function), then the
  cleanup's \`Query\` on gsi1 and \`BatchWriteItem\` deletes of its subscriptions.
- **predecessor**: one item per topic holding a string set of connection ids; the disconnect
  \`Scan\`s every page of the table for the connection's topics and sends one \`UpdateItem\`
  (\`DELETE receivers\`) per topic found.

![capacity units per disconnect](disconnect.svg)

${table}

${checksTable(checks)}
`;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
