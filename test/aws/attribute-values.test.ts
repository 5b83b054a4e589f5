import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromAttributeMap, toAttributeMap, toAttributeValue } from '../../src/aws/attribute-values.js';

/** Plain values of every kind the table could hold, binary aside (the SDK keeps bytes raw until its protocol encodes them). */
const plain = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'grapheme' }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n) || Number.isSafeInteger(n)).map((n) => (Object.is(n, -0) ? 0 : n)),
    fc.boolean(),
    fc.constant(null),
    fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 4 }).map((members) => new Set(members)),
    fc.uniqueArray(fc.integer(), { minLength: 1, maxLength: 4 }).map((members) => new Set(members)),
    fc.array(tie('value'), { maxLength: 4 }),
    tie('item'),
  ),
  item: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('value'), { maxKeys: 5 }),
}));

describe('attribute values', () => {
  it("are the SDK document client's AttributeValues, both ways", () => {
    fc.assert(
      fc.property(plain.item as fc.Arbitrary<Record<string, unknown>>, (item) => {
        const ours = toAttributeMap(item);
        expect(ours).toEqual(marshall(item));
        expect(fromAttributeMap(ours)).toEqual(unmarshall(marshall(item)));
        expect(fromAttributeMap(ours)).toEqual(item);
      }),
      { numRuns: 300 },
    );
  });

  it('leave undefined members of maps out, and refuse what DynamoDB cannot store', () => {
    expect(toAttributeMap({ a: 1, b: undefined })).toEqual({ a: { N: '1' } });
    expect(() => toAttributeValue(Number.NaN)).toThrow(TypeError);
    expect(() => toAttributeValue(2 ** 53)).toThrow(/bigint/);
    expect(toAttributeValue(2n ** 64n)).toEqual({ N: '18446744073709551616' });
    expect(() => toAttributeValue(new Set())).toThrow(/empty set/);
    expect(() => toAttributeValue(new Set(['a', 1]))).toThrow(/one kind/);
    expect(() => toAttributeValue(() => 1)).toThrow(/function/);
  });

  it('carry bytes as base64, as the JSON protocol does', () => {
    const bytes = new Uint8Array([0, 1, 254, 255]);
    expect(toAttributeValue(bytes)).toEqual({ B: 'AAH+/w==' });
    expect(fromAttributeMap({ b: { B: 'AAH+/w==' } })).toEqual({ b: bytes });
  });
});
