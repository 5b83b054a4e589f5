import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/config/limits.js';
import { deliveryOf, type PublishMessage } from '../../src/protocol/messages.js';
import { parseClientMessage, type ParseLimits } from '../../src/protocol/parse.js';
import { rejectionReasons } from '../../src/protocol/rejection.js';
import {
  anyText,
  canonical,
  expectedParse,
  frameArbitrary,
  nestsDeeperThan,
  parserReasons,
  prototypeKeys,
  type FrameKind,
  type ParserReason,
} from '../support/fuzz-frames.js';

/** Small limits make every boundary reachable by short frames; the defaults are fuzzed too. */
const limitsArbitrary: fc.Arbitrary<ParseLimits> = fc.oneof(
  fc.constant({ ...defaultLimits }),
  fc.record({
    maxMessageBytes: fc.integer({ min: 24, max: 4_096 }),
    maxNestingDepth: fc.integer({ min: 1, max: 40 }),
    maxTopicBytes: fc.integer({ min: 1, max: 64 }),
    maxTopicsPerMessage: fc.integer({ min: 1, max: 40 }),
  }),
);

/**
 * JSON text written together with the value it stands for. The value is built from the
 * generated parts, never by JSON.parse, so it is an expectation independent of the parser:
 * strings in several escapings (every code unit as \uXXXX, short escapes, lone surrogates raw),
 * numbers in several spellings, whitespace between tokens, repeated keys (the last value
 * wins, at the first one's place), integer-like keys (JavaScript lists them first) and
 * `__proto__` and friends as ordinary keys.
 */
interface Written {
  readonly text: string;
  readonly value: unknown;
}

const jsonWhitespace = fc.constantFrom('', '', ' ', '\n', '\t', '\r\n ');

function escapedUnit(code: number, upper: boolean): string {
  const hex = code.toString(16).padStart(4, '0');
  return `\\u${upper ? hex.toUpperCase() : hex}`;
}

const shortEscapes: Record<string, string> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A string literal of `value`, escaped one of the ways JSON allows, unit by unit (lone surrogates too). */
function stringLiteral(value: string, style: 'all-escaped' | 'short-escapes', upper: boolean): string {
  let text = '"';
  for (let i = 0; i < value.length; i++) {
    const char = value.charAt(i);
    const code = value.charCodeAt(i);
    if (style === 'all-escaped') text += escapedUnit(code, upper);
    else text += shortEscapes[char] ?? (code < 0x20 ? escapedUnit(code, upper) : char);
  }
  return `${text}"`;
}

const writtenString = (text: fc.Arbitrary<string>): fc.Arbitrary<Written> =>
  fc
    .tuple(text, fc.constantFrom<'all-escaped' | 'short-escapes'>('all-escaped', 'short-escapes'), fc.boolean())
    .map(([value, style, upper]) => ({ text: stringLiteral(value, style, upper), value }));

const writtenNumber: fc.Arbitrary<Written> = fc.oneof(
  fc.tuple(fc.integer(), fc.constantFrom('', '.0', 'e0', 'E+0', '.000e-0')).map(([n, suffix]) => ({ text: `${n}${suffix}`, value: n })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).chain((d) => {
    const value = d === 0 ? 0 : d;
    return fc.constantFrom({ text: String(value), value }, { text: value.toExponential(), value });
  }),
  fc.constantFrom<Written>({ text: '-0', value: -0 }, { text: '1E2', value: 100 }, { text: '0.5e-1', value: 0.05 }, { text: '-1.5E-7', value: -1.5e-7 }, { text: '1e308', value: 1e308 }),
);

/** Keys JavaScript treats specially: prototype names, and integer-like keys that objects list first. */
const writtenKey = writtenString(
  fc.oneof(
    fc.constantFrom(...prototypeKeys, 'type', 'topic', 'data', 'clients', '0', '1', '10', '01', '-1', '1.5', '4294967294', '4294967295'),
    anyText(8),
  ),
);

