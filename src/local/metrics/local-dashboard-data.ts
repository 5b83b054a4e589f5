import { dashboardRows, localLambdaMetric, localPanels, type Panel, type Series, type Statistic } from '../../config/dashboard-panels.js';
import type { DashboardData, LineData, PanelData } from '../../dashboard/dashboard-data.js';
import { lambdaMetricNames } from '../lambda/lambda-metrics.js';
import { statisticOf, type MetricStore, type SeriesData } from './metric-store.js';

export interface DashboardDataOptions {
  /** Bundles mode: the store has Lambda's own metrics (src/local/lambda), drawn in the Lambda panels. */
  readonly lambdaMetrics?: boolean;
}

/** What the store holds of Lambda's metrics in bundles mode. */
const recordedLambdaMetrics = new Set<string>(lambdaMetricNames);

/** The panels with the store's numbers: the shared rows, then what only the local runtime knows. */
export function dashboardData(store: MetricStore, options: DashboardDataOptions = {}): DashboardData {
  const panel = (scope: PanelData['scope']) => (definition: Panel) => panelData(definition, scope, store, options);
  const panels = [...dashboardRows.flat().map(panel('shared')), ...localPanels.map(panel('local'))];
  return { now: Date.now(), startedAt: store.startedAt, bucketSeconds: store.bucketMs / 1000, panels };
}

function panelData(panel: Panel, scope: PanelData['scope'], store: MetricStore, options: DashboardDataOptions): PanelData {
  const lines: LineData[] = [];
  const awsOnly: string[] = [];
  for (const series of panel.series) {
    if (series.from !== 'aws') lines.push(...linesOf(series, store));
    else if (options.lambdaMetrics && series.source === 'eachFunction' && recordedLambdaMetrics.has(series.metric)) {
      const local = { metric: localLambdaMetric(series.metric), label: series.label ?? '', split: 'FunctionName' };
      lines.push(...linesOf(series.statistic ? { ...local, statistic: series.statistic } : local, store));
    } else awsOnly.push(awsName(series));
  }
  return { title: panel.title, scope, lines, awsOnly };
}

/** A series as the local page draws it: a recorded metric, optionally one line per value of a dimension. */
interface DrawnSeries {
  readonly metric: string;
  readonly label: string;
  readonly statistic?: Statistic;
  readonly split?: string;
}

function linesOf(series: DrawnSeries, store: MetricStore): LineData[] {
  const statistic = series.statistic ?? 'Sum';
  const recorded = store.seriesOf(series.metric);
  const split = series.split;
  // Without a split, the line is the series without extra dimensions (Powertools adds `service` to all).
  const drawn: { label: string; data: SeriesData | undefined; dimensionText: string }[] = split
    ? recorded
        .filter((data) => data.dimensions[split] !== undefined)
        .sort((a, b) => a.dimensions[split]!.localeCompare(b.dimensions[split]!))
        .map((data) => ({ label: `${data.dimensions[split]} ${series.label}`.trim(), data, dimensionText: ` ${split}=${data.dimensions[split]}` }))
    : [{ label: series.label, data: recorded.find((data) => !Object.keys(data.dimensions).some((key) => key !== 'service')), dimensionText: '' }];
  if (drawn.length === 0) drawn.push({ label: `${series.label || 'all functions'} (none yet)`, data: undefined, dimensionText: '' });
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
