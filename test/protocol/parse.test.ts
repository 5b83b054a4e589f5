import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/config/limits.js';
import { deliveryOf, type PublishMessage } from '../../src/protocol/messages.js';
import { parseClientMessage } from '../../src/protocol/parse.js';

const parse = (frame: string) => parseClientMessage(frame, defaultLimits);

describe('parseClientMessage', () => {
  it('reads the four y-webrtc messages', () => {
    expect(parse('{"type":"subscribe","topics":["a","B"]}')).toEqual({ ok: true, message: { type: 'subscribe', topics: ['a', 'B'] } });
    expect(parse('{"type":"unsubscribe","topics":[]}')).toEqual({ ok: true, message: { type: 'unsubscribe', topics: [] } });
    expect(parse('{"type":"ping"}')).toEqual({ ok: true, message: { type: 'ping' } });
    const publish = '{"type":"publish","topic":"r","data":{"type":"announce","from":"u"}}';
    expect(parse(publish)).toEqual({ ok: true, message: JSON.parse(publish) });
  });

  it('drops repeated topics, so one message never writes one key twice', () => {
    expect(parse('{"type":"subscribe","topics":["a","a","b"]}')).toEqual({ ok: true, message: { type: 'subscribe', topics: ['a', 'b'] } });
  });

  it('counts topic length in UTF-8 bytes', () => {
    const limits = { ...defaultLimits, maxTopicBytes: 4 };
    expect(parseClientMessage('{"type":"subscribe","topics":["éé"]}', limits).ok).toBe(true);
    expect(parseClientMessage('{"type":"subscribe","topics":["ééé"]}', limits)).toMatchObject({ ok: false, reason: 'topic-too-long' });
  });

  it('counts the message size in UTF-8 bytes', () => {
    const limits = { ...defaultLimits, maxMessageBytes: 45 };
    const frame = JSON.stringify({ type: 'publish', topic: 'r', d: 'ü'.repeat(6) });
    expect(frame.length).toBeLessThanOrEqual(45);
    expect(parseClientMessage(frame, limits)).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('allows as many topics as the limit and no more', () => {
    const topics = (n: number) => JSON.stringify({ type: 'subscribe', topics: Array.from({ length: n }, (_, i) => `t${i}`) });
    expect(parse(topics(defaultLimits.maxTopicsPerMessage)).ok).toBe(true);
    expect(parse(topics(defaultLimits.maxTopicsPerMessage + 1))).toMatchObject({ ok: false, reason: 'too-many-topics' });
  });

  it('measures nesting outside strings only, escapes included', () => {
    const limits = { ...defaultLimits, maxNestingDepth: 3 };
    expect(parseClientMessage('{"type":"publish","topic":"r","d":[[1]]}', limits).ok).toBe(true);
    expect(parseClientMessage('{"type":"publish","topic":"r","d":[[[1]]]}', limits)).toMatchObject({ reason: 'too-deep' });
    expect(parseClientMessage('{"type":"publish","topic":"r","d":"\\"[[[[[{{{"}', limits).ok).toBe(true);
  });
});

describe('deliveryOf', () => {
  it('adds the receiver count and keeps every other field, in order', () => {
    const message = JSON.parse('{"type":"publish","topic":"r","clients":7,"x":[1]}') as PublishMessage;
    expect(deliveryOf(message, 2)).toBe('{"type":"publish","topic":"r","clients":2,"x":[1]}');
  });
});