/** An object as JSON.parse must build it: each key defined in turn, a repeated key redefined in place. */
function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

function objectText(entries: readonly (readonly [Written, Written])[], spaces: readonly string[]): string {
  const space = (n: number) => spaces[n % spaces.length] ?? '';
  return `{${space(0)}${entries.map(([key, value], n) => `${key.text}${space(n + 1)}:${space(n + 2)}${value.text}`).join(`${space(3)},${space(4)}`)}${space(5)}}`;
}

const writtenValue: fc.Arbitrary<Written> = fc.letrec<{ node: Written; leaf: Written; array: Written; object: Written }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('array'), tie('object')),
  leaf: fc.oneof(
    writtenString(anyText(12)),
    writtenNumber,
    fc.constantFrom<Written>({ text: 'true', value: true }, { text: 'false', value: false }, { text: 'null', value: null }),
  ),
  array: fc.tuple(fc.array(tie('node'), { maxLength: 4 }), jsonWhitespace, jsonWhitespace).map(([items, before, after]) => ({
    text: `[${before}${items.map((item) => item.text).join(`${after},${before}`)}${after}]`,
    value: items.map((item) => item.value),
  })),
  object: fc.tuple(fc.array(fc.tuple(writtenKey, tie('node')), { maxLength: 4 }), fc.array(jsonWhitespace, { minLength: 6, maxLength: 6 })).map(([entries, spaces]) => ({
    text: objectText(entries, spaces),
    value: objectOf(entries.map(([key, value]) => [key.value as string, value.value])),
  })),
})).node;

/**
 * Where two values first differ, or undefined: own keys in order, prototypes, and leaves by
 * Object.is (so -0 is not 0). Written out because deep-equality matchers read `constructor`
 * and `__proto__` keys as the objects' own machinery.
 */
