import fc from 'fast-check';
import type { ParseLimits } from '../../src/protocol/parse.js';
import { parserRejectionReasons } from '../../src/protocol/rejection.js';

/**
 * Generators of client frames for the fuzz tests, and an oracle written independently of
 * src/protocol/parse.ts that says whether a frame is a valid message under given limits and,
 * when it is not, which rejection reasons are true of it.
 */

/** The reasons the parser itself gives; the handler adds others (authorization, limits). */
export const parserReasons = parserRejectionReasons;
export type ParserReason = (typeof parserReasons)[number];

export type ExpectedParse =
  | { readonly ok: true; readonly type: 'ping' }
  | { readonly ok: true; readonly type: 'subscribe' | 'unsubscribe'; readonly topics: readonly string[] }
  | { readonly ok: true; readonly type: 'publish'; readonly topic: string; readonly value: Record<string, unknown> }
  /** Every reason true of the frame: the parser may name any one of them. */
  | { readonly ok: false; readonly reasons: ReadonlySet<ParserReason> };

const utf8 = new TextEncoder();
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** A JSON string literal, also one left open at the end of the text or ending in a lone backslash. */
const stringLiteral = /"(?:[^"\\]|\\[\s\S]|\\$)*(?:"|$)/g;

/** Whether brackets outside string literals ever nest deeper than `max` (a running count, as written). */
export function nestsDeeperThan(frame: string, max: number): boolean {
  const outside = frame.replace(stringLiteral, '""');
  let depth = 0;
  for (const char of outside) {
    if (char === '[' || char === '{') {
      if (++depth > max) return true;
    } else if (char === ']' || char === '}') {
      depth--;
    }
  }
  return false;
}

function topicProblems(topic: string, limits: ParseLimits): ParserReason[] {
  const problems: ParserReason[] = [];
  if (topic === '') problems.push('empty-topic');
  if (loneSurrogate.test(topic)) problems.push('invalid-topic');
  // A lone surrogate counts as the 3 bytes of U+FFFD, as Node counts it.
  if (utf8.encode(topic).length > limits.maxTopicBytes) problems.push('topic-too-long');
  return problems;
}

/** What parsing `frame` under `limits` must give. */
export function expectedParse(frame: string, limits: ParseLimits): ExpectedParse {
  const reasons = new Set<ParserReason>();
  if (utf8.encode(frame).length > limits.maxMessageBytes) reasons.add('too-large');
  if (nestsDeeperThan(frame, limits.maxNestingDepth)) reasons.add('too-deep');
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    reasons.add('not-json');
    return { ok: false, reasons };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    reasons.add('not-object');
    return { ok: false, reasons };
  }
  const object = value as Record<string, unknown>;
  const type = Object.hasOwn(object, 'type') ? object['type'] : undefined;
  if (type === 'ping') return reasons.size > 0 ? { ok: false, reasons } : { ok: true, type };
  if (type === 'subscribe' || type === 'unsubscribe') {
    const topics = Object.hasOwn(object, 'topics') ? object['topics'] : undefined;
    if (!Array.isArray(topics) || topics.some((topic) => typeof topic !== 'string')) {
      reasons.add('invalid-topics');
      return { ok: false, reasons };
    }
    const unique: string[] = [];
    for (const topic of topics as string[]) if (!unique.includes(topic)) unique.push(topic);
    if (unique.length > limits.maxTopicsPerMessage) reasons.add('too-many-topics');
    for (const topic of unique) for (const problem of topicProblems(topic, limits)) reasons.add(problem);
    return reasons.size > 0 ? { ok: false, reasons } : { ok: true, type, topics: unique };
  }
  if (type === 'publish') {
    const topic = Object.hasOwn(object, 'topic') ? object['topic'] : undefined;
    if (typeof topic !== 'string') reasons.add('invalid-topic');
    else for (const problem of topicProblems(topic, limits)) reasons.add(problem);
    return reasons.size > 0 || typeof topic !== 'string' ? { ok: false, reasons } : { ok: true, type, topic, value: object };
  }
  reasons.add('unknown-type');
  return { ok: false, reasons };
}

/** Keys that mean something to JavaScript objects: a parser that builds objects carelessly trips on them. */
export const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

