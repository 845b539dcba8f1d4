// splitArgs (hiredis sdssplitargs) and parseRepeatPrefix (redis-cli repl()) against expectations
// recorded from redis-cli 7.0.15, not from our own output.
//
// How the rows were recorded: each `line` was piped to `redis-cli -p <lab main> --csv` as
// `eval "return ARGV" 0 <line>`, so the server echoes back every token redis-cli split off after the
// three fixed ones, quoted by sdscatrepr (unambiguous for any byte). `null` = redis-cli printed
// `Invalid argument(s)`. Repeat rows were piped as they are and the number of replies counted.
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { parseRepeatPrefix, splitArgs } from '../../../src/modes/split-line.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

interface SplitCase {
  name: string;
  /** The line as bytes (latin1). */
  line: string;
  /** Tokens as latin1 strings, or null for `Invalid argument(s)`. */
  expected: string[] | null;
}

const splitCases: SplitCase[] = [
  // white space
  { name: 'plain words', line: 'a b c', expected: ['a', 'b', 'c'] },
  { name: 'leading, repeated and trailing spaces', line: '  a   b  ', expected: ['a', 'b'] },
  { name: 'tab separates', line: 'a\tb', expected: ['a', 'b'] },
  { name: 'trailing \\r separates (CRLF input)', line: 'echo a\r', expected: ['echo', 'a'] },
  { name: '\\v and \\f are kept inside an unquoted word', line: 'a\x0bb\x0cc', expected: ['a\x0bb\x0cc'] },
  { name: 'empty line', line: '', expected: [] },
  { name: 'only white space', line: ' \t \x0b ', expected: [] },
  { name: 'a NUL byte ends the line (C string)', line: 'a\x00b c', expected: ['a'] },
  // double quotes
  { name: 'double-quoted with space', line: '"a b"', expected: ['a b'] },
  { name: '\\n escape', line: '"a\\nb"', expected: ['a\nb'] },
  { name: '\\r \\t \\b \\a escapes', line: '"a\\rb\\tc\\bd\\ae"', expected: ['a\rb\tc\bd\x07e'] },
  { name: '\\xHH escapes', line: '"\\x41\\x7a"', expected: ['Az'] },
  { name: '\\xHH then a letter', line: '"\\x41x"', expected: ['Ax'] },
  { name: '\\x with one hex digit is \\x → x', line: '"\\x4"', expected: ['x4'] },
  { name: '\\x with non-hex digits', line: '"\\xzz"', expected: ['xzz'] },
  { name: 'upper-case \\X is not hex', line: '"\\X41"', expected: ['X41'] },
  { name: '\\xc3\\xa9 gives two bytes', line: '"\\xc3\\xa9"', expected: ['\xc3\xa9'] },
  { name: '\\x00 gives a NUL byte', line: '"\\x00"', expected: ['\x00'] },
  { name: 'escaped double quote', line: '"a\\"b"', expected: ['a"b'] },
  { name: 'escaped backslash', line: '"a\\\\b"', expected: ['a\\b'] },
  { name: 'unknown escape \\q → q', line: '"\\q"', expected: ['q'] },
  { name: 'raw tab inside quotes', line: '"a\tb"', expected: ['a\tb'] },
  { name: 'byte ≥ 0x80 kept', line: '"\xe9"', expected: ['\xe9'] },
  { name: 'single quote inside double quotes', line: '"\'"', expected: ["'"] },
  { name: 'empty double quotes', line: '""', expected: [''] },
  { name: 'two empty strings', line: '"" ""', expected: ['', ''] },
  { name: 'closing quote then tab', line: '"a"\t', expected: ['a'] },
  { name: 'closing quote then \\v (isspace)', line: '"a"\x0b', expected: ['a'] },
  { name: 'quoted then plain words', line: 'x "y" z', expected: ['x', 'y', 'z'] },
  { name: 'closing quote followed by a letter', line: '"ab"cd', expected: null },
  { name: 'two quoted strings glued', line: '"ab""cd"', expected: null },
  { name: 'unterminated double quote', line: '"unterminated', expected: null },
  { name: 'backslash before the closing quote', line: '"trailing\\"', expected: null },
  { name: 'a lone escaped quote', line: '"\\"', expected: null },
  // single quotes
  { name: 'single-quoted with space', line: "'a b'", expected: ['a b'] },
  { name: "\\' is the only escape", line: "'a\\'b'", expected: ["a'b"] },
  { name: '\\\\ stays two backslashes', line: "'a\\\\b'", expected: ['a\\\\b'] },
  { name: '\\n stays literal', line: "'a\\nb'", expected: ['a\\nb'] },
  { name: "'\\\\' is unterminated (redis#1112)", line: "'\\\\'", expected: null },
  { name: 'double quote inside single quotes', line: '\'"\'', expected: ['"'] },
  { name: 'empty single quotes', line: "''", expected: [''] },
  { name: "''''", line: "''''", expected: null },
  { name: "closing ' followed by a letter", line: "'ab'cd", expected: null },
  { name: "'it''s'", line: "'it''s'", expected: null },
  { name: 'unterminated single quote', line: "'unterminated", expected: null },
  { name: "closing ' then tab", line: "'a'\t", expected: ['a'] },
  // quotes starting mid-token, backslashes outside quotes
  { name: 'double quote starting mid-token', line: 'foo"bar baz"', expected: ['foobar baz'] },
  { name: 'single quote starting mid-token', line: "foo'bar baz'", expected: ['foobar baz'] },
  { name: 'quote at the end of a token', line: 'a"b"', expected: ['ab'] },
  { name: 'empty quotes mid-token then a letter', line: 'a""b', expected: null },
  { name: 'backslash outside quotes is literal', line: 'a\\b', expected: ['a\\b'] },
  { name: 'backslash-quote outside quotes opens a quote', line: 'a\\"b', expected: null },
  { name: 'unquoted byte ≥ 0x80', line: '\xe9', expected: ['\xe9'] },
];

