/**
 * What /dashboard/data answers and the page draws: the panels of
 * src/config/dashboard-panels.ts with their numbers. Types only, shared by the server and
 * the browser code.
 */
export interface DashboardData {
  /** Server time of the answer, ms. */
  readonly now: number;
  readonly startedAt: number;
  readonly bucketSeconds: number;
  readonly panels: readonly PanelData[];
}

export interface PanelData {
  readonly title: string;
  /** `shared`: also on the CloudWatch dashboard; `local`: only the local runtime knows it. */
  readonly scope: 'shared' | 'local';
  readonly lines: readonly LineData[];
  /** Series only AWS reports (Lambda, API Gateway, DynamoDB, SQS): named, never drawn. */
  readonly awsOnly: readonly string[];
}

export interface LineData {
  readonly label: string;
  /** The metric and dimensions it draws, as recorded: `Publishes`, `HandlerDuration function=message`. */
  readonly metric: string;
  readonly statistic: 'Sum' | 'Average' | 'Maximum' | 'p50' | 'p99';
  /** Since the runtime started: a count for Sum; the statistic over every value otherwise. */
  readonly total: number;
  /** [bucket start in seconds, value], one per bucket of the window that had values. */
  readonly points: readonly (readonly [number, number])[];
}
