import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoPage, chromiumAvailable, launchChromium, vethNamespaceAvailable, vethNamespaceSetup, type LaunchedBrowser } from '../support/browser.js';
import { testAudience, testIssuer, testSecret } from '../support/tokens.js';
import { startSignalingServer, type SignalingServer } from '../support/y-webrtc-processes.js';

/**
 * A page kept open through API Gateway's connection cut, in Chromium, with tokens shorter
 * than a connection lives: `npm start` cuts every connection after 20 s (as API Gateway does
 * after 2 hours) and signs tokens at GET /token that live 15 s. Each reconnect therefore needs
 * a token that did not exist when the page connected; the demo page gets them through the
 * package's client module (`?tokenUrl=/token`). A page given one token (`?token=`) is the
 * negative control.
 */
const namespace = vethNamespaceAvailable();
const cutSeconds = 20;
const tokenSeconds = 15;

describe.skipIf(!chromiumAvailable() && !process.env['CI'])(`pages open through connection cuts, in Chromium (${namespace ? 'veth namespace' : 'host network'})`, () => {
  let server: SignalingServer | undefined;
  let launched: LaunchedBrowser | undefined;
  let pageUrl = '';
  const pages: DemoPage[] = [];

  beforeAll(async () => {
    server = await startSignalingServer({
      namespace,
      networkSetup: vethNamespaceSetup,
      env: {
        AUTH_JWT_SECRET: testSecret,
        AUTH_ISSUER: testIssuer,
        AUTH_AUDIENCE: testAudience,
        MAX_CONNECTION_SECONDS: String(cutSeconds),
        LOCAL_TOKEN_SECONDS: String(tokenSeconds),
      },
    });
    pageUrl = `${server.url.replace(/^ws/, 'http')}/`;
    launched = await launchChromium({ networkNamespace: server.networkNamespace });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(pages.splice(0).map((page) => page.close()));
    await launched?.close();
    await server?.stop();
  }, 40_000);

  async function open(name: string, room: string, options: { token?: string; tokenUrl?: string }): Promise<DemoPage> {
    const page = await DemoPage.open(launched!.browser, name, pageUrl, room, options);
    pages.push(page);
    return page;
  }

  async function explained<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const outputs = pages.map((page) => `--- ${page.name} ---\n${page.output()}`);
      throw new Error(`${(error as Error).message}\n${outputs.join('\n')}\n--- server ---\n${server?.output()}`, { cause: error });
    }
  }

  it('keeps two pages together through 3 cuts, and a page that joins after the third connects to both; a page with one token is cut off', async () => {
    await explained(async () => {
      const room = `day-${randomUUID().slice(0, 8)}`;
      const [a, b] = await Promise.all([open('A', room, { tokenUrl: '/token' }), open('B', room, { tokenUrl: '/token' })]);
      // One token, fetched as the pages fetch theirs (the server may be in a network namespace of its own).
      const { token } = await a.page.evaluate(async (path) => (await fetch(path)).json() as Promise<{ token: string }>, `/token?rooms=control-${room}`);
      const control = await open('control', `control-${room}`, { token });
      await Promise.all([a, b].map((page) => page.until((state) => state.peers === 1, 'the other page', 20_000)));
      await control.until((state) => state.signaling === 'connected' && state.inRoom, 'in its room');

      // Watch the pair until both have reconnected after 3 cuts: their WebRTC connection never drops.
      let fewestPeers = 1;
      const deadline = Date.now() + (3 * cutSeconds + 20) * 1000;
      for (;;) {
        const states = await Promise.all([a.state(), b.state()]);
        fewestPeers = Math.min(fewestPeers, ...states.map((state) => state.peers));
        if (states.every((state) => state.signalingOpened >= 4 && state.signaling === 'connected' && state.inRoom)) break;
        if (Date.now() > deadline) throw new Error(`no 3 reconnects in time: ${JSON.stringify(states)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(fewestPeers).toBe(1);

      // The newcomer is introduced by both through the server: their signaling is live after the third cut.
      const c = await open('C', room, { tokenUrl: '/token' });
      await Promise.all([a, b, c].map((page) => page.until((state) => state.peers === 2, 'both other pages', 20_000)));
      await c.type('after the third cut');
      await Promise.all([a, b].map((page) => page.until((state) => state.text.includes('after the third cut'), 'the newcomer\'s edit')));

      // The control reconnected with its one token, which had expired: refused, and the page says why.
      const controlState = await control.state();
      expect(controlState.signalingOpened).toBe(1);
      expect(controlState.signaling).not.toBe('connected');
      expect(controlState.problem).toMatch(/^No valid signaling token: the token expired at /);
    });
  }, 180_000);
});
