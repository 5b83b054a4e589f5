import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../local/free-port.js';

export interface ReferenceServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** y-webrtc's own signaling server, `bin/server.js` from node_modules, on a free loopback port. */
export async function startReferenceServer(): Promise<ReferenceServer> {
  const port = await freePort();
  const script = join(packageRoot('y-webrtc'), 'bin', 'server.js');
  const preload = fileURLToPath(new URL('./loopback-only.mjs', import.meta.url));
  const child = spawn(process.execPath, ['--import', preload, script], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`y-webrtc server exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Signaling server running')) resolve();
    });
  });
  // It prints that line right after calling listen(), before the port is bound (on Node 22 the
  // first connections were refused): wait until it accepts one.
  await untilAccepting(port).catch(async (error: unknown) => {
    await stopProcess(child);
    throw error;
  });
  return { url: `ws://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

/** Resolves once 127.0.0.1:`port` accepts a TCP connection: a server that says it runs may not be bound yet. */
export async function untilAccepting(port: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    if (Date.now() > deadline) throw new Error(`y-webrtc's server did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** bin/server.js is not among y-webrtc's exports: find it from the package's main entry. */
function packageRoot(name: string): string {
  let folder = dirname(createRequire(import.meta.url).resolve(name));
  while (!existsSync(join(folder, 'package.json'))) folder = dirname(folder);
  return folder;
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
