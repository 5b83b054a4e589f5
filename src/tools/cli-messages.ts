import type { CliSpec, IntegerListOption, IntegerOption, NumberOption, OptionSpec } from './cli.js';

/** The words of the command-line parser: what a value must be, "did you mean", the usage text. */

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

export function unknownOption(name: string, known: readonly string[]): string {
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

export function list(items: readonly string[], conjunction = 'and'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

export function usageOf(spec: CliSpec<Readonly<Record<string, OptionSpec>>>): string {
  const flags = Object.entries(spec.options).map(([name, option]) => `--${name}${option.valueName ? ` ${option.valueName}` : ''}`);
  const width = Math.max(...flags.map((flag) => flag.length), '--help'.length) + 2;
  const lines = Object.values(spec.options).map((option, index) => {
    const [first, ...rest] = option.description.split('\n');
    return [`  ${flags[index]!.padEnd(width)} ${first}`, ...rest.map((line) => `  ${''.padEnd(width)} ${line}`)].join('\n');
  });
  lines.push(`  ${'--help'.padEnd(width)} this text`);
  return [spec.synopsis, ...(spec.about ? ['', spec.about] : []), '', ...lines].join('\n');
}
