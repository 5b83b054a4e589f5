import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DemoState } from '../../src/demo/demo-state.js';
import { freePort } from '../../src/local/free-port.js';
import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { launchChromium, type LaunchedBrowser } from '../support/browser.js';
import { startTestRuntime } from '../support/runtime.js';
import { hs256Token, testAudience, testIssuer, testSecret } from '../support/tokens.js';
import { skipWithout } from '../support/required-tools.js';

/**
 * The demo page says, in words and within a few seconds, why it is not connected or not in
 * its room: an unreachable server, a missing token (401), a token whose rooms leave its room
 * out. No WebRTC here: only the page and the signaling server, on the host's loopback.
 */
const auth = { secret: testSecret, issuer: testIssuer, audience: testAudience, roomsClaim: 'rooms' };
/** The page waits 4 s before it asks; a user reads the answer a moment later. */
const problemShownMs = 8_000;

// Each test has a page and a room of its own, and mostly waits for the page's diagnosis: they run at once.
describe.skipIf(skipWithout(['chromium'], 'browser-problems.test.ts')).concurrent('the demo page, when it cannot work', () => {
  let runtime: LocalRuntime;
  let launched: LaunchedBrowser;
  let pageUrl = '';
  const pages: Page[] = [];

  beforeAll(async () => {
    runtime = await startTestRuntime({ settings: { auth } });
    pageUrl = `${runtime.url.replace(/^ws/, 'http')}/`;
    launched = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(pages.splice(0).map((page) => page.context().close()));
    await launched?.close();
    await runtime?.stop();
  }, 40_000);

  async function open(query: Record<string, string>, room: string): Promise<Page> {
    const context = await launched.browser.newContext();
    const page = await context.newPage();
    pages.push(page);
    const url = new URL(pageUrl);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    url.hash = room;
    await page.goto(url.toString());
    return page;
  }

  const stateOf = (page: Page) => page.evaluate(() => (globalThis as unknown as { yDemo: { state(): DemoState } }).yDemo.state());

  async function problemOf(page: Page): Promise<string> {
    const alert = page.locator('#signaling-problem');
    await alert.waitFor({ state: 'visible', timeout: problemShownMs });
    expect((await stateOf(page)).problem).toBe(await alert.textContent());
    return (await alert.textContent()) ?? '';
  }

  it('says a token is required when the server refuses the handshake with 401', async () => {
    const page = await open({}, 'no-token');
    expect(await problemOf(page)).toMatch(/requires a token \(401: no token in the query string\)\. Put a JWT in the token field/);
  });

  it('says a token was refused, and why', async () => {
    const page = await open({ token: await hs256Token({}, { audience: 'another-api' }) }, 'elsewhere-issued');
    expect(await problemOf(page)).toMatch(/refused the token \(401: .*aud.*\)/);
  });

  it('says the token it was given has expired, before trying the server with it', async () => {
    const page = await open({ token: await hs256Token({}, { expiresIn: '-1m' }) }, 'stale');
    expect(await problemOf(page)).toMatch(/^No valid signaling token: the token expired at .*: put a fresh one in the token field, or give a token URL\.$/);
  });

  it("says the token's rooms leave the page's room out, and which rooms it allows", async () => {
    const page = await open({ token: await hs256Token({ rooms: ['team-a/*', 'lobby'] }) }, 'elsewhere');
    expect(await problemOf(page)).toBe(
      'Your token does not allow the room "elsewhere": the server ignores what this page sends there. It allows: lobby, team-a/*. Pick one of those rooms.',
    );
    expect((await stateOf(page)).signaling).toBe('connected');
  });

  it('says it cannot reach a signaling server that is not there', async () => {
    const page = await open({ signaling: `ws://127.0.0.1:${await freePort()}` }, 'nowhere');
    expect(await problemOf(page)).toMatch(/^Cannot connect to ws:\/\/127\.0\.0\.1:\d+/);
  });

  it('says a ?signaling= that is no URL is not used, and which server it uses instead', async () => {
    const page = await open({ signaling: 'notaurl', token: await hs256Token({ rooms: ['lobby'] }) }, 'lobby');
    expect(await problemOf(page)).toBe(
      `The address asks for the signaling server "notaurl", which is not a ws:// or wss:// URL. This page uses its own server (${runtime.url}) instead: put the right URL in the signaling URL field below.`,
    );
    // It still works, on its own server.
    await page.waitForFunction(() => (globalThis as unknown as { yDemo: { state(): DemoState } }).yDemo.state().inRoom, undefined, { timeout: 10_000 });
  });

  it('shows no problem when the token allows the room', async () => {
    const page = await open({ token: await hs256Token({ rooms: ['lobby'] }) }, 'lobby');
    await page.waitForFunction(() => (globalThis as unknown as { yDemo: { state(): DemoState } }).yDemo.state().inRoom, undefined, { timeout: 5_000 });
    await page.waitForTimeout(5_000);
    expect((await stateOf(page)).problem).toBeUndefined();
    expect(await page.locator('#signaling-problem').isHidden()).toBe(true);
  });
});
