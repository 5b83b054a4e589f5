import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface BrowserBundle {
  readonly html: string;
  readonly script: Uint8Array;
  /** The CSS the script imports, if any. */
  readonly style: Uint8Array | undefined;
}

/**
 * A page of the local runtime (`index.html` and `main.ts` in `appDirectory`, typed by its own
 * tsconfig.json) bundled with esbuild into memory, its packages included: nothing is fetched
 * from elsewhere. esbuild is loaded only here, so a runtime that never serves a page never loads it.
 */
export async function bundleBrowserApp(appDirectory: URL): Promise<BrowserBundle> {
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
      outdir: 'bundle',
      logLevel: 'silent',
    }),
  ]);
  const script = result.outputFiles.find((file) => file.path.endsWith('.js'));
  if (!script) throw new Error(`esbuild produced no script for ${fileURLToPath(appDirectory)}`);
  return { html, script: script.contents, style: result.outputFiles.find((file) => file.path.endsWith('.css'))?.contents };
}
