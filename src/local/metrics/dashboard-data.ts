import { dashboardRows, localPanels, type Panel, type Series } from '../../config/dashboard-panels.js';
import type { DashboardData, LineData, PanelData } from '../../dashboard/dashboard-data.js';
import { statisticOf, type MetricStore, type SeriesData } from './metric-store.js';

/** The panels with the store's numbers: the shared rows, then what only the local runtime knows. */
export function dashboardData(store: MetricStore): DashboardData {
  const panels = [...dashboardRows.flat().map((panel) => panelData(panel, 'shared', store)), ...localPanels.map((panel) => panelData(panel, 'local', store))];
  return { now: Date.now(), startedAt: store.startedAt, bucketSeconds: store.bucketMs / 1000, panels };
}

function panelData(panel: Panel, scope: PanelData['scope'], store: MetricStore): PanelData {
  const lines: LineData[] = [];
  const awsOnly: string[] = [];
  for (const series of panel.series) {
    if (series.from === 'aws') awsOnly.push(awsName(series));
    else lines.push(...linesOf(series, store));
  }
  return { title: panel.title, scope, lines, awsOnly };
}

function linesOf(series: Exclude<Series, { from: 'aws' }>, store: MetricStore): LineData[] {
  const statistic = series.statistic ?? 'Sum';
  const recorded = store.seriesOf(series.metric);
  const split = series.split;
  // Without a split, the line is the series without extra dimensions (Powertools adds `service` to all).
  const drawn: { label: string; data: SeriesData | undefined; dimensionText: string }[] = split
    ? recorded
        .filter((data) => data.dimensions[split] !== undefined)
        .sort((a, b) => a.dimensions[split]!.localeCompare(b.dimensions[split]!))
        .map((data) => ({ label: `${data.dimensions[split]} ${series.label}`, data, dimensionText: ` ${split}=${data.dimensions[split]}` }))
    : [{ label: series.label, data: recorded.find((data) => !Object.keys(data.dimensions).some((key) => key !== 'service')), dimensionText: '' }];
  if (drawn.length === 0) drawn.push({ label: `${series.label} (none yet)`, data: undefined, dimensionText: '' });
  return drawn.map(({ label, data, dimensionText }) => ({
    label,
    metric: `${series.metric}${dimensionText}`,
    statistic,
    total: data ? statisticOf(data.total, statistic) : 0,
    points: data ? [...data.buckets].map(([start, bucket]) => [start / 1000, statisticOf(bucket, statistic)] as const) : [],
  }));
}

function awsName(series: Extract<Series, { from: 'aws' }>): string {
  const service = { apiGateway: 'API Gateway', eachFunction: 'Lambda', cleanupFunction: 'Lambda', table: 'DynamoDB', reverseIndex: 'DynamoDB gsi1', deadLetterQueue: 'SQS' }[series.source];
  return `${service} ${series.metric}${series.statistic && series.statistic !== 'Sum' ? ` ${series.statistic}` : ''}`;
}
