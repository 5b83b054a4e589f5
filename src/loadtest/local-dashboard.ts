import { localMetricNames } from '../config/dashboard-panels.js';
import { dashboardPaths } from '../dashboard/dashboard-site.js';
import type { DashboardData } from '../dashboard/dashboard-data.js';

/** The local runtime's /dashboard/data behind a signaling URL, with its origin; undefined for anything else, such as a deployment. */
async function dashboardData(signalingUrl: URL, timeoutMs: number): Promise<{ origin: string; data: Partial<DashboardData> } | undefined> {
  const origin = `${signalingUrl.protocol === 'wss:' ? 'https:' : 'http:'}//${signalingUrl.host}`;
  try {
    const response = await fetch(`${origin}${dashboardPaths.data}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    return { origin, data: (await response.json()) as Partial<DashboardData> };
  } catch {
    return undefined;
  }
}

/**
 * The live dashboard's address when the target is `npm start` (the local runtime answers
 * /dashboard/data with its panels); undefined for anything else, such as a deployment.
 */
export async function localDashboardUrl(signalingUrl: URL, timeoutMs = 2_000): Promise<string | undefined> {
  const answer = await dashboardData(signalingUrl, timeoutMs);
  return answer && Array.isArray(answer.data.panels) ? `${answer.origin}${dashboardPaths.page}` : undefined;
}

/** DynamoDB requests and capacity units the local runtime has counted since it started. */
export interface DynamoDbTotals {
  readonly requests: number;
  readonly capacityUnits: number;
}

/**
 * The local runtime's DynamoDB totals, read from its dashboard data; undefined when the target
 * is not `npm start` or counts none (bundles mode counts the functions' requests in their own
 * environments, where the dashboard does not see them).
 */
export async function dynamoDbTotals(signalingUrl: URL, timeoutMs = 2_000): Promise<DynamoDbTotals | undefined> {
  const answer = await dashboardData(signalingUrl, timeoutMs);
  if (!answer) return undefined;
  const totals = new Map<string, number>();
  for (const line of (answer.data.panels ?? []).flatMap((panel) => panel.lines)) {
    if (line.statistic === 'Sum') totals.set(line.metric, line.total);
  }
  const sum = (name: string) => [...totals].filter(([metric]) => metric.split(' ')[0] === name).reduce((total, [, value]) => total + value, 0);
  const requests = sum(localMetricNames.dynamoDbRequests);
  return requests > 0 ? { requests, capacityUnits: sum(localMetricNames.dynamoDbCapacityUnits) } : undefined;
}
