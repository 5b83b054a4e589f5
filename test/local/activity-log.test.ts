import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectEvent, disconnectEvent, messageEvent } from '../../src/gateway/event-builders.js';
import { ActivityLog } from '../../src/local/activity-log.js';

const api = { apiId: 'local', stage: 'local', domainName: '127.0.0.1' };
const connection = { connectionId: 'abc123', connectedAt: 0, sourceIp: '127.0.0.1' };

describe('the activity log', () => {
  afterEach(() => vi.useRealTimers());

  it('prints a line per connect, subscribe, unsubscribe and leave once the function succeeded, nothing for other frames or failures', async () => {
    const lines: string[] = [];
    const log = new ActivityLog((line) => lines.push(line));
    const ok = async () => ({ statusCode: 200 });
    const refused = async () => ({ statusCode: 400 });
    await log.connect(ok)(connectEvent(api, connection, { headers: {}, query: new URLSearchParams() }));
    await log.message(ok)(messageEvent(api, connection, { routeKey: 'subscribe', body: JSON.stringify({ type: 'subscribe', topics: ['a', 'b', 'c', 'd'] }) }));
    await log.message(ok)(messageEvent(api, connection, { routeKey: 'publish', body: JSON.stringify({ type: 'publish', topic: 'a' }) }));
    await log.message(refused)(messageEvent(api, connection, { routeKey: 'subscribe', body: JSON.stringify({ type: 'subscribe', topics: ['x'] }) }));
    await log.message(ok)(messageEvent(api, connection, { routeKey: 'unsubscribe', body: JSON.stringify({ type: 'unsubscribe', topics: ['a'] }) }));
    await log.disconnect(ok)(disconnectEvent(api, connection, { statusCode: 1000, reason: '' }));
    log.stop();
    expect(lines).toEqual([
      'connect      abc123 from 127.0.0.1',
      'subscribe    abc123 to "a", "b", "c" and 1 more',
      'unsubscribe  abc123 from "a"',
      'leave        abc123 (close code 1000)',
    ]);
  });

  it('prints at most its lines a second under load, then counts the rest', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const log = new ActivityLog((line) => lines.push(line), 3);
    const connect = log.connect(async () => ({ statusCode: 200 }));
    for (let n = 0; n < 10; n++) await connect(connectEvent(api, { ...connection, connectionId: `c${n}` }, { headers: {}, query: new URLSearchParams() }));
    vi.advanceTimersByTime(1_000);
    await connect(connectEvent(api, { ...connection, connectionId: 'next' }, { headers: {}, query: new URLSearchParams() }));
    log.stop();
    expect(lines).toEqual([
      'connect      c0 from 127.0.0.1',
      'connect      c1 from 127.0.0.1',
      'connect      c2 from 127.0.0.1',
      '… and 7 connects more in that second (the dashboard counts every one)',
      'connect      next from 127.0.0.1',
    ]);
  });
});
