import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startupProblems } from '../../src/local/startup-check.js';

describe("npm start's configuration check", () => {
  it('names every bad setting at once, before anything starts', async () => {
    const problems = await startupProblems({
      PORT: '99999',
      MAX_TOPICS_PER_MESSAGE: '-1',
      PUBLISH_BURST: 'lots',
      JOIN_ORDER: 'whenever',
      GATEWAY_TIMING: 'fast',
      AUTH_JWT_SECRET: 'short',
      AUTH_ISSUER: 'https://issuer.example',
      AUTH_AUDIENCE: 'signaling',
    });
    expect(problems).toEqual([
      'PORT must be an integer from 0 to 65535, got "99999"',
      'GATEWAY_TIMING must be in-order, parallel, aws, got "fast"',
      'MAX_TOPICS_PER_MESSAGE must be a positive integer, got "-1"',
      'PUBLISH_BURST must be a positive integer, got "lots"',
      'JOIN_ORDER must be room or arrival, got "whenever"',
      'AUTH_JWT_SECRET must be at least 32 bytes (HS256 needs a 256-bit key)',
    ]);
  });

  it('finds a port in use', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      expect(await startupProblems({ PORT: String(port) })).toEqual([`port ${port} is in use: stop what runs there or set PORT=<another port>`]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('finds nothing wrong with the defaults', async () => {
    expect(await startupProblems({ PORT: '0' })).toEqual([]);
  });
});
