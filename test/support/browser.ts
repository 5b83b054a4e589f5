import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { DemoState } from '../../src/demo/demo-state.js';
import { descendantsOf, isAlive } from './processes.js';

/** Debian's Chromium (`apt-get install chromium`, done by .ci/run). */
export const chromiumPath = '/usr/bin/chromium';

/**
 * Headless, no sandbox (root), and nothing of Chromium's own that talks to the network.
 * Local IPs are not hidden behind mDNS names: two browsers on one machine would otherwise need
 * multicast DNS to resolve each other's candidates.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/**
 * A network namespace that has loopback plus a veth pair with a default route, both ends in
 * the namespace: Chromium gathers no ICE candidates with loopback alone, and with this it
 * offers 10.213.0.1, which no packet can leave the namespace from.
 */
export const vethNamespaceSetup = [
  'ip link set lo up',
  'ip link add veth0 type veth peer name veth1',
  'ip addr add 10.213.0.1/24 dev veth0',
  'ip link set veth0 up',
  'ip link set veth1 up',
  'ip route add default via 10.213.0.2 dev veth0',
].join(' && ');

/** Whether a veth namespace can be made here: as root where `unshare -n` is allowed. */
export function vethNamespaceAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', vethNamespaceSetup], { stdio: 'ignore', timeout: 5_000 });
  return probe.status === 0;
}

export function chromiumAvailable(): boolean {
  return spawnSync(chromiumPath, ['--version'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

export interface LaunchedBrowser {
  readonly browser: Browser;
  /** Closes the browser, kills whatever of it is left by pid, removes the temporary files. */
  close(): Promise<void>;
}

/**
 * Launches Chromium through Playwright, inside `networkNamespace` (`/proc/<pid>/ns/net`) when
 * given. Playwright talks to Chromium over a pipe (fds 3 and 4), so a wrapper script can put
 * it in another namespace with `nsenter` and still be driven from here; the wrapper also
 * writes the browser's pid (sh and nsenter exec, so it is Chromium's own) so that nothing
 * outlives the test. Playwright gives every launch a fresh temporary profile.
 */
export async function launchChromium(options: { networkNamespace?: string | undefined } = {}): Promise<LaunchedBrowser> {
  const directory = await mkdtemp(join(tmpdir(), 'browser-test-'));
  const pidFile = join(directory, 'chromium.pid');
  const wrapper = join(directory, 'chromium');
  const enter = options.networkNamespace ? `nsenter --net=${shellQuote(options.networkNamespace)} ` : '';
  await writeFile(wrapper, `#!/bin/sh\necho $$ > ${shellQuote(pidFile)}\nexec ${enter}${chromiumPath} "$@"\n`);
  await chmod(wrapper, 0o755);

  const cleanUp = async () => {
    const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
    if (pid > 0 && isAlive(pid)) {
      for (const child of [...descendantsOf(pid), pid]) killQuietly(child);
    }
    await rm(directory, { recursive: true, force: true });
  };
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: wrapper, headless: true, args: chromiumArgs, timeout: 30_000 });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return {
    browser,
    async close() {
      await Promise.race([browser.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000))]);
      await cleanUp();
    },
  };
}

/** One demo page in a browser context of its own (contexts share no BroadcastChannel). */
export class DemoPage {
  private readonly log: string[] = [];

