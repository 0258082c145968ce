import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src-main/cli/args';
import { UsageError } from '../../src-main/cli/command';
import { listOption, positionals, stringOption } from '../../src-main/cli/options';

const spec = { flags: ['json'], options: ['metrics', 'set', 'p'] };

describe('parseArgs', () => {
  it('reads --key value, --key=value, flags and positionals', () => {
    expect(parseArgs(['7', '--metrics', 'a,b', '--json', '--set=x.y=1', '--db', 'f.db'], spec)).toEqual({
      positionals: ['7'],
      options: { metrics: 'a,b', json: true, set: 'x.y=1', db: 'f.db' },
    });
  });

  it('collects repeated options into arrays, in order', () => {
    const args = parseArgs(['--set', 'a=1', '--set=b=2', '--set', 'c=3'], spec);
    expect(args.options.set).toEqual(['a=1', 'b=2', 'c=3']);
    expect(stringOption(args, 'set')).toBe('c=3');
    expect(listOption(parseArgs(['--metrics', 'a, b', '--metrics', 'c'], spec), 'metrics')).toEqual(['a', 'b', 'c']);
  });

  it('takes everything after -- as positionals, and -h as help', () => {
    expect(parseArgs(['--', '--json', '-x'], spec)).toEqual({ positionals: ['--json', '-x'], options: {} });
    expect(parseArgs(['-h'], spec).options.help).toBe(true);
  });

  it('accepts negative numbers as values', () => {
    expect(parseArgs(['--p', '-0.5'], spec).options.p).toBe('-0.5');
  });

  it.each([
    [['--metrics'], '--metrics expects a value'],
    [['--metrics', '--json'], '--metrics expects a value'],
    [['--json=yes'], '--json takes no value, got "yes"'],
    [['--nope', '1'], 'unknown option --nope; expected one of --json, --metrics, --set, --p, --db, --help'],
    [['--db'], '--db expects a value'],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parseArgs(argv, spec)).toThrow(new UsageError(message));
  });

  it('accepts any option when the command does not list them (a bare one is a flag)', () => {
    expect(parseArgs(['--port', '80', '--no-open'], { flags: [] }).options).toEqual({ port: '80', 'no-open': true });
  });

  it('checks positional counts by name', () => {
    expect(() => positionals({ positionals: [], options: {} }, ['RUN'])).toThrow('missing RUN');
    expect(() => positionals({ positionals: ['1', '2'], options: {} }, ['RUN'])).toThrow('unexpected argument "2"');
  });
});
