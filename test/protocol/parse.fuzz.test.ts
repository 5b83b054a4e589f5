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
  parserReasons,
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

/** Limits roomy enough for y-webrtc's messages, so that most valid-looking publishes are accepted. */
const roomyLimitsArbitrary: fc.Arbitrary<ParseLimits> = fc.oneof(
  fc.constant({ ...defaultLimits }),
  fc.record({
    maxMessageBytes: fc.integer({ min: 1_024, max: 32_768 }),
    maxNestingDepth: fc.integer({ min: 6, max: 40 }),
    maxTopicBytes: fc.integer({ min: 8, max: 512 }),
    maxTopicsPerMessage: fc.integer({ min: 1, max: 40 }),
  }),
);

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
          expect(canonical(result.message)).toBe(canonical(expected.value));
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

  it('keeps every field of a valid publish when it is sent on, with "clients" added (5,000 publishes)', () => {
    const publishes = roomyLimitsArbitrary.chain((limits) =>
      frameArbitrary({ limits, validWeight: 40 })
        .map(({ frame }) => ({ frame, result: parseClientMessage(frame, limits) }))
        .filter(({ result }) => result.ok && result.message.type === 'publish'),
    );
    fc.assert(
      fc.property(publishes, fc.nat(10_000), ({ frame, result }, clients) => {
        if (!result.ok) throw new Error('filtered to accepted publishes');
        const sent = JSON.parse(frame) as Record<string, unknown>;
        const delivered = JSON.parse(deliveryOf(result.message as PublishMessage, clients)) as Record<string, unknown>;
        const expectedKeys = Object.keys(sent).includes('clients') ? Object.keys(sent) : [...Object.keys(sent), 'clients'];
        expect(Object.keys(delivered)).toEqual(expectedKeys);
        expect(delivered['clients']).toBe(clients);
        for (const key of Object.keys(sent)) {
          if (key !== 'clients') expect(canonical(delivered[key]), key).toBe(canonical(sent[key]));
        }
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
