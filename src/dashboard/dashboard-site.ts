import type { IncomingMessage, ServerResponse } from 'node:http';
import { bundleBrowserApp } from '../web/browser-bundle.js';
import { builtOnce, refuseUnlessRead, sendBody, sendBuildFailure } from '../web/responses.js';
import type { DashboardData } from './dashboard-data.js';

const appDirectory = new URL('./app/', import.meta.url);

/** The paths the dashboard answers; everything else is left to the next handler. */
export const dashboardPaths = { page: '/dashboard', script: '/dashboard.js', style: '/dashboard.css', data: '/dashboard/data' } as const;

interface DashboardFiles {
  readonly html: string;
  readonly script: Uint8Array;
  readonly style: Uint8Array;
}

export interface DashboardSite {
  /**
   * Answers GET and HEAD of the dashboard's paths and returns true; returns false for any
   * other path, untouched.
   */
  handle(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
  /** Bundles now (otherwise the first request does); rejects when bundling fails. */
  build(): Promise<DashboardFiles>;
}

/**
 * The live dashboard over HTTP: the page, its script and style (src/dashboard/app with
 * uPlot, bundled once with esbuild, in memory: nothing fetched from elsewhere) and the numbers.
 */
export function dashboardSite(data: () => DashboardData): DashboardSite {
  const build = builtOnce(bundleDashboard);
  const resources: Readonly<Record<string, { type: string; body: () => Promise<string | Uint8Array> }>> = {
    [dashboardPaths.page]: { type: 'text/html; charset=utf-8', body: async () => (await build()).html },
    [dashboardPaths.script]: { type: 'text/javascript; charset=utf-8', body: async () => (await build()).script },
    [dashboardPaths.style]: { type: 'text/css; charset=utf-8', body: async () => (await build()).style },
    [dashboardPaths.data]: { type: 'application/json', body: async () => JSON.stringify(data()) },
  };
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    const resource = Object.hasOwn(resources, pathname) ? resources[pathname] : undefined;
    if (!resource) return false;
    if (refuseUnlessRead(request, response)) return true;
    let body: string | Uint8Array;
    try {
      body = await resource.body();
    } catch (error) {
      sendBuildFailure(response, pathname, error);
      return true;
    }
    sendBody(request, response, resource.type, body, 'no-store');
    return true;
  };
  return { handle, build };
}

async function bundleDashboard(): Promise<DashboardFiles> {
  const { html, script, style } = await bundleBrowserApp(appDirectory);
  if (!style) throw new Error("esbuild produced no style for the dashboard (main.ts imports uPlot's CSS)");
  return { html, script, style };
}
