import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { defaultModeFlags, type ModeFlags } from '../../../src/cli/mode-flags.js';
import { UsageError } from '../../../src/errors.js';

// Parsing as redis-cli 7.0.15's parseOptions (atoi values, --ldb forcing raw output, the last
// --pattern/--quoted-pattern winning) and redis-cli 8.x's checks for the flags it added.
const cases: Array<{ argv: string[]; modes: Partial<ModeFlags>; output?: string; command?: string[] }> = [
  { argv: ['--scan'], modes: { scan: true } },
  { argv: ['--scan', '--pattern', 'a*', '--quoted-pattern', '"b\\x00"'], modes: { scan: true, pattern: Buffer.from('b\0') } },
  { argv: ['--quoted-pattern', "'x'", '--pattern', 'y'], modes: { pattern: Buffer.from('y') } },
  { argv: ['--count', '12abc', '--type', 'hash', '--cursor', '+77'], modes: { count: 12, type: 'hash', cursor: '77' } },
  { argv: ['--cursor', '-0'], modes: { cursor: '0' } },
  { argv: ['--pipe', '--pipe-timeout', '5s'], modes: { pipe: true, pipeTimeoutSec: 5 } },
  { argv: ['--memkeys-samples', '7', '--memkeys'], modes: { memkeys: true } },
  { argv: ['--memkeys', '--memkeys-samples', '0'], modes: { memkeys: true, samples: 0 } },
  { argv: ['--keystats-samples', '3', '--top', '4'], modes: { keystats: true, samples: 3, top: 4 } },
  { argv: ['--hotkeys', '--bigkeys'], modes: { hotkeys: true, bigkeys: true } },
  { argv: ['--eval', 'f.lua', 'k', ',', 'a'], modes: { eval: 'f.lua' }, command: ['k', ',', 'a'] },
  { argv: ['--csv', '--ldb', '--eval', 'f.lua'], modes: { eval: 'f.lua', ldb: true }, output: 'raw' },
  { argv: ['--eval', 'f.lua', '--ldb-sync-mode'], modes: { eval: 'f.lua', ldb: true, ldbSync: true }, output: 'raw' },
];

describe('mode flags', () => {
  it.each(cases)('$argv', ({ argv, modes, output, command }) => {
    const { flags, command: cmd } = parseArgs(argv);
    expect(flags.modes).toEqual({ ...defaultModeFlags(), ...modes });
    expect(flags.output).toBe(output);
    expect(cmd).toEqual(command ?? []);
  });

  it.each([
    [['--quoted-pattern', '"a'], 'Invalid quoted string specified for --quoted-pattern.'],
    [['--quoted-pattern', 'a b'], 'Invalid quoted string specified for --quoted-pattern.'],
    [['--ldb'], 'Options --ldb and --ldb-sync-mode require --eval.\nTry tredis-cli --help for more information.'],
    [['--memkeys-samples', '5x'], '--memkeys-samples conversion error.'],
    [['--keystats-samples', '-1'], '--keystats-samples value should be positive.'],
    [['--cursor', '-3'], '--cursor should be followed by a positive integer.'],
    [['--top', '1.5'], '--top conversion error.'],
    [['--scan', '--pattern'], "Unrecognized option or bad number of args for: '--pattern'"],
  ])('%j → %s', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