  private constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (message) => this.log.push(`[console.${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => this.log.push(`[pageerror] ${error.message}`));
  }

  /** Opens `baseUrl` (the server's http:// URL) on `room`; password, token and token URL go in the query. */
  static async open(
    browser: Browser,
    name: string,
    baseUrl: string,
    room: string,
    options: { password?: string; token?: string; tokenUrl?: string; relay?: '1'; iceServers?: string; clientModule?: 'off' } = {},
  ): Promise<DemoPage> {
    const context = await browser.newContext({ viewport: { width: 640, height: 520 } });
    const page = await context.newPage();
    const demo = new DemoPage(name, context, page);
    const url = new URL('/', baseUrl);
    for (const name of ['password', 'token', 'tokenUrl', 'relay', 'iceServers', 'clientModule'] as const) {
      if (options[name]) url.searchParams.set(name, options[name]);
    }
    url.hash = encodeURIComponent(room);
    await page.goto(url.toString());
    // A page load, as a user waits for it (the bundle is built when the server starts).
    await page.waitForFunction(() => 'yDemo' in globalThis, undefined, { timeout: 10_000 });
    return demo;
  }

  state(): Promise<DemoState> {
    return this.page.evaluate(() => (globalThis as unknown as { yDemo: { state(): DemoState } }).yDemo.state());
  }

  /**
   * Polls the page until `check` holds for its state, and returns that state. The default
   * allows a WebRTC connection in Chromium on a loaded 2-core machine (~10 s).
   */
  async until(check: (state: DemoState) => boolean, what: string, timeoutMs = 10_000): Promise<DemoState> {
    const deadline = Date.now() + timeoutMs;
    let last: DemoState | undefined;
    for (;;) {
      last = await this.state();
      if (check(last)) return last;
      if (Date.now() > deadline) {
        throw new Error(`${this.name}: no ${what} within ${timeoutMs} ms; last state ${JSON.stringify(last)}\n${this.output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Types `text` at the end of the text area, key by key, as a user would. */
  async type(text: string): Promise<void> {
    const area = this.page.locator('#text');
    await area.click();
    await this.page.keyboard.press('Control+End');
    await area.pressSequentially(text);
  }

  /** What the text area shows. */
  textAreaValue(): Promise<string> {
    return this.page.locator('#text').inputValue();
  }

  output(): string {
    return this.log.slice(-30).join('\n');
  }

  close(): Promise<void> {
    return this.context.close().catch(() => undefined);
  }
}

/**
 * Screenshots of pages side by side in one image: each page's picture, labelled, laid out
 * in a page of a context of its own (which joins no room).
 */
export async function sideBySide(browser: Browser, shots: readonly { label: string; png: Buffer }[]): Promise<Buffer> {
  const context = await browser.newContext({ viewport: { width: 640 * shots.length + 24 * (shots.length + 1), height: 580 } });
  try {
    const page = await context.newPage();
    const figures = shots
      .map(
        (shot) =>
          `<figure><figcaption>${escapeHtml(shot.label)}</figcaption><img src="data:image/png;base64,${shot.png.toString('base64')}"></figure>`,
      )
      .join('');
    await page.setContent(
      `<!doctype html><style>
        body { margin: 0; padding: 12px; display: flex; gap: 24px; justify-content: center; background: #dfe4ec; font: 14px system-ui, sans-serif; }
        figure { margin: 0; } figcaption { margin: 0 0 6px 4px; color: #3a4352; font-weight: 600; }
        img { display: block; width: 640px; border-radius: 8px; box-shadow: 0 2px 10px rgba(0,0,0,.18); }
      </style><body>${figures}</body>`,
    );
    await page.waitForFunction(() =>
      [...(globalThis as unknown as { document: { images: Iterable<{ complete: boolean }> } }).document.images].every(
        (image) => image.complete,
      ),
    );
    return await page.screenshot({ fullPage: true });
  } finally {
    await context.close();
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Something whose output explains a failure: a page, a peer, the server. */
export interface OutputSource {
  readonly name: string;
  output(): string;
}

/** Runs `run`; when it fails, the error carries the output of every source named, in that order. */
export async function withOutputs<T>(run: () => Promise<T>, sources: () => readonly OutputSource[]): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const outputs = sources().map((source) => `--- ${source.name} ---\n${source.output()}`);
    throw new Error(`${(error as Error).message}\n${outputs.join('\n')}`, { cause: error });
  }
}