function firstDifference(actual: unknown, expected: unknown, path = '$'): string | undefined {
  if (typeof expected !== 'object' || expected === null) return Object.is(actual, expected) ? undefined : `${path}: ${String(actual)} is not ${String(expected)}`;
  if (typeof actual !== 'object' || actual === null) return `${path}: not an object`;
  if (Array.isArray(expected) !== Array.isArray(actual)) return `${path}: array and object`;
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) return `${path}: another prototype`;
  const keys = Object.keys(expected);
  const actualKeys = Object.keys(actual);
  if (canonical(actualKeys) !== canonical(keys)) return `${path}: keys ${canonical(actualKeys)} are not ${canonical(keys)}`;
  for (const key of keys) {
    const difference = firstDifference((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}[${JSON.stringify(key)}]`);
    if (difference) return difference;
  }
  return undefined;
}

/** A publish under the default limits: type, topic, data and other fields in any order, written as above. */
const writtenPublish = fc
  .tuple(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
    writtenValue,
    fc.array(fc.tuple(writtenKey.filter(({ value }) => value !== 'type' && value !== 'topic'), writtenValue), { maxLength: 3 }),
    fc.array(jsonWhitespace, { minLength: 6, maxLength: 6 }),
    writtenString(fc.constant('publish')),
  )
  .chain(([topic, data, extras, spaces, type]) =>
    fc.shuffledSubarray<readonly [Written, Written]>(
      [
        [{ text: '"type"', value: 'type' }, type],
        [{ text: '"topic"', value: 'topic' }, { text: JSON.stringify(topic), value: topic }],
        [{ text: '"data"', value: 'data' }, data],
        ...extras,
      ],
      { minLength: 3 + extras.length },
    ).map((ordered) => ({
      frame: objectText(ordered, spaces),
      entries: ordered.map(([key, value]) => [key.value as string, value.value] as const),
    })),
  )
  .filter(({ frame }) => Buffer.byteLength(frame) <= defaultLimits.maxMessageBytes && !nestsDeeperThan(frame, defaultLimits.maxNestingDepth));

const framesWithLimits = limitsArbitrary.chain((limits) => frameArbitrary({ limits }).map((generated) => ({ limits, ...generated })));

/** fast-check's seed, printed on failure; FUZZ_SEED replays a run. */
const seed = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : undefined;
const runs = (numRuns: number) => ({ numRuns, ...(seed !== undefined ? { seed } : {}) });

describe('parseClientMessage under fuzzing', () => {
  it('never throws, accepts exactly the valid messages and names a true reason for every refusal (20,000 frames)', () => {
    const kinds = new Map<FrameKind, number>();
    const reasons = new Map<string, number>();
    const accepted = new Map<string, number>();
    fc.assert(
      fc.property(framesWithLimits, ({ limits, kind, frame }) => {
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        const result = parseClientMessage(frame, limits);
        const expected = expectedParse(frame, limits);
        if (!result.ok) {
          reasons.set(result.reason, (reasons.get(result.reason) ?? 0) + 1);
          expect(rejectionReasons).toContain(result.reason);
          expect(typeof result.detail).toBe('string');
          expect(result.detail.length).toBeGreaterThan(0);
          expect(expected.ok, `refused a valid message: ${result.reason}`).toBe(false);
          if (!expected.ok) expect([...expected.reasons]).toContain(result.reason as ParserReason);
          return;
        }
        accepted.set(result.message.type, (accepted.get(result.message.type) ?? 0) + 1);
        expect(expected.ok, `accepted an invalid message: ${expected.ok ? '' : [...expected.reasons].join(', ')}`).toBe(true);
        if (!expected.ok) return;
        expect(result.message.type).toBe(expected.type);
        if (expected.type === 'subscribe' || expected.type === 'unsubscribe') {
          expect(result.message).toEqual({ type: expected.type, topics: expected.topics });
        } else if (expected.type === 'publish') {
          // What a publish holds is checked against values built without JSON.parse, below.
          expect(result.message).toMatchObject({ type: 'publish', topic: expected.topic });
        } else {
          expect(result.message).toEqual({ type: 'ping' });
        }
      }),
      runs(20_000),
    );
    // The generators reach every rule: each reason and each message type, many times over.
    for (const reason of parserReasons) expect(reasons.get(reason) ?? 0, `frames refused as ${reason}`).toBeGreaterThan(20);
    for (const type of ['subscribe', 'unsubscribe', 'publish', 'ping']) expect(accepted.get(type) ?? 0, `${type} accepted`).toBeGreaterThan(50);
    console.log(`parse fuzz: ${[...kinds].map(([kind, n]) => `${kind} ${n}`).join(', ')}; refused ${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ')}; accepted ${[...accepted].map(([t, n]) => `${t} ${n}`).join(', ')}`);
  });

  it('parses a valid publish to exactly the value written, however it is spelled, and delivers it with "clients" added (5,000 publishes)', () => {
    fc.assert(
      fc.property(writtenPublish, fc.nat(10_000), ({ frame, entries }, clients) => {
        const result = parseClientMessage(frame, defaultLimits);
        expect(result.ok, frame).toBe(true);
        if (!result.ok) return;
        const expected = objectOf(entries);
        expect(canonical(result.message)).toBe(canonical(expected));
        expect(firstDifference(result.message, expected), frame).toBeUndefined();
        // A "clients" the sender wrote keeps its place and takes the count; otherwise it comes last.
        expect(deliveryOf(result.message as PublishMessage, clients)).toBe(canonical(objectOf([...entries, ['clients', clients]])));
      }),
      runs(5_000),
    );
  });

  it('never throws on arbitrary text, lone surrogates and control characters included (10,000 strings)', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(200), fc.string({ unit: 'binary', maxLength: 400 })), limitsArbitrary, (text, limits) => {
        const result = parseClientMessage(text, limits);
        expect(result.ok).toBe(expectedParse(text, limits).ok);
      }),
      runs(10_000),
    );
  });
});