/** Lone high and low surrogates, unpaired. */
const loneSurrogateChar = fc.oneof(
  fc.integer({ min: 0xd800, max: 0xdbff }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0xdc00, max: 0xdfff }).map((code) => String.fromCharCode(code)),
);

/** Characters of every UTF-8 length, lone surrogates and JSON's special characters. */
export const anyChar = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 3 },
  { arbitrary: loneSurrogateChar, weight: 2 },
  { arbitrary: fc.constantFrom('"', '\\', '[', ']', '{', '}', ',', ':', '\u0000', '\n', '\u2028', '\ufeff'), weight: 2 },
);

/** Any text at all, lone surrogates included. */
export const anyText = (maxLength = 40) => fc.string({ unit: anyChar, maxLength });

/** A JSON string literal of `text`; lone surrogates either escaped (`\ud800`, as JSON.stringify does) or raw. */
function stringText(text: string, raw: boolean): string {
  const json = JSON.stringify(text);
  return raw ? json.replace(/\\u(d[89a-f][0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : json;
}

const jsonString = (text: fc.Arbitrary<string>) => fc.tuple(text, fc.boolean()).map(([value, raw]) => stringText(value, raw));

const whitespace = fc.constantFrom('', '', '', ' ', '\n', '\t', ' \r\n ');

/** An object written entry by entry, so keys may repeat and `__proto__` stays an ordinary key. */
function objectText(entries: readonly (readonly [string, string])[], space = ''): string {
  return `{${space}${entries.map(([key, value]) => `${JSON.stringify(key)}${space}:${space}${value}`).join(`,${space}`)}${space}}`;
}

const keyArb = fc.oneof(
  { arbitrary: fc.constantFrom(...prototypeKeys, 'type', 'topic', 'topics', 'data', 'clients', 'from', 'to'), weight: 2 },
  { arbitrary: anyText(8), weight: 1 },
);

/** Any JSON value as text, shallow enough to stay small. */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ node: string; leaf: string; array: string; object: string }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('array'), tie('object')),
  leaf: fc.oneof(
    jsonString(anyText(12)),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
    fc.integer().map(String),
    fc.constantFrom('true', 'false', 'null', '0', '-0', '1e308', '-1.5E-7'),
  ),
  array: fc.tuple(fc.array(tie('node'), { maxLength: 4 }), whitespace).map(([items, space]) => `[${items.join(`,${space}`)}]`),
  object: fc.tuple(fc.array(fc.tuple(keyArb, tie('node')), { maxLength: 4 }), whitespace).map(([entries, space]) => objectText(entries, space)),
})).node;

/** A y-webrtc `data`: announce, signal (offer, answer, candidate) or an encrypted (base64) payload. */
const webrtcData = fc.oneof(
  fc.uuid().map((from) => JSON.stringify({ type: 'announce', from })),
  fc
    .record({
      to: fc.uuid(),
      from: fc.uuid(),
      token: fc.double({ min: 0, max: 1, noNaN: true }),
      kind: fc.constantFrom('offer', 'answer', 'candidate'),
      sdp: fc.string({ unit: 'grapheme', maxLength: 120 }),
    })
    .map(({ to, from, token, kind, sdp }) =>
      JSON.stringify({
        to,
        from,
        type: 'signal',
        token,
        signal: kind === 'candidate' ? { type: 'candidate', candidate: { candidate: `candidate:1 1 udp 1 ::1 9 typ host ${sdp}`, sdpMid: '0' } } : { type: kind, sdp },
      }),
    ),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => JSON.stringify(Buffer.from(bytes).toString('base64'))),
  jsonText,
);

/** Topics that hit each rule: boundaries of the byte limit, unicode, lone surrogates, prototype names. */
export function topicArbitrary(limits: ParseLimits, pool: readonly string[] = []): fc.Arbitrary<string> {
  const max = limits.maxTopicBytes;
  const ofBytes = (char: string, bytes: number) => char.repeat(Math.max(0, Math.floor(bytes / utf8.encode(char).length)));
  return fc.oneof(
    ...(pool.length > 0 ? [{ arbitrary: fc.constantFrom(...pool), weight: 12 }] : []),
    { arbitrary: fc.constantFrom('room', 'Room', ...prototypeKeys, 'é', '𝄞', '💥', 'a b', 't#x', 'c#y', '\u0000', ' '), weight: 3 },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }), weight: 2 },
    { arbitrary: fc.constantFrom('', 'x'.repeat(max), 'x'.repeat(max + 1), ofBytes('é', max), ofBytes('é', max) + 'é', ofBytes('𝄞', max) + 'xx', ofBytes('€', max + 3)), weight: 2 },
    { arbitrary: fc.tuple(fc.string({ maxLength: 4 }), loneSurrogateChar, fc.string({ maxLength: 4 })).map((parts) => parts.join('')), weight: 1 },
  );
}

