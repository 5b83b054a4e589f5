import { dashboardPaths } from '../dashboard/dashboard-site.js';
import type { DashboardData } from '../dashboard/dashboard-data.js';

/**
 * The live dashboard's address when the target is `npm start` (the local runtime answers
 * /dashboard/data with its panels); undefined for anything else, such as a deployment.
 */
export async function localDashboardUrl(signalingUrl: URL, timeoutMs = 2_000): Promise<string | undefined> {
  const origin = `${signalingUrl.protocol === 'wss:' ? 'https:' : 'http:'}//${signalingUrl.host}`;
  try {
    const response = await fetch(`${origin}${dashboardPaths.data}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const data = (await response.json()) as Partial<DashboardData>;
    return Array.isArray(data.panels) ? `${origin}${dashboardPaths.page}` : undefined;
  } catch {
    return undefined;
  }
}
