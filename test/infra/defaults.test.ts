import { readFileSync } from 'node:fs';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { TableEncryptionV2 } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { alarmThresholdDefaults, cleanupDefaults, signalingDefaults } from '../../infra/defaults.js';

/**
 * Every construct default lives in infra/defaults.ts; the props' `@default` tags, which users
 * read in their editor, must say the same. A tag of the form `@default - words` describes a
 * default that is no value (none, generated) and is not compared.
 */
const source = readFileSync(new URL('../../infra/y-webrtc-signaling-props.ts', import.meta.url), 'utf8');

function documentedDefaults(interfaceName: string): Map<string, string> {
  const body = source.slice(source.indexOf(`export interface ${interfaceName} {`));
  const end = body.indexOf('\n}\n');
  const defaults = new Map<string, string>();
  const pattern = /@default ([^\n]*?)(?: \*\/)?\n(?:\s*\*\/\n)?\s*readonly (\w+)\??:/g;
  for (const [, value, name] of body.slice(0, end).matchAll(pattern)) {
    if (!value!.startsWith('- ')) defaults.set(name!, value!.trim());
  }
  return defaults;
}

/** The tag's value, as code (the tags are written as the TypeScript that would give the default). */
function valueOf(expression: string): unknown {
  return new Function('RetentionDays', 'Duration', 'RemovalPolicy', 'TableEncryptionV2', `return (${expression});`)(
    RetentionDays,
    Duration,
    RemovalPolicy,
    TableEncryptionV2,
  );
}

function comparable(value: unknown): unknown {
  if (value instanceof Duration) return `${value.toSeconds()} s`;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

describe('construct defaults', () => {
  it.each([
    ['YWebrtcSignalingProps', signalingDefaults],
    ['CleanupSourceProps', cleanupDefaults],
    ['AlarmThresholds', alarmThresholdDefaults],
  ] as const)('%s: every @default value is the one in infra/defaults.ts', (interfaceName, defaults) => {
    const documented = documentedDefaults(interfaceName);
    expect(documented.size).toBeGreaterThan(2);
    for (const [name, expression] of documented) {
      expect(Object.hasOwn(defaults, name), `${interfaceName}.${name} has a default in infra/defaults.ts`).toBe(true);
      expect(comparable(valueOf(expression)), `${interfaceName}.${name}: @default ${expression}`).toEqual(
        comparable((defaults as Record<string, unknown>)[name]),
      );
    }
  });
});
