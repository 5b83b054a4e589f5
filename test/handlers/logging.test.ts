import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'DEBUG';
});

import type { LocalRuntime } from '../../src/local/local-runtime.js';
import { eventually, startTestRuntime } from '../support/runtime.js';
import { TestClient } from '../support/test-client.js';

let runtime: LocalRuntime;
const lines: string[] = [];

beforeAll(async () => {
  runtime = await startTestRuntime();
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: string | Uint8Array) => boolean;
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      return write(chunk);
    });
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  await runtime?.stop();
});

describe('handler logs', () => {
  it('are JSON lines that all carry the connection id and the request id', async () => {
    const client = await TestClient.connect(runtime.url);
    client.send({ type: 'subscribe', topics: ['logged'] });
    client.send('{"type":"subscribe","topics":"not a list"}');
    await eventually(() => lines.some((line) => line.includes('"message rejected"')), 20_000, 'the refusal logged');
    await client.close();
    await runtime.poller.drained();

    const records = lines.filter((line) => line.startsWith('{"level"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record['message'])).toEqual(
      expect.arrayContaining(['connected', 'message rejected', 'disconnected', 'connection cleaned up']),
    );
    for (const record of records) {
      expect(record).toMatchObject({ connectionId: expect.any(String), requestId: expect.any(String), service: 'y-webrtc-signaling' });
    }
    expect(records.find((record) => record['message'] === 'message rejected')).toMatchObject({
      level: 'WARN',
      reason: 'invalid-topics',
    });
    expect(new Set(records.map((record) => record['connectionId'])).size).toBe(1);
  });
});
