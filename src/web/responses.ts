import type { IncomingMessage, ServerResponse } from 'node:http';

/** The answers the local pages (the demo at `/`, the dashboard at `/dashboard`) give, written once. */

/** Only GET and HEAD are served: 405 with `Allow`, and true when the request was refused. */
export function refuseUnlessRead(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  response.writeHead(405, { allow: 'GET' }).end();
  return true;
}

/** A file of a page (HTML, script, style) or its data, with its length; no body for HEAD. */
export function sendBody(
  request: IncomingMessage,
  response: ServerResponse,
  contentType: string,
  body: string | Uint8Array,
  cache: 'no-cache' | 'no-store',
): void {
  response.writeHead(200, {
    'content-type': contentType,
    'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
    'cache-control': cache,
    'x-content-type-options': 'nosniff',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/** JSON that must never be cached (a token, a check). */
export function sendJson(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(value));
}

/** A page whose bundle could not be built: 500, with esbuild's reason. */
export function sendBuildFailure(response: ServerResponse, path: string, error: unknown): void {
  response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(`could not build ${path}: ${(error as Error).message}\n`);
}

/** Builds once, on first use; a failed build is tried again on the next request instead of being served forever. */
export function builtOnce<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
}
