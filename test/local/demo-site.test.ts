import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { demoSite, type DemoFiles } from '../../src/demo/demo-site.js';
import { GatewayEmulator, type GatewayEmulatorOptions } from '../../src/local/gateway-emulator.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { startTestRuntime } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';
import { testAudience, testIssuer, testSecret } from '../support/tokens.js';

let gateway: GatewayEmulator | undefined;
afterEach(() => gateway?.close());

async function startGateway(overrides: Partial<GatewayEmulatorOptions> = {}): Promise<string> {
  const ok = async () => ({ statusCode: 200 });
  gateway = new GatewayEmulator({
    port: 0,
    functions: { connect: ok, message: ok, disconnect: ok },
    idleTimeoutSeconds: 60,
    maxConnectionSeconds: 60,
    ...overrides,
  });
  await gateway.listen();
  return gateway.url.replace('ws://', 'http://');
}

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const status = () => 'y-webrtc signaling: status\n';
const files: DemoFiles = { html: '<p>page</p>', script: new TextEncoder().encode('1;') };

describe('the demo site’s request handler, as the emulator’s fallback', () => {
  it('serves the page to browsers only, the script to anyone, and the status text otherwise', async () => {
    let builds = 0;
    const base = await startGateway({ fallback: demoSite(async () => (builds++, files)).handler({ statusText: status }) });
    expect(await (await fetch(`${base}/`)).text()).toBe('y-webrtc signaling: status\n');
    const page = await fetch(`${base}/`, { headers: html });
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toBe('<p>page</p>');
    expect(await (await fetch(`${base}/index.html`)).text()).toBe('<p>page</p>');
    const script = await fetch(`${base}/demo.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('1;');
    const head = await fetch(`${base}/demo.js`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('2');
    expect(await head.text()).toBe('');
    expect(await (await fetch(`${base}/elsewhere`, { headers: html })).text()).toBe('y-webrtc signaling: status\n');
    expect(builds).toBe(1);
  });

  it('answers other methods with 405, and leaves the management API to the emulator', async () => {
    const base = await startGateway({ fallback: demoSite(async () => files).handler({ statusText: status }) });
    const post = await fetch(`${base}/`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    const management = await fetch(`${gateway!.managementEndpoint}/@connections/nobody`, { method: 'POST', body: '{}' });
    expect(management.headers.get('x-amzn-errortype')).toBe('GoneException');
  });

  it('answers 500 with the reason when the page cannot be built, and tries again on the next request', async () => {
    let attempts = 0;
    const bundle = async () => {
      if (attempts++ === 0) throw new Error('no bundler');
      return files;
    };
    const base = await startGateway({ fallback: demoSite(bundle).handler({ statusText: status }) });
    const failed = await fetch(`${base}/demo.js`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toMatch(/no bundler/);
    expect((await fetch(`${base}/demo.js`)).status).toBe(200);
  });
});

describe('the emulator without a fallback', () => {
  it('answers GET with a one-line status', async () => {
    const base = await startGateway();
    const response = await fetch(`${base}/anything`);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('y-webrtc signaling: 0 connections\n');
    expect((await fetch(base, { method: 'PUT' })).status).toBe(405);
  });
});

describe('the demo site', () => {
  it('bundles the page with yjs and y-webrtc inside, importing nothing from elsewhere', async () => {
    const base = await startGateway({ fallback: demoSite().handler({ statusText: status }) });
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
      // No AUTH_JWT_SECRET, no tokens: /token is the status text as any other path.
      expect(await (await fetch(`${base}/token?rooms=a`)).text()).toMatch(/y-webrtc signaling/);
    });

    it('signs tokens for the rooms asked at /token when AUTH_JWT_SECRET is set, living LOCAL_TOKEN_SECONDS, which its authorizer takes', async () => {
      const withTokens = await startTestRuntime({
        settings: { auth: { secret: testSecret, issuer: testIssuer, audience: testAudience, roomsClaim: 'rooms' }, localTokenSeconds: 42 },
      });
      try {
        const base = withTokens.url.replace('ws://', 'http://');
        const response = await fetch(`${base}/token?rooms=a,team-b`);
        expect(response.headers.get('cache-control')).toBe('no-store');
        const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: number };
        const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { rooms: string[]; exp: number; iat: number };
        expect(claims.rooms).toEqual(['a', 'team-b']);
        expect(claims.exp - claims.iat).toBe(42);
        expect(expiresAt).toBe(claims.exp * 1000);
        const client = await TestClient.connect(`${withTokens.url}/?token=${token}`);
        await client.close();
      } finally {
        await withTokens.stop();
      }
    });
  });
});
