import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DemoPage,
  withOutputs,
  launchChromium,
  sideBySide,
  vethNamespaceAvailable,
  vethNamespaceSetup,
  type LaunchedBrowser,
} from '../support/browser.js';
import { startPeer, startSignalingServer, type Peer, type SignalingServer } from '../support/y-webrtc-processes.js';
import { skipWithout } from '../support/required-tools.js';

/**
 * The demo page that `npm start` serves, in headless Chromium (Debian's, driven by
 * playwright-core): browsers in isolated contexts (no BroadcastChannel between them) find
 * each other through the real server and edit one Y.Text over WebRTC.
 *
 * As root, where `unshare -n` works, the server, Chromium and the Node peer share one network
 * namespace with loopback and a veth pair (Chromium gathers no ICE candidates with loopback
 * only); no ICE servers are used, so no packet leaves the machine. Elsewhere everything runs
 * on the host network, still without ICE servers.
 */
const namespace = vethNamespaceAvailable();
const artifacts = fileURLToPath(new URL('../../.test-artifacts/browser/', import.meta.url));
const readmeScreenshot = fileURLToPath(new URL('../../docs/images/demo.png', import.meta.url));
/** A message's way (signaling round trip, or an edit over an open data channel): seconds, as a user waits. */
const messageMs = 5_000;

// Skipped only on a developer's machine without Chromium; .ci/run installs it, and in CI it must run.
describe.skipIf(skipWithout(['chromium'], 'browser.test.ts'))(`the demo page in Chromium (${namespace ? 'veth namespace' : 'host network'})`, () => {
  let server: SignalingServer | undefined;
  let launched: LaunchedBrowser | undefined;
  let pageUrl = '';
  const pages: DemoPage[] = [];
  const peers: Peer[] = [];

  beforeAll(async () => {
    server = await startSignalingServer({ namespace, networkSetup: vethNamespaceSetup });
    pageUrl = `${server.url.replace(/^ws/, 'http')}/`;
    launched = await launchChromium({ networkNamespace: server.networkNamespace });
  }, 60_000);

  afterAll(async () => {
    // Browsers and peers first, so the server sees ordinary disconnects; then it drains and exits.
    await Promise.all(pages.splice(0).map((page) => page.close()));
    await launched?.close();
    await Promise.all(peers.splice(0).map((peer) => peer.stop()));
    await server?.stop();
  }, 40_000);

  async function open(name: string, room: string, options: { password?: string } = {}): Promise<DemoPage> {
    const page = await DemoPage.open(launched!.browser, name, pageUrl, room, options);
    pages.push(page);
    return page;
  }

  /** Waits until the server has routed the page's own announce back to it: it is in the room. */
  function inRoom(page: DemoPage): Promise<unknown> {
    return page.until((state) => state.signaling === 'connected' && state.inRoom, 'own announce routed back', messageMs);
  }

  /** Adds server and page output to a failure. */
  /** Adds the pages', the peers' and the server's output to a failure. */
  const explained = <T,>(run: () => Promise<T>) => withOutputs(run, () => [...pages, ...peers, { name: 'server', output: () => server?.output() ?? '' }]);


  it('syncs two isolated browsers both ways; a browser in another room sees nothing', async () => {
    await explained(async () => {
      // Named as the page names a room it makes up, since README.md shows this screenshot.
      const room = `demo-${randomUUID().replace(/-/g, '').slice(0, 6)}`;
      // All three open at the same moment, as users do; C's room is another one.
      const [a, b, elsewhere] = await Promise.all([
        open('browser A', room),
        open('browser B', room),
        open('browser C (other room)', `room-${randomUUID()}`),
      ]);
      expect(await a.page.title()).toMatch(/y-webrtc/);
      await inRoom(a);
      expect(await a.state()).toMatchObject({ room, signalingUrl: server!.url, signaling: 'connected', encrypted: false });
      expect(await a.page.locator('#signaling-url').textContent()).toBe(server!.url);

      await a.until((s) => s.peers === 1, 'WebRTC peer');
      await b.until((s) => s.peers === 1, 'WebRTC peer');

      await a.type('Hello from browser A.');
      await b.until((s) => s.text === 'Hello from browser A.', "A's text", messageMs);
      expect(await b.textAreaValue()).toBe('Hello from browser A.');

      await b.type('\nAnd hello back from browser B.');
      const both = 'Hello from browser A.\nAnd hello back from browser B.';
      await a.until((s) => s.text === both, "B's text", messageMs);
      expect(await a.textAreaValue()).toBe(both);
      expect(await a.page.locator('#peer-count').textContent()).toBe('peers: 1');

      // C has been in its own room all along; after A and B synced it still has nothing.
      await inRoom(elsewhere);
      const c = await elsewhere.state();
      expect(c).toMatchObject({ text: '', peers: 0, inRoom: true });
      expect(await elsewhere.textAreaValue()).toBe('');

      const png = await sideBySide(launched!.browser, [
        { label: 'browser A', png: await a.page.screenshot() },
        { label: 'browser B', png: await b.page.screenshot() },
      ]);
      await mkdir(artifacts, { recursive: true });
      await writeFile(`${artifacts}two-browsers-synced.png`, png);
      if (process.env['UPDATE_SCREENSHOT'] === '1') await writeFile(readmeScreenshot, png);
    });
  });

  it('honours a room password: the same password syncs, another one receives nothing', async () => {
    await explained(async () => {
      const room = `room-${randomUUID()}`;
      const [a, b, intruder] = await Promise.all([
        open('browser A (password)', room, { password: 'correct horse' }),
        open('browser B (password)', room, { password: 'correct horse' }),
        open('browser C (wrong password)', room, { password: 'battery staple' }),
      ]);

      await a.until((s) => s.peers === 1 && s.encrypted, 'WebRTC peer');
      await b.until((s) => s.peers === 1, 'WebRTC peer');
      await a.type('secret plan');
      await b.until((s) => s.text === 'secret plan', "A's text", messageMs);
      await b.type(', agreed');
      await a.until((s) => s.text === 'secret plan, agreed', "B's text", messageMs);

      // Same room on the server, so it got every (encrypted) announce, and could decrypt none.
      await inRoom(intruder);
      const state = await intruder.state();
      expect(state).toMatchObject({ text: '', peers: 0, inRoom: true, encrypted: true });
      expect(await a.state()).toMatchObject({ peers: 1 });
    });
  });

  it('syncs a browser and a Node y-webrtc peer both ways', async () => {
    await explained(async () => {
      const room = `room-${randomUUID()}`;
      // Both open the room at once: the Node peer's process starts while the page loads.
      const node = startPeer('node peer', server!, room);
      peers.push(node);
      const browser = await open('browser', room);

      // The Node peer's process starts in this wait too (Node, tsx, wrtc): a process start's 20 s, as before.
      await browser.until((s) => s.peers === 1, 'WebRTC peer', 20_000);
      await node.until((s) => s.connectedPeers === 1, 'WebRTC peer');

      await browser.type('typed in Chromium');
      await node.until((s) => s.text === 'typed in Chromium', "the browser's text", messageMs);
      node.send({ cmd: 'append', text: ', appended in Node' });
      await browser.until((s) => s.text === 'typed in Chromium, appended in Node', "the Node peer's text", messageMs);
      expect(await browser.textAreaValue()).toBe('typed in Chromium, appended in Node');
    });
  });
});
