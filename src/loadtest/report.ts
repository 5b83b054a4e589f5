import type { CutReport } from './cut-watch.js';
import type { LoadTestReport } from './run.js';

export function markdownReport(report: LoadTestReport, threshold: number): string {
  const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : value.toFixed(1));
  const kinds = Object.entries(report.errorsByKind).map(([kind, count]) => `| ${kind} | ${count} |`);
  return `# Load test

| setting | value |
| --- | --- |
| target | ${report.url} |
| clients | ${report.clients} in ${report.rooms} rooms |
| duration | ${report.interrupted ? `${report.ranSeconds.toFixed(0)} of ${report.durationSeconds} s (interrupted)` : `${report.durationSeconds} s`} |

| result | value |
| --- | --- |
| connections made | ${report.connections} (peak ${report.peakConnected} at once): each client leaves after about ${report.sessionSeconds} s (--session) and rejoins as a new peer |
| frames sent / received | ${report.sent} / ${report.received} |
| delivery latency p50 / p99 / max | ${ms(report.latency.p50)} / ${ms(report.latency.p99)} / ${ms(report.latency.max)} ms (${report.latency.count} deliveries) |
| errors | ${report.errors} (${(report.errorRate * 100).toFixed(3)} % of frames sent; threshold ${(threshold * 100).toFixed(3)} %) |
| saturation | ${saturationLine(report)} |
${kinds.length > 0 ? `\n| error | count |\n| --- | --- |\n${kinds.join('\n')}\n` : ''}${report.cut ? cutSection(report.cut) : ''}`;
}

function cutSection(cut: CutReport): string {
  const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : value.toFixed(0));
  const when = cut.spreadSeconds > 0 ? `at ${cut.atSeconds} s, spread over ${cut.spreadSeconds} s` : `at ${cut.atSeconds} s, all at once`;
  return `
## Every connection cut (${when})

| result | value |
| --- | --- |
| reconnects | ${cut.reconnects} (peak ${cut.peakReconnectsPerSecond} in one second) |
| rooms whole again (every member back in it), p50 / p99 / max | ${ms(cut.wholeAgainMs.p50)} / ${ms(cut.wholeAgainMs.p99)} / ${ms(cut.wholeAgainMs.max)} ms after the room's first cut (${cut.rooms} rooms${cut.roomsNotWhole > 0 ? `; **${cut.roomsNotWhole} not whole by the end**` : ''}) |
| each client back in its room, p50 / p99 / max | ${ms(cut.backInRoomMs.p50)} / ${ms(cut.backInRoomMs.p99)} / ${ms(cut.backInRoomMs.max)} ms after its own cut |
| frames sent per reconnect | ${cut.framesSentPerReconnect.toFixed(1)} (by each client from its cut until the last room was whole: 2 are its subscribe and announce; more means handshakes, pings or churn) |
| DynamoDB per reconnect | ${cut.dynamoDb ? `${cut.dynamoDb.requestsPerReconnect.toFixed(1)} requests, ${cut.dynamoDb.capacityUnitsPerReconnect.toFixed(1)} capacity units (estimated; until 5 s after the last room was whole, cleanup included; churn in that window too: a long --session leaves it out)` : 'not measured (the local runtime in sources mode reports it)'} |
`;
}

function saturationLine({ saturation }: LoadTestReport): string {
  const peak = `p50 up to ${saturation.peakP50Ms.toFixed(0)} ms`;
  if (saturation.saturated) {
    return `**saturated**: behind since ${saturation.sinceSeconds?.toFixed(0)} s and still at the end (${peak}); the server cannot hold this load`;
  }
  if (saturation.behindSeconds > 0) return `held: fell behind for ${saturation.behindSeconds.toFixed(0)} s (${peak}, e.g. a burst of joins) and caught up`;
  return 'none: delivery latency held';
}