describe('splitArgs (sdssplitargs, recorded from redis-cli 7.0.15)', () => {
  it.each(splitCases)('$name', ({ line, expected }) => {
    const got = splitArgs(b(line));
    expect(got === null ? null : got.map((t) => t.toString('latin1'))).toEqual(expected);
  });

  // Piped stdin splits a line where it lies in the chunk read (splitArgs(chunk, from, to)): the same
  // tokens as the line on its own, short and long lines, quoted or not, with bytes around it.
  it.each(splitCases)('$name, inside a larger buffer', ({ line, expected }) => {
    for (const pad of [0, 1, 200]) {
      const inner = b(line);
      const around = Buffer.concat([Buffer.alloc(pad, 0x22), inner, Buffer.from('\0 "x\n'), Buffer.alloc(pad, 0x27)]);
      const got = splitArgs(around, pad, pad + inner.length);
      expect(got === null ? null : got.map((t) => t.toString('latin1'))).toEqual(expected);
    }
  });

  it('a range longer than the short-line scan gives the tokens of the line alone', () => {
    for (const line of [`SET k ${'v'.repeat(300)}`, `SET k "${'v'.repeat(300)}"`, `SET k ${'v'.repeat(300)}\0tail`]) {
      const inner = b(line);
      const around = Buffer.concat([b('"\''), inner, b('"\'\0')]);
      expect(splitArgs(around, 2, 2 + inner.length)).toEqual(splitArgs(inner));
    }
  });

  it('returns Buffers that own their bytes (binary-safe)', () => {
    const line = b('set "\\xff\\x00\\x80" v');
    const got = splitArgs(line)!;
    expect(got[1]).toEqual(Buffer.from([0xff, 0x00, 0x80]));
  });
});

interface RepeatCase {
  name: string;
  line: string;
  /** A repeat count, 'invalid' ("Invalid redis-cli repeat command option value."), or null (not a count). */
  expected: number | 'invalid' | null;
}

// redis-cli output recorded for each line (with `echo x` as the command): the count of `x` lines,
// the "Invalid redis-cli repeat command option value." line, or "ERR unknown command '<word>'".
const repeatCases: RepeatCase[] = [
  { name: '3 → three times', line: '3 echo x', expected: 3 },
  { name: '1 → once', line: '1 echo x', expected: 1 },
  { name: '0 → invalid', line: '0 echo x', expected: 'invalid' },
  { name: '-1 → invalid', line: '-1 echo x', expected: 'invalid' },
  { name: '-0 → invalid', line: '-0 echo x', expected: 'invalid' },
  { name: '+2 → twice', line: '+2 echo x', expected: 2 },
  { name: '02 → twice (decimal, not octal)', line: '02 echo x', expected: 2 },
  { name: '" 2": strtol skips leading space', line: '" 2" echo x', expected: 2 },
  { name: '" +2": space then sign', line: '" +2" echo x', expected: 2 },
  { name: '"2 ": trailing space is not consumed → a command', line: '"2 " echo x', expected: null },
  { name: '"": empty token → invalid', line: '"" echo x', expected: 'invalid' },
  { name: '"  ": no digits → a command', line: '"  " echo x', expected: null },
  { name: '0x2 → a command', line: '0x2 echo x', expected: null },
  { name: '2x → a command', line: '2x echo x', expected: null },
  { name: '- → a command', line: '- echo x', expected: null },
  { name: '+ → a command', line: '+ echo x', expected: null },
  { name: 'out of range (ERANGE) → invalid', line: '99999999999999999999 echo x', expected: 'invalid' },
  { name: 'a lone number is a command (argc 1)', line: '2', expected: null },
];

describe('parseRepeatPrefix (redis-cli 7.0.15 repl)', () => {
  it.each(repeatCases)('$name', ({ line, expected }) => {
    const args = splitArgs(b(line));
    expect(args).not.toBeNull();
    expect(parseRepeatPrefix(args!)).toBe(expected);
  });

  it('takes the largest strtol value', () => {
    expect(parseRepeatPrefix([b('9223372036854775807'), b('echo')])).toBeGreaterThan(2 ** 62);
    expect(parseRepeatPrefix([b('9223372036854775808'), b('echo')])).toBe('invalid');
  });
});