export type FrameKind =
  | 'valid'
  | 'wrong-types'
  | 'prototype-keys'
  | 'not-object'
  | 'deep'
  | 'huge-array'
  | 'oversized'
  | 'malformed'
  | 'garbage';

export interface GeneratedFrame {
  readonly kind: FrameKind;
  readonly frame: string;
}

/** Extra top-level fields, prototype keys among them. */
const extras = fc.array(fc.tuple(keyArb, jsonText), { maxLength: 2 }).map((entries) => entries.filter(([key]) => !['type', 'topic', 'topics'].includes(key)));

/** Valid y-webrtc messages (and near misses, when a topic breaks a rule). */
function messageText(topic: fc.Arbitrary<string>, limits: ParseLimits): fc.Arbitrary<string> {
  const topics = fc.oneof(
    { arbitrary: fc.array(topic, { maxLength: Math.min(4, limits.maxTopicsPerMessage) }), weight: 6 },
    { arbitrary: fc.array(topic, { maxLength: limits.maxTopicsPerMessage + 2 }), weight: 1 },
  );
  const rawTopics = fc.tuple(topics, fc.boolean()).map(([list, raw]) => `[${list.map((t) => stringText(t, raw)).join(',')}]`);
  const rawTopic = fc.tuple(topic, fc.boolean()).map(([t, raw]) => stringText(t, raw));
  return fc.oneof(
    { arbitrary: fc.tuple(fc.constantFrom('subscribe', 'unsubscribe'), rawTopics, extras, whitespace).map(([type, list, more, space]) => objectText([['type', JSON.stringify(type)], ['topics', list], ...more], space)), weight: 4 },
    { arbitrary: fc.tuple(rawTopic, webrtcData, extras, whitespace).map(([t, data, more, space]) => objectText([['type', '"publish"'], ['topic', t], ['data', data], ...more], space)), weight: 5 },
    { arbitrary: fc.tuple(extras, whitespace).map(([more, space]) => objectText([['type', '"ping"'], ...more], space)), weight: 1 },
  );
}

/** The right keys with values of the wrong type. */
function wrongTypes(topic: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const notString = fc.oneof(jsonText, fc.constantFrom('null', '1', 'true', '[]', '{}', '["room"]', '{"0":"room"}'));
  const typeValue = fc.oneof(
    notString,
    fc.constantFrom('"PING"', '"Subscribe"', '"publish "', '"$connect"', '"$default"', '"$disconnect"', '""', '"pong"', ...prototypeKeys.map((key) => JSON.stringify(key))),
  );
  return fc.oneof(
    fc.tuple(typeValue, extras).map(([type, more]) => objectText([['type', type], ...more])),
    fc.tuple(fc.constantFrom('"subscribe"', '"unsubscribe"'), fc.oneof(notString, fc.array(fc.oneof(topic.map((t) => JSON.stringify(t)), notString), { minLength: 1, maxLength: 4 }).map((items) => `[${items.join(',')}]`))).map(([type, topics]) => objectText([['type', type], ['topics', topics]])),
    notString.map((value) => objectText([['type', '"publish"'], ['topic', value], ['data', '{}']])),
    fc.constantFrom('{"type":"subscribe"}', '{"type":"publish","data":{}}', '{"topics":["room"]}', '{}'),
  );
}

