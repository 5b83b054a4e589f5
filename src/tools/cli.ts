/**
 * Command-line parsing shared by the benches, the cost model and the load test.
 *
 * `--flag value` and `--flag=value`; typed options (boolean, string, integer, number, list of
 * integers) with bounds; `--help` (or `-h`) anywhere prints the usage on stdout and exits 0;
 * an unknown option (with the nearest known one), a missing or bad value, a missing required
 * option or a stray argument prints a message and the usage on stderr and exits 2. The usage
 * is the synopsis, the `about` paragraph and one line per option, from the spec.
 *
 *   const cli = defineCli({ synopsis: 'npm run x -- --runs N', options: { runs: { type: 'integer', min: 1, default: 5, description: '…' } } });
 *   async function main(): Promise<number> {
 *     const parsed = cli.parse(process.argv.slice(2));
 *     if (!parsed.ok) return parsed.exitCode;
 *     parsed.values.runs; // number
 *   }
 *   process.exitCode = await main();
 */
import { parseArgs } from 'node:util';
import { expectation, list, unknownOption, usageOf } from './cli-messages.js';

export { expectation } from './cli-messages.js';

interface Described {
  /** One line (or a few) for the usage; say the default here when there is one. */
  readonly description: string;
  /** Shown after the flag in the usage, e.g. `--out DIR`. */
  readonly valueName?: string;
}

export interface BooleanOption extends Described {
  readonly type: 'boolean';
}

export interface StringOption extends Described {
  readonly type: 'string';
  readonly default?: string;
  readonly required?: boolean;
}

/** Bounds are inclusive; `above` is an exclusive lower bound (`above: 0`: positive). */
interface Bounds {
  readonly min?: number;
  readonly above?: number;
  readonly max?: number;
}

export interface IntegerOption extends Described, Bounds {
  readonly type: 'integer';
  readonly default?: number;
  readonly required?: boolean;
}

export interface NumberOption extends Described, Bounds {
  readonly type: 'number';
  readonly default?: number;
  readonly required?: boolean;
}

/** Comma-separated integers, each within the bounds: `--sizes 2,4,8`. */
export interface IntegerListOption extends Described, Bounds {
  readonly type: 'integers';
  readonly default?: readonly number[];
  readonly required?: boolean;
}

export type OptionSpec = BooleanOption | StringOption | IntegerOption | NumberOption | IntegerListOption;

type Present<O, T> = O extends { readonly required: true } | { readonly default: unknown } ? T : T | undefined;

/** The parsed value of one option: `undefined` only when it is neither required nor defaulted. */
export type OptionValue<O extends OptionSpec> = O extends BooleanOption
  ? boolean
  : O extends StringOption
    ? Present<O, string>
    : O extends IntegerOption | NumberOption
      ? Present<O, number>
      : O extends IntegerListOption
        ? Present<O, readonly number[]>
        : never;

export type OptionValues<S extends Readonly<Record<string, OptionSpec>>> = { -readonly [K in keyof S]: OptionValue<S[K]> };

export interface CliSpec<S extends Readonly<Record<string, OptionSpec>>> {
  /** The first line of the usage: how the command is run. */
  readonly synopsis: string;
  /** A paragraph between the synopsis and the options. */
  readonly about?: string;
  readonly options: S;
}

export type ParseResult<S extends Readonly<Record<string, OptionSpec>>> =
  | { readonly ok: true; readonly values: OptionValues<S> }
  /** The usage or an error is printed already; the command should end with this code. */
  | { readonly ok: false; readonly exitCode: number };

export interface Cli<S extends Readonly<Record<string, OptionSpec>>> {
  readonly usage: string;
  parse(argv: readonly string[]): ParseResult<S>;
  /** For checks across options: prints `message` and the usage on stderr and returns 2. */
  fail(message: string): number;
}

/** The values a `Cli` parses: `CliValues<typeof cli>`. */
export type CliValues<C> = C extends Cli<infer S> ? OptionValues<S> : never;

/** Exit code of a command-line mistake (unknown option, bad value). */
export const usageExitCode = 2;

export function defineCli<const S extends Readonly<Record<string, OptionSpec>>>(spec: CliSpec<S>): Cli<S> {
  const usage = usageOf(spec);
  const fail = (message: string) => {
    console.error(`${message}\n\n${usage}`);
    return usageExitCode;
  };
  return {
    usage,
    fail,
    parse(argv) {
      const outcome = parseOptions(spec.options, argv);
      if (outcome === 'help') {
        console.log(usage);
        return { ok: false, exitCode: 0 };
      }
      if (typeof outcome === 'string') return { ok: false, exitCode: fail(outcome) };
      return { ok: true, values: outcome as OptionValues<S> };
    },
  };
}

/** The values, `'help'`, or an error message. node:util's parseArgs splits the arguments; the checks and messages are ours. */
function parseOptions(options: Readonly<Record<string, OptionSpec>>, argv: readonly string[]): Record<string, unknown> | 'help' | string {
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return 'help';
  const config = Object.fromEntries(Object.entries(options).map(([name, option]) => [name, { type: option.type === 'boolean' ? ('boolean' as const) : ('string' as const) }]));
  // Not strict: every token comes back, so each mistake gets a message of ours (and "did you mean").
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const raw = new Map<string, string | true>();
  for (const token of tokens) {
    if (token.kind !== 'option') return `unexpected argument "${token.kind === 'positional' ? token.value : '--'}": every option is a --flag`;
    const { name, value, inlineValue, rawName } = token;
    const option = rawName.startsWith('--') && Object.hasOwn(options, name) ? options[name]! : undefined;
    if (!option) return unknownOption(name, Object.keys(options));
    if (option.type === 'boolean') {
      if (inlineValue) return `--${name} takes no value`;
      raw.set(name, true);
      continue;
    }
    // parseArgs takes the next argument as the value whatever it is; a --flag there is a forgotten value.
    if (value === undefined || (!inlineValue && value.startsWith('--'))) return `--${name} needs a value`;
    raw.set(name, value);
  }

  const values: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [name, option] of Object.entries(options)) {
    const given = raw.get(name);
    if (option.type === 'boolean') {
      values[name] = given === true;
      continue;
    }
    if (given === undefined) {
      if (option.required) missing.push(`--${name}`);
      values[name] = option.default;
      continue;
    }
    const text = given as string;
    if (option.type === 'string') {
      values[name] = text;
      continue;
    }
    const parsed = option.type === 'integers' ? text.split(',').map(toNumber) : toNumber(text);
    const all = Array.isArray(parsed) ? parsed : [parsed];
    if (all.length === 0 || !all.every((value) => fits(value, option))) return `--${name} must be ${expectation(option)}, got "${text}"`;
    values[name] = parsed;
  }
  if (missing.length > 0) return `${list(missing)} ${missing.length === 1 ? 'is' : 'are'} required`;
  return values;
}

/** `Number()` reads '' and ' ' as 0 and '0x10' as 16: only decimal notation counts here. */
function toNumber(text: string): number {
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(text) ? Number(text) : Number.NaN;
}

function fits(value: number, bounds: IntegerOption | NumberOption | IntegerListOption): boolean {
  if (!Number.isFinite(value)) return false;
  if (bounds.type !== 'number' && !Number.isInteger(value)) return false;
  if (bounds.min !== undefined && value < bounds.min) return false;
  if (bounds.above !== undefined && value <= bounds.above) return false;
  return bounds.max === undefined || value <= bounds.max;
}
