import type { IncomingMessage, ServerResponse } from 'node:http';
import { bundleBrowserApp } from '../web/browser-bundle.js';
import { builtOnce, refuseUnlessRead, sendBody, sendBuildFailure, sendJson } from '../web/responses.js';
import type { ConnectionCheck } from './demo-state.js';

const appDirectory = new URL('./app/', import.meta.url);

export interface DemoFiles {
  readonly html: string;
  readonly script: Uint8Array;
}

export type DemoRequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** Decides as the server's `$connect` would, for the page's token, origin and room (see ConnectionCheck). */
export type ConnectionChecker = (request: { readonly token?: string; readonly origin?: string; readonly room: string }) => Promise<ConnectionCheck>;

/** Where the page asks why it cannot connect. */
export const connectCheckPath = '/connect-check';

/** Signs a token for these rooms, as an app's backend would (see src/local/local-tokens.ts). */
export type TokenIssuer = (rooms: readonly string[]) => Promise<{ readonly token: string; readonly expiresAt: number }>;

/** Where the local server hands out tokens, when it has a TokenIssuer: GET /token?rooms=a,b. */
export const localTokenPath = '/token';

export interface DemoServices {
  /** The plain-text status line, for anything that is not the page. */
  readonly statusText: () => string;
  readonly checkConnection?: ConnectionChecker;
  readonly issueToken?: TokenIssuer;
}

/** The demo page over HTTP: `/` (to browsers) and `/demo.js`, bundled once, in memory. */
export interface DemoSite {
  /**
   * Answers GET and HEAD of the page and its script, the connection check and the tokens
   * when given, and anything else with `statusText()` as plain text; other methods get 405.
   */
  handler(services: DemoServices): DemoRequestHandler;
  /** Bundles now (the handler otherwise does on first request); rejects when bundling fails. */
  build(): Promise<DemoFiles>;
}

interface Resource {
  readonly contentType: string;
  readonly content: (files: DemoFiles) => string | Uint8Array;
  /** Served only to requests whose Accept header names this media type. */
  readonly accept?: string;
}

const page: Resource = { contentType: 'text/html; charset=utf-8', content: (files) => files.html };

const resources: Readonly<Record<string, Resource>> = {
  // Browsers ask for text/html; curl and fetch, which accept anything, keep getting the status line.
  '/': { ...page, accept: 'text/html' },
  '/index.html': page,
  '/demo.js': { contentType: 'text/javascript; charset=utf-8', content: (files) => files.script },
};

/** @param bundle how the files are made; tests pass a stand-in for esbuild. */
export function demoSite(bundle: () => Promise<DemoFiles> = bundleDemo): DemoSite {
  const build = builtOnce(bundle);
  const handler = ({ statusText, checkConnection, issueToken }: DemoServices): DemoRequestHandler => async (request, response) => {
    if (refuseUnlessRead(request, response)) return;
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === connectCheckPath && checkConnection) {
      // Browsers leave Origin out of a same-origin GET; the page says which it is (a diagnosis only:
      // the WebSocket handshake checks the real header).
      const origin = request.headers.origin ?? (url.searchParams.get('origin') || undefined);
      const token = url.searchParams.get('token') || undefined;
      const check = await checkConnection({ room: url.searchParams.get('room') ?? '', ...(token ? { token } : {}), ...(origin ? { origin } : {}) });
      sendJson(response, check);
      return;
    }
    if (url.pathname === localTokenPath && issueToken) {
      const rooms = (url.searchParams.get('rooms') ?? '').split(',').filter(Boolean);
      sendJson(response, await issueToken(rooms));
      return;
    }
    const resource = resourceFor(request);
    if (resource) return serveResource(request, response, resource, build);
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(statusText());
  };
  return { handler, build };
}

async function serveResource(
  request: IncomingMessage,
  response: ServerResponse,
  resource: Resource,
  build: () => Promise<DemoFiles>,
): Promise<void> {
  let body: string | Uint8Array;
  try {
    body = resource.content(await build());
  } catch (error) {
    sendBuildFailure(response, request.url ?? '/', error);
    return;
  }
  sendBody(request, response, resource.contentType, body, 'no-cache');
}

function resourceFor(request: IncomingMessage): Resource | undefined {
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  const resource = Object.hasOwn(resources, pathname) ? resources[pathname] : undefined;
  if (resource?.accept && !(request.headers.accept ?? '').includes(resource.accept)) return undefined;
  return resource;
}

/** Bundles src/demo/app (yjs and y-webrtc included) into memory. */
export async function bundleDemo(): Promise<DemoFiles> {
  const { html, script } = await bundleBrowserApp(appDirectory);
  return { html, script };
}
