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

/** The values, `'help'`, or an error message. */
function parseOptions(options: Readonly<Record<string, OptionSpec>>, argv: readonly string[]): Record<string, unknown> | 'help' | string {
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return 'help';
  const raw = new Map<string, string | true>();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (!arg.startsWith('--') || arg === '--') return `unexpected argument "${arg}": every option is a --flag`;
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const option = Object.hasOwn(options, name) ? options[name]! : undefined;
    if (!option) return unknownOption(name, Object.keys(options));
    if (option.type === 'boolean') {
      if (equals !== -1) return `--${name} takes no value`;
      raw.set(name, true);
      continue;
    }
    const value = equals !== -1 ? arg.slice(equals + 1) : argv[++index];
    if (value === undefined || (equals === -1 && value.startsWith('--'))) return `--${name} needs a value`;
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

/** What a value must be, for the message: "an integer from 1 to 5000", "a positive number". */
export function expectation(option: IntegerOption | NumberOption | IntegerListOption): string {
  const { min, above, max } = option;
  const kind = option.type === 'number' ? 'number' : 'integer';
  const positive = max === undefined && ((min === undefined && above === 0) || (kind === 'integer' && min === 1 && above === undefined));
  const noun = (adjective: string) =>
    option.type === 'integers' ? `a comma-separated list of ${adjective}integers` : `${/^[aeiou]/.test(adjective || kind) ? 'an' : 'a'} ${adjective}${kind}`;
  if (positive) return noun('positive ');
  if (min !== undefined && above === undefined && max !== undefined) return `${noun('')} from ${min} to ${max}`;
  const limits = [
    min !== undefined ? `of at least ${min}` : undefined,
    above !== undefined ? `greater than ${above}` : undefined,
    max !== undefined ? `of at most ${max}` : undefined,
  ].filter((limit) => limit !== undefined);
  return [noun(''), limits.join(' and ')].filter(Boolean).join(' ');
}

function unknownOption(name: string, known: readonly string[]): string {
  const near = known.filter((candidate) => distance(candidate, name) <= Math.max(1, Math.floor(candidate.length / 4)));
  return `unknown option --${name}${near.length > 0 ? ` (did you mean ${list(near.map((n) => `--${n}`), 'or')}?)` : ''}`;
}

/** Edit distance, a swap of two neighbours counting as one edit (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

function list(items: readonly string[], conjunction = 'and'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

function usageOf(spec: CliSpec<Readonly<Record<string, OptionSpec>>>): string {
  const flags = Object.entries(spec.options).map(([name, option]) => `--${name}${option.valueName ? ` ${option.valueName}` : ''}`);
  const width = Math.max(...flags.map((flag) => flag.length), '--help'.length) + 2;
  const lines = Object.values(spec.options).map((option, index) => {
    const [first, ...rest] = option.description.split('\n');
    return [`  ${flags[index]!.padEnd(width)} ${first}`, ...rest.map((line) => `  ${''.padEnd(width)} ${line}`)].join('\n');
  });
  lines.push(`  ${'--help'.padEnd(width)} this text`);
  return [spec.synopsis, ...(spec.about ? ['', spec.about] : []), '', ...lines].join('\n');
}
