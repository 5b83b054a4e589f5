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
| saturation | ${report.saturation ? `**saturated**: delivery p50 rose from ${ms(report.saturation.p50FromMs)} to ${ms(report.saturation.p50ToMs)} ms from ${report.saturation.sinceSeconds.toFixed(0)} s on; the server could not keep up with this load` : 'none: delivery latency held'} |
${kinds.length > 0 ? `\n| error | count |\n| --- | --- |\n${kinds.join('\n')}\n` : ''}`;
}
