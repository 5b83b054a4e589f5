import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/scripts/function-bundle.js';
import { DemoPage, withOutputs, launchChromium, vethNamespaceAvailable, vethNamespaceSetup, type LaunchedBrowser } from '../support/browser.js';
import { hs256Token, testAudience, testIssuer, testSecret } from '../support/tokens.js';
import { startPeer, startSignalingServer, type Peer, type SignalingServer } from '../support/y-webrtc-processes.js';
import { skipWithout } from '../support/required-tools.js';

/**
 * A page kept open through API Gateway's connection cut, in Chromium, with tokens shorter
 * than a connection lives: `npm start` cuts every connection after 20 s (as API Gateway does
 * after 2 hours) and signs tokens at GET /token that live 15 s. Each reconnect therefore needs
 * a token that did not exist when the page connected; the demo page gets them through the
 * package's client module (`?tokenUrl=/token`). The negative control runs beside it: pages of
 * y-webrtc alone (`?clientModule=off`), one token in their URL, as before the module.
 *
 * At the same time, on the same server, Node y-webrtc peers go through the same, with the
 * client module as a user installs it: from the packed tarball, by the package's `./client`
 * export.
 */
const namespace = vethNamespaceAvailable();
const packageName = 'y-webrtc-signaling-serverless';

/** Packs the package and installs the tarball in a fresh app; returns the client module's file, resolved by `<package>/client`. */
function installedClientModule(scratch: string): string {
  // The build is fresh (global setup), so packing needs no prepack build.
  const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], { cwd: projectRoot, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const { filename } = (JSON.parse(pack.stdout) as { filename: string }[])[0]!;
  const app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'client-app', private: true, type: 'module' }));
  const offline = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
  const install = spawnSync('npm', ['install', '--ignore-scripts', '--legacy-peer-deps', '--no-package-lock', join(scratch, filename)], { cwd: app, env: offline, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`npm install of the tarball failed: ${install.stderr}`);
  return createRequire(join(app, 'package.json')).resolve(`${packageName}/client`);
}
const cutSeconds = 20;
const tokenSeconds = 15;

// The pages and the Node peers at once: rooms of their own, the same cuts.
describe.skipIf(skipWithout(['chromium'], 'browser-sessions.test.ts')).concurrent(`pages and peers open through connection cuts, in Chromium and Node (${namespace ? 'veth namespace' : 'host network'})`, () => {
  let server: SignalingServer | undefined;
  let launched: LaunchedBrowser | undefined;
  let pageUrl = '';
  const pages: DemoPage[] = [];
  const peers: Peer[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'client-module-'));
  let clientModule = '';

  beforeAll(async () => {
    clientModule = installedClientModule(scratch);
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
    await Promise.all(peers.splice(0).map((peer) => peer.stop()));
    await launched?.close();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }, 40_000);

  async function open(name: string, room: string, options: { token?: string; tokenUrl?: string; clientModule?: 'off' }): Promise<DemoPage> {
    const page = await DemoPage.open(launched!.browser, name, pageUrl, room, options);
    pages.push(page);
    return page;
  }

  /** Adds the pages', the peers' and the server's output to a failure. */
  const explained = <T,>(run: () => Promise<T>) => withOutputs(run, () => [...pages, ...peers, { name: 'server', output: () => server?.output() ?? '' }]);


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

  const withModule = (name: string, room: string) => {
    const peer = startPeer(name, server!, room, { env: { PEER_CLIENT_MODULE: clientModule, PEER_TOKEN_URL: `${server!.url.replace(/^ws/, 'http')}/token` } });
    peers.push(peer);
    return peer;
  };

  it('Node peers with the module from the tarball stay together through 3 cuts, and a peer that joins after the third connects to both; without the module, no third peer', async () => {
    expect(clientModule).toMatch(new RegExp(`node_modules/${packageName}/dist/src/client/index\\.js$`));
    const room = `sessions-${randomUUID().slice(0, 8)}`;
    const controlRoom = `control-${room}`;
    const [a, b] = [withModule('A', room), withModule('B', room)];
    const control = await Promise.all(['X', 'Y'].map(async (name) => startPeer(name, server!, controlRoom, { token: await hs256Token({ rooms: [controlRoom] }, { expiresIn: `${tokenSeconds}s` }) })));
    peers.push(...control);
    await Promise.all([a, b, ...control].map((peer) => peer.until((state) => state.connectedPeers === 1, 'a WebRTC connection', 20_000)));

    // Until both have reconnected after 3 cuts; their WebRTC connection never drops.
    let fewestPeers = 1;
    const deadline = Date.now() + (3 * cutSeconds + 20) * 1000;
    for (;;) {
      const states = [a.state!, b.state!];
      fewestPeers = Math.min(fewestPeers, ...states.map((state) => state.connectedPeers));
      if (states.every((state) => state.signalingOpened >= 4 && state.signalingConnected)) break;
      if (Date.now() > deadline) throw new Error(`no 3 reconnects in time: ${JSON.stringify(states)}\n${a.output(20)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(fewestPeers).toBe(1);

    const [c, z] = [withModule('C', room), withModule('Z', controlRoom)];
    await Promise.all([a, b, c].map((peer) => peer.until((state) => state.connectedPeers === 2, 'both other peers', 20_000)));
    c.send({ cmd: 'append', text: 'after the third cut' });
    await Promise.all([a, b].map((peer) => peer.until((state) => state.text.includes('after the third cut'), "C's edit")));

    // The control peers' expired tokens were refused at every reconnect: Z, in their room, meets nobody.
    await z.until((state) => state.ownAnnounceEchoed, 'Z in its room');
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    z.send({ cmd: 'state' });
    expect((await z.until(() => true, 'Z state')).connectedPeers).toBe(0);
    for (const peer of control) expect(peer.state!.signalingOpened).toBe(1);
  }, 180_000);
});
