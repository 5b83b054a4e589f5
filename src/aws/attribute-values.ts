/**
 * Plain values to DynamoDB's AttributeValues and back, as the SDK's document client converts
 * them: strings, numbers, booleans, null, lists, maps, binary, and sets of strings or numbers.
 * Undefined members of maps are left out; integers beyond 2^53 go as bigints, or not at all.
 */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { B: string }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> }
  | { SS: string[] }
  | { NS: string[] };

export type Item = Record<string, unknown>;

export function toAttributeValue(value: unknown): AttributeValue {
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`DynamoDB takes no ${value}`);
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw new TypeError(`${value} is not a safe integer: it would lose digits; pass a bigint`);
      return { N: String(value) };
    case 'bigint':
      return { N: value.toString() };
    case 'boolean':
      return { BOOL: value };
    case 'object':
      if (value === null) return { NULL: true };
      if (Array.isArray(value)) return { L: value.map(toAttributeValue) };
      if (value instanceof Uint8Array) return { B: Buffer.from(value).toString('base64') };
      if (value instanceof Set) return setValue(value);
      return { M: toAttributeMap(value as Item) };
    default:
      throw new TypeError(`DynamoDB takes no ${typeof value}`);
  }
}

export function toAttributeMap(item: Item): Record<string, AttributeValue> {
  const map: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) map[name] = toAttributeValue(value);
  }
  return map;
}

export function fromAttributeValue(value: AttributeValue): unknown {
  if ('S' in value) return value.S;
  if ('N' in value) return Number(value.N);
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('B' in value) return new Uint8Array(Buffer.from(value.B, 'base64'));
  if ('L' in value) return value.L.map(fromAttributeValue);
  if ('M' in value) return fromAttributeMap(value.M);
  if ('SS' in value) return new Set(value.SS);
  if ('NS' in value) return new Set(value.NS.map(Number));
  throw new TypeError(`unknown AttributeValue ${JSON.stringify(value)}`);
}

export function fromAttributeMap(map: Record<string, AttributeValue>): Item {
  const item: Item = {};
  for (const [name, value] of Object.entries(map)) item[name] = fromAttributeValue(value);
  return item;
}

function setValue(set: Set<unknown>): AttributeValue {
  const members = [...set];
  if (members.length === 0) throw new TypeError('DynamoDB takes no empty set');
  if (members.every((member) => typeof member === 'string')) return { SS: members };
  if (members.every((member) => typeof member === 'number')) return { NS: members.map(String) };
  throw new TypeError('DynamoDB sets hold strings or numbers, all of one kind');
}
