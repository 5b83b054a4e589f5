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
 * package's client module (`?tokenUrl=/token`). The negative control runs beside it: pages of
 * y-webrtc alone (`?clientModule=off`), one token in their URL, as before the module.
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
        // The authorizer's refusals are warnings (the suite's default level is ERROR).
        POWERTOOLS_LOG_LEVEL: 'WARN',
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

  async function open(name: string, room: string, options: { token?: string; tokenUrl?: string; clientModule?: 'off' }): Promise<DemoPage> {
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

  it('keeps two pages together through 3 cuts, and a page that joins after the third connects to both; without the client module, 401s and no third peer', async () => {
    await explained(async () => {
      const room = `day-${randomUUID().slice(0, 8)}`;
      const controlRoom = `control-${room}`;
      const [a, b] = await Promise.all([open('A', room, { tokenUrl: '/token' }), open('B', room, { tokenUrl: '/token' })]);
      // The control, in a room of its own at the same time: y-webrtc alone, each page with one
      // token in its URL, fetched as the pages fetch theirs (the server may be in a network namespace).
      const token = () => a.page.evaluate(async (path) => ((await (await fetch(path)).json()) as { token: string }).token, `/token?rooms=${controlRoom}`);
      const [x, y] = await Promise.all([open('X', controlRoom, { token: await token(), clientModule: 'off' }), open('Y', controlRoom, { token: await token(), clientModule: 'off' })]);
      await Promise.all([a, b, x, y].map((page) => page.until((state) => state.peers === 1, 'the other page', 20_000)));

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

      // The newcomers are introduced by the pages already there, through the server: only where their signaling is live.
      const [c, z] = await Promise.all([open('C', room, { tokenUrl: '/token' }), open('Z', controlRoom, { tokenUrl: '/token' })]);
      await Promise.all([a, b, c].map((page) => page.until((state) => state.peers === 2, 'both other pages', 20_000)));
      await c.type('after the third cut');
      await Promise.all([a, b].map((page) => page.until((state) => state.text.includes('after the third cut'), "the newcomer's edit")));

      // The control pages reconnected with their expired tokens, refused with 401 each time, and Z, in its room, met nobody.
      await z.until((state) => state.signaling === 'connected' && state.inRoom, 'Z in its room');
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect((await z.state()).peers).toBe(0);
      for (const page of [x, y]) {
        const state = await page.state();
        expect(state.signalingOpened).toBe(1);
        expect(state.signaling).not.toBe('connected');
      }
      expect((server!.output().match(/"connection refused".*"status":401/g) ?? []).length).toBeGreaterThanOrEqual(2);
    });
  }, 180_000);
});
