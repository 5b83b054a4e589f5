import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { demoSite } from '../../src/demo/demo-site.js';
import { GatewayEmulator, type GatewayEmulatorOptions } from '../../src/local/gateway-emulator.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { startTestRuntime } from '../support/runtime.js';

let gateway: GatewayEmulator | undefined;
afterEach(() => gateway?.close());

async function startGateway(overrides: Partial<GatewayEmulatorOptions>): Promise<string> {
  const ok = async () => ({ statusCode: 200 });
  gateway = new GatewayEmulator({
    port: 0,
    functions: { connect: ok, message: ok, disconnect: ok },
    idleTimeoutSeconds: 60,
    maxConnectionSeconds: 60,
    statusText: () => 'y-webrtc signaling: status\n',
    ...overrides,
  });
  await gateway.listen();
  return gateway.url.replace('ws://', 'http://');
}

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('GatewayEmulator httpRoutes', () => {
  it('serves a route, by Accept where the route asks for it, and the status text otherwise', async () => {
    const base = await startGateway({
      httpRoutes: {
        '/': { contentType: 'text/html', accept: 'text/html', body: () => '<p>page</p>' },
        '/x.js': { contentType: 'text/javascript', body: async () => new TextEncoder().encode('1;') },
      },
    });
    expect(await (await fetch(`${base}/`)).text()).toBe('y-webrtc signaling: status\n');
    const page = await fetch(`${base}/`, { headers: html });
    expect(page.headers.get('content-type')).toBe('text/html');
    expect(await page.text()).toBe('<p>page</p>');
    expect(await (await fetch(`${base}/x.js`)).text()).toBe('1;');
    const head = await fetch(`${base}/x.js`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('2');
    expect(await head.text()).toBe('');
    expect(await (await fetch(`${base}/elsewhere`, { headers: html })).text()).toBe('y-webrtc signaling: status\n');
  });

  it('answers 500 with the reason when a body cannot be built', async () => {
    const base = await startGateway({
      httpRoutes: { '/broken': { contentType: 'text/plain', body: () => Promise.reject(new Error('no bundler')) } },
    });
    const response = await fetch(`${base}/broken`);
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(/no bundler/);
  });
});

describe('the demo site', () => {
  it('bundles the page with yjs and y-webrtc inside, importing nothing from elsewhere', async () => {
    const base = await startGateway({ httpRoutes: demoSite().routes });
    const page = await (await fetch(`${base}/`, { headers: html })).text();
    expect(page).toMatch(/<script type="module" src="\.\/demo\.js"><\/script>/);
    expect(page).not.toMatch(/<(script|link)[^>]+(src|href)="(https?:)?\/\//);

    const script = await fetch(`${base}/demo.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await script.text();
    expect(code.length).toBeGreaterThan(50_000);
    // One self-contained module: no import statements or dynamic imports left.
    expect(code).not.toMatch(/(?:^|[;})\n])\s*import\s*(?:[{*"']|[\w$]+\s+from)|\bimport\s*\(/);
    expect(code).toContain('yDemo');
  });

  describe('in the local runtime', () => {
    let runtime: LocalRuntime | undefined;
    afterAll(() => runtime?.stop());

    it('is served at / to browsers while other clients keep the status text', async () => {
      runtime = await startTestRuntime();
      const base = runtime.url.replace('ws://', 'http://');
      expect(await (await fetch(`${base}/`, { headers: html })).text()).toMatch(/<!doctype html>/i);
      expect(await (await fetch(`${base}/`)).text()).toMatch(/y-webrtc signaling/);
      expect((await fetch(`${base}/demo.js`)).status).toBe(200);
    });
  });
});
