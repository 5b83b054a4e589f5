import type { IncomingMessage, ServerResponse } from 'node:http';
import { bundleBrowserApp } from '../tools/browser-bundle.js';
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
  let files: Promise<DashboardFiles> | undefined;
  const build = () => {
    files ??= bundleDashboard().catch((error: unknown) => {
      files = undefined;
      throw error;
    });
    return files;
  };
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
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET' }).end();
      return true;
    }
    let body: string | Uint8Array;
    try {
      body = await resource.body();
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`could not build ${pathname}: ${(error as Error).message}\n`);
      return true;
    }
    response.writeHead(200, {
      'content-type': resource.type,
      'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
  return { handle, build };
}

async function bundleDashboard(): Promise<DashboardFiles> {
  const { html, script, style } = await bundleBrowserApp(appDirectory);
  if (!style) throw new Error("esbuild produced no style for the dashboard (main.ts imports uPlot's CSS)");
  return { html, script, style };
}
