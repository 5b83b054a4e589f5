import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardRows, localMetricNames, localPanels, sharedSeries } from '../../src/config/dashboard-panels.js';
import { iceServersOutcomes, metricNames } from '../../src/config/metrics.js';
import { dashboardData } from '../../src/local/metrics/local-dashboard-data.js';
import { MetricStore } from '../../src/local/metrics/metric-store.js';
import { rejectionReasons } from '../../src/protocol/rejection.js';
import { resourcesOf, synthesize } from '../infra/synthesize.js';

/**
 * One list of panels, two dashboards: every metric the handlers emit has a panel on the
 * CloudWatch dashboard and on the local page, and every panel's metric is emitted somewhere.
 */
const sourcesUnder = (folder: string): string =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(folder, file), 'utf8'))
    .join('\n');

const referenced = (source: string, object: string, names: Record<string, string>): Set<string> =>
  new Set([...source.matchAll(new RegExp(`${object}\\.(\\w+)`, 'g'))].map(([, key]) => names[key!]).filter((name): name is string => name !== undefined));

/** What the handlers count: every `metricNames.x` their code names. */
const emitted = referenced(sourcesUnder('src/handlers'), 'metricNames', metricNames);
/** What the local runtime records of its own. */
const recordedLocally = referenced(sourcesUnder('src/local/metrics') + sourcesUnder('src/local/lambda'), 'localMetricNames', localMetricNames);

const handlerMetricsIn = (series: ReturnType<typeof sharedSeries>) =>
  new Set(series.flatMap((one) => (one.from === 'handlers' ? [one.metric] : [])));

describe('the dashboard panels', () => {
  it('draw every metric the handlers emit, and only those', () => {
    expect(emitted.size).toBeGreaterThan(15);
    expect([...handlerMetricsIn(sharedSeries())].sort()).toEqual([...emitted].sort());
    // No name is declared and never emitted.
    expect(Object.values(metricNames).sort()).toEqual([...emitted].sort());
  });

  it('draw every metric only the local runtime records, and only those', () => {
    const drawn = new Set(localPanels.flatMap((panel) => panel.series.map((series) => series.metric)));
    expect([...drawn].sort()).toEqual(Object.values(localMetricNames).sort());
    expect([...recordedLocally].sort()).toEqual(Object.values(localMetricNames).sort());
    // The shared rows have no local-only series: CloudWatch could not draw them.
    expect(sharedSeries().filter((series) => series.from === 'local')).toEqual([]);
  });

  it('are all on the CloudWatch dashboard the construct deploys, each handler metric with its namespace and service', () => {
    const { template } = synthesize();
    const [dashboard] = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties['DashboardBody']);
    for (const name of emitted) {
      if (name === metricNames.rejectedMessages || name === metricNames.iceServerRequests) continue;
      expect(body, name).toContain(`\\"YWebrtcSignaling\\",\\"${name}\\",\\"service\\",\\"y-webrtc-signaling\\"`);
    }
    for (const reason of rejectionReasons) expect(body).toContain(`\\"RejectedMessages\\",\\"reason\\",\\"${reason}\\"`);
    for (const outcome of iceServersOutcomes) expect(body).toContain(`\\"IceServerRequests\\",\\"outcome\\",\\"${outcome}\\"`);
    for (const panel of dashboardRows.flat()) expect(body).toContain(`\\"title\\":\\"${panel.title}\\"`);
  });

  it('are all on the local page, handler metrics with a line each; AWS-only series are named, not drawn', () => {
    const data = dashboardData(new MetricStore());
    expect(data.panels.map((panel) => panel.title)).toEqual([...dashboardRows.flat(), ...localPanels].map((panel) => panel.title));
    const lines = new Set(data.panels.flatMap((panel) => panel.lines.map((line) => line.metric)));
    for (const name of emitted) expect(lines, name).toContain(name);
    const awsSeries = sharedSeries().filter((series) => series.from === 'aws').length;
    expect(data.panels.reduce((sum, panel) => sum + panel.awsOnly.length, 0)).toBe(awsSeries);
  });
});
