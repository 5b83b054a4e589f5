import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { HttpRoute } from '../local/gateway-emulator.js';

const appDirectory = new URL('./app/', import.meta.url);

export interface DemoFiles {
  readonly html: string;
  readonly script: Uint8Array;
}

/** The demo page as HTTP routes: `/` (to browsers) and `/demo.js`, bundled once, in memory. */
export interface DemoSite {
  readonly routes: Readonly<Record<string, HttpRoute>>;
  /** Bundles now (the routes otherwise do on first request); rejects when bundling fails. */
  build(): Promise<DemoFiles>;
}

export function demoSite(): DemoSite {
  let files: Promise<DemoFiles> | undefined;
  const build = (): Promise<DemoFiles> => {
    files ??= bundleDemo().catch((error: unknown) => {
      files = undefined;
      throw error;
    });
    return files;
  };
  const page: HttpRoute = { contentType: 'text/html; charset=utf-8', body: async () => (await build()).html };
  return {
    routes: {
      // Browsers ask for text/html; curl and other clients keep getting the status line.
      '/': { ...page, accept: 'text/html' },
      '/index.html': page,
      '/demo.js': { contentType: 'text/javascript; charset=utf-8', body: async () => (await build()).script },
    },
    build,
  };
}

/**
 * Bundles src/demo/app (yjs and y-webrtc included, nothing fetched from elsewhere) with
 * esbuild into memory. esbuild is loaded only here, so a runtime that never serves the page
 * never loads it.
 */
export async function bundleDemo(): Promise<DemoFiles> {
  const esbuild = await import('esbuild');
  const [html, result] = await Promise.all([
    readFile(new URL('index.html', appDirectory), 'utf8'),
    esbuild.build({
      entryPoints: [fileURLToPath(new URL('main.ts', appDirectory))],
      tsconfig: fileURLToPath(new URL('tsconfig.json', appDirectory)),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      write: false,
      outfile: 'demo.js',
      logLevel: 'silent',
    }),
  ]);
  const script = result.outputFiles.find((file) => file.path.endsWith('.js'));
  if (!script) throw new Error('esbuild produced no script for the demo');
  return { html, script: script.contents };
}