/** `__proto__`, `constructor` and friends, as keys and as values, where a careless parser would look them up. */
function prototypeFrames(topic: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const key = fc.constantFrom(...prototypeKeys);
  const inner = fc.oneof(fc.constant('{"type":"ping"}'), topic.map((t) => `{"type":"subscribe","topics":[${JSON.stringify(t)}]}`), fc.constant('{"type":"publish","topic":"room"}'));
  return fc.oneof(
    fc.tuple(key, inner).map(([k, value]) => objectText([[k, value]])),
    fc.tuple(key, inner, fc.constantFrom('"ping"', '"subscribe"', '"publish"')).map(([k, value, type]) => objectText([[k, value], ['type', type], ['topics', '["room"]'], ['topic', '"room"']])),
    fc.tuple(key, topic).map(([k, t]) => objectText([['type', '"publish"'], ['topic', JSON.stringify(t)], [k, '{"type":"subscribe","topics":["x"]}'], ['data', `{"${k}":{"polluted":true}}`]])),
    key.map((k) => objectText([['type', JSON.stringify(k)], ['topics', '["room"]']])),
    fc.tuple(key, key).map(([a, b]) => objectText([['type', '"subscribe"'], ['topics', `[${JSON.stringify(a)},${JSON.stringify(b)}]`]])),
    fc.constant('{"type":"ping","type":"publish","topic":"room"}'),
    fc.constant('{"type":"publish","topic":"room","topic":["room"]}'),
    fc.constant('{"constructor":{"prototype":{"type":"ping"}}}'),
  );
}

/** Nesting around the limit and far beyond it, arrays and objects, and brackets inside strings that do not count. */
function deepFrames(limits: ParseLimits, bulk: number): fc.Arbitrary<string> {
  const max = limits.maxNestingDepth;
  const depth = fc.oneof(fc.integer({ min: Math.max(0, max - 3), max: max + 2 }), fc.integer({ min: max, max: Math.max(max, bulk) }));
  const nest = (levels: number, kind: 'array' | 'object' | 'mixed', core: string) => {
    const open = { array: '[', object: '{"a":', mixed: '[{"a":' }[kind];
    const close = { array: ']', object: '}', mixed: '}]' }[kind];
    const pairs = kind === 'mixed' ? Math.floor(levels / 2) : levels;
    const odd = kind === 'mixed' && levels % 2 === 1;
    return `${open.repeat(pairs)}${odd ? '[' : ''}${core}${odd ? ']' : ''}${close.repeat(pairs)}`;
  };
  return fc.oneof(
    fc.tuple(depth, fc.constantFrom<'array' | 'object' | 'mixed'>('array', 'object', 'mixed')).map(([levels, kind]) => `{"type":"publish","topic":"room","data":${nest(Math.max(0, levels - 1), kind, '1')}}`),
    fc.tuple(depth, fc.constantFrom<'array' | 'object'>('array', 'object')).map(([levels, kind]) => nest(levels, kind, '"x"')),
    depth.map((levels) => `{"type":"subscribe","topics":${'['.repeat(levels)}"room"${']'.repeat(levels)}}`),
    depth.map((levels) => JSON.stringify({ type: 'publish', topic: 'room', data: '['.repeat(levels) + '\\"{' })),
    depth.map((levels) => `{"type":"publish","topic":"room","data":"\\"${'['.repeat(levels)}"}`),
    // Unbalanced and unterminated: the counting must not be fooled, nor the parser crash.
    depth.map((levels) => `${']'.repeat(levels)}${'['.repeat(levels)}`),
    depth.map((levels) => `{"type":"publish","topic":"room","data":"${'['.repeat(levels)}`),
  );
}

/** Long arrays: of topics (most of them repeats, or too many) and of data. */
function hugeArrays(topic: fc.Arbitrary<string>, limits: ParseLimits, bulk: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(fc.array(topic, { minLength: 1, maxLength: 3 }), fc.integer({ min: 10, max: Math.max(10, Math.min(3_000, bulk)) })).map(([few, count]) =>
      JSON.stringify({ type: 'subscribe', topics: Array.from({ length: count }, (_, n) => few[n % few.length]) }),
    ),
    fc.integer({ min: limits.maxTopicsPerMessage - 1, max: limits.maxTopicsPerMessage + 200 }).map((count) =>
      JSON.stringify({ type: 'unsubscribe', topics: Array.from({ length: count }, (_, n) => `t${n}`) }),
    ),
    fc.integer({ min: 100, max: Math.max(100, bulk) }).map((count) => `{"type":"publish","topic":"room","data":[${Array.from({ length: count }, (_, n) => n % 10).join(',')}]}`),
    fc.integer({ min: 100, max: Math.max(100, Math.min(5_000, bulk)) }).map((count) => `[${'"subscribe",'.repeat(count)}"room"]`),
  );
}

