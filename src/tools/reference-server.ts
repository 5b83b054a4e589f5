import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
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
  return { url: `ws://127.0.0.1:${port}`, stop: () => stopProcess(child) };
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
