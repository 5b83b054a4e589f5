import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { defineCli, expectation } from '../../src/tools/cli.js';

const cli = defineCli({
  synopsis: 'npm run tool -- --count N [options]',
  about: 'What the tool does.',
  options: {
    count: { type: 'integer', min: 1, max: 100, required: true, valueName: 'N', description: 'how many (at most 100)' },
    rate: { type: 'number', above: 0, default: 0.5, description: 'a rate' },
    sizes: { type: 'integers', min: 1, default: [2, 4], description: 'room sizes' },
    out: { type: 'string', description: 'where to write\n(default out)' },
    quick: { type: 'boolean', description: 'fewer rows' },
  },
});

let stdout: MockInstance;
let stderr: MockInstance;
beforeEach(() => {
  stdout = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

const printed = (spy: MockInstance) => spy.mock.calls.map((call) => String(call[0])).join('\n');

describe('shared CLI parsing', () => {
  it('reads --flag value and --flag=value into typed values, with defaults', () => {
    const parsed = cli.parse(['--count', '7', '--rate=2.5', '--sizes', '2,4,8', '--out=dir=x', '--quick']);
    expect(parsed).toEqual({ ok: true, values: { count: 7, rate: 2.5, sizes: [2, 4, 8], out: 'dir=x', quick: true } });
    expect(cli.parse(['--count=1'])).toEqual({ ok: true, values: { count: 1, rate: 0.5, sizes: [2, 4], out: undefined, quick: false } });
    // A value that starts with one dash is a value (a negative number), not a flag.
    expect(cli.parse(['--count', '1', '--rate', '-1'])).toMatchObject({ ok: false, exitCode: 2 });
    expect(printed(stderr)).toMatch(/^--rate must be a positive number, got "-1"/);
  });

  it('prints the usage on stdout and exits 0 for --help or -h, whatever else is given', () => {
    expect(cli.parse(['--bogus', '--help'])).toMatchObject({ ok: false, exitCode: 0 });
    expect(cli.parse(['-h'])).toMatchObject({ ok: false, exitCode: 0 });
    expect(stderr).not.toHaveBeenCalled();
    expect(printed(stdout)).toBe(cli.usage + '\n' + cli.usage);
    expect(cli.usage).toBe(
      [
        'npm run tool -- --count N [options]',
        '',
        'What the tool does.',
        '',
        '  --count N   how many (at most 100)',
        '  --rate      a rate',
        '  --sizes     room sizes',
        '  --out       where to write',
        '              (default out)',
        '  --quick     fewer rows',
        '  --help      this text',
      ].join('\n'),
    );
  });

  it.each([
    [['--count', '7', '--cuont', '1'], 'unknown option --cuont (did you mean --count?)'],
    [['--count', '7', '--verbose'], 'unknown option --verbose'],
    [['7'], 'unexpected argument "7": every option is a --flag'],
    [['--count'], '--count needs a value'],
    [['--count', '--quick'], '--count needs a value'],
    [['--quick=true', '--count', '1'], '--quick takes no value'],
    [[], '--count is required'],
    [['--count', '101'], '--count must be an integer from 1 to 100, got "101"'],
    [['--count', '1.5'], '--count must be an integer from 1 to 100, got "1.5"'],
    [['--count', ''], '--count must be an integer from 1 to 100, got ""'],
    [['--count', '0x10'], '--count must be an integer from 1 to 100, got "0x10"'],
    [['--count', '2', '--rate', 'fast'], '--rate must be a positive number, got "fast"'],
    [['--count', '2', '--sizes', '2,,4'], '--sizes must be a comma-separated list of positive integers, got "2,,4"'],
    [['--count', '2', '--sizes', '2,0'], '--sizes must be a comma-separated list of positive integers, got "2,0"'],
  ])('refuses %j with a message and the usage on stderr, exit 2', (argv, message) => {
    expect(cli.parse(argv)).toEqual({ ok: false, exitCode: 2 });
    expect(printed(stderr)).toBe(`${message}\n\n${cli.usage}`);
    expect(stdout).not.toHaveBeenCalled();
  });

  it('names what a value must be from its bounds', () => {
    const described = { description: '' };
    expect(expectation({ ...described, type: 'integer', min: 1 })).toBe('a positive integer');
    expect(expectation({ ...described, type: 'integer', min: 1_000 })).toBe('an integer of at least 1000');
    expect(expectation({ ...described, type: 'integer' })).toBe('an integer');
    expect(expectation({ ...described, type: 'number', above: 0 })).toBe('a positive number');
    expect(expectation({ ...described, type: 'number', min: 0 })).toBe('a number of at least 0');
    expect(expectation({ ...described, type: 'number', above: 0, max: 120 })).toBe('a number greater than 0 and of at most 120');
    expect(expectation({ ...described, type: 'integers', min: 1, max: 9 })).toBe('a comma-separated list of integers from 1 to 9');
  });

  it('fail() prints a message of the caller and the usage, for checks across options', () => {
    expect(cli.fail('--rooms must be at most --clients')).toBe(2);
    expect(printed(stderr)).toBe(`--rooms must be at most --clients\n\n${cli.usage}`);
  });
});