/** Messages right at the size limit, in characters of 1 to 4 UTF-8 bytes (and lone surrogates, 3 bytes each). */
function oversized(limits: ParseLimits): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom('x', 'é', '€', '𝄞', '\ud800'), fc.integer({ min: -6, max: 6 }), fc.boolean()).map(([char, delta, raw]) => {
    const head = '{"type":"publish","topic":"room","data":';
    const tail = '}';
    const charBytes = utf8.encode(char).length;
    const escaped = raw ? char : JSON.stringify(char).slice(1, -1);
    const room = limits.maxMessageBytes + delta - head.length - tail.length - 2;
    const count = Math.max(0, Math.floor(room / (raw ? charBytes : utf8.encode(escaped).length)));
    return `${head}"${escaped.repeat(count)}${'x'.repeat(Math.max(0, room - count * utf8.encode(escaped).length))}"${tail}`;
  });
}

/** A valid message damaged: cut, a character inserted, deleted or replaced, or JSON's look-alikes. */
function malformed(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(valid, fc.nat()).map(([text, at]) => text.slice(0, at % Math.max(1, text.length))),
    fc.tuple(valid, fc.nat(), anyChar).map(([text, at, char]) => text.slice(0, at % (text.length + 1)) + char + text.slice(at % (text.length + 1))),
    fc.tuple(valid, fc.nat()).map(([text, at]) => text.slice(0, at % Math.max(1, text.length)) + text.slice((at % Math.max(1, text.length)) + 1)),
    fc.tuple(valid, fc.nat(), anyChar).map(([text, at, char]) => {
      const index = at % Math.max(1, text.length);
      return text.slice(0, index) + char + text.slice(index + 1);
    }),
    fc.tuple(valid, fc.constantFrom('\ufeff', ' ', 'x', ',', '//', '/*c*/')).map(([text, prefix]) => prefix + text),
    valid.map((text) => `${text},`),
    valid.map((text) => text.replaceAll('"', "'")),
    fc.constantFrom(
      '',
      ' ',
      'null',
      'undefined',
      'NaN',
      '{"type":"publish","topic":"room","data":NaN}',
      '{"type":"ping",}',
      "{'type':'ping'}",
      '{type:"ping"}',
      '{"type":"ping"}{"type":"ping"}',
      '{"type":"subscribe","topics":["room",]}',
      '{"type":"publish","topic":"room" /* c */}',
      '{"type":"publish","topic":"\\x41"}',
      '{"type":"publish","topic":"\\u12"}',
      '{"type":"publish","topic":"room\\',
      '{"type":"ping"}\u0000',
    ),
  );
}

export interface FrameOptions {
  readonly limits: ParseLimits;
  /** Topics to favour, so that subscribes and publishes meet. */
  readonly pool?: readonly string[];
  /** Relative weight of valid messages among the rest. */
  readonly validWeight?: number;
  /** Largest nesting depth and array length of the bulky frames. */
  readonly bulk?: number;
}

/** Every kind of frame, valid ones among them. */
export function frameArbitrary({ limits, pool = [], validWeight = 6, bulk = 20_000 }: FrameOptions): fc.Arbitrary<GeneratedFrame> {
  const topic = topicArbitrary(limits, pool);
  const valid = messageText(topic, limits);
  const kinds: [FrameKind, fc.Arbitrary<string>, number][] = [
    ['valid', valid, validWeight],
    ['wrong-types', wrongTypes(topic), 2],
    ['prototype-keys', prototypeFrames(topic), 2],
    ['not-object', fc.oneof(jsonText, fc.constantFrom('[]', '[{"type":"ping"}]', '"ping"', '0', 'null', 'true')).filter((text) => !text.startsWith('{')), 1],
    ['deep', deepFrames(limits, bulk), 2],
    ['huge-array', hugeArrays(topic, limits, bulk), 1],
    ['oversized', oversized(limits), 1],
    ['malformed', malformed(valid), 3],
    ['garbage', fc.oneof(anyText(60), fc.string({ unit: 'binary', maxLength: 200 })), 1],
  ];
  return fc.oneof(...kinds.map(([kind, arbitrary, weight]) => ({ arbitrary: arbitrary.map((frame) => ({ kind, frame })), weight })));
}

/** Object keys in order, recursively, so two values compare with their `__proto__` keys and key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
