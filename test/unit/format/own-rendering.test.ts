// Renderings of our own, for replies redis-cli 7.0.15 cannot print (big numbers: "Unknown reply type:
// 13"; attributes and blob errors: protocol errors), plus the forced-raw command list and nesting depth.
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { OutputMode } from '../../../src/format/options.js';
import { isForcedRaw } from '../../../src/commands/traits.js';
import { formatPush, formatReply } from '../../../src/format/reply.js';
import { formatInvalidateTty, isInvalidatePush, isMultilineValueTty } from '../../../src/format/tty.js';
import type { RespMapEntries, RespValue } from '../../../src/resp/value.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const bulk = (s: string): RespValue => ({ kind: 'bulk', value: b(s) });
const simple = (s: string): RespValue => ({ kind: 'simple', value: b(s) });
const int = (n: number): RespValue => ({ kind: 'integer', value: BigInt(n) });
const bignum = (text: string): RespValue => ({ kind: 'bignum', text });
const array = (...items: RespValue[]): RespValue => ({ kind: 'array', items });
const push = (...items: RespValue[]): RespValue => ({ kind: 'push', items });
const map = (...entries: RespMapEntries): RespValue => ({ kind: 'map', entries });
const withAttrs = (value: RespValue, attributes: RespMapEntries): RespValue => ({ ...value, attributes });

const MODES: OutputMode[] = ['tty', 'raw', 'csv', 'json', 'quoted-json'];
const fmt = (value: RespValue, mode: OutputMode, mbDelim = '\n', cmdDelim = '\n'): string =>
  formatReply(value, { mode, mbDelim, cmdDelim }).toString('latin1');

interface Case {
  name: string;
  value: RespValue;
  mode: OutputMode;
  expected: string;
}

const popularity = withAttrs(bulk('Some real reply following the attribute'), [
  [bulk('key-popularity'), array(bulk('key:123'), int(90))],
]);

const cases: Case[] = [
  // big numbers
  { name: 'big number', value: bignum('1234567'), mode: 'tty', expected: '(big number) 1234567\n' },
  { name: 'negative big number', value: bignum('-3492890328409238509324850943850943825024385'), mode: 'tty', expected: '(big number) -3492890328409238509324850943850943825024385\n' },
  { name: 'big number in array', value: array(bignum('12'), int(1)), mode: 'tty', expected: '1) (big number) 12\n2) (integer) 1\n' },
  { name: 'big number as map key', value: map([bignum('12'), bulk('v')]), mode: 'tty', expected: '1# (big number) 12 => "v"\n' },
  { name: 'big number raw', value: bignum('1234567'), mode: 'raw', expected: '1234567\n' },
  { name: 'big number csv', value: array(bignum('1234567'), bulk('a')), mode: 'csv', expected: '1234567,"a"\n' },
  { name: 'big number json', value: array(bignum('-1234567')), mode: 'json', expected: '[-1234567]\n' },
  { name: 'big number quoted-json', value: bignum('1234567'), mode: 'quoted-json', expected: '1234567\n' },
  { name: 'big number json map key', value: map([bignum('123'), int(1)]), mode: 'json', expected: '{"123":1}\n' },

  // attributes: printed before the value in TTY, `|` in front of a map-style index
  { name: 'attribute, scalar value', value: withAttrs(bulk('value'), [[simple('ttl'), int(3600)]]), mode: 'tty', expected: '|1# ttl => (integer) 3600\n"value"\n' },
  {
    name: 'attribute, multi-line value (DEBUG PROTOCOL attrib)',
    value: popularity,
    mode: 'tty',
    expected:
      '|1# "key-popularity" => \n' +
      '    1) "key:123"\n' +
      '    2) (integer) 90\n' +
      '"Some real reply following the attribute"\n',
  },
  {
    name: 'two attribute pairs',
    value: withAttrs(int(7), [
      [bulk('a'), int(1)],
      [bulk('b'), bulk('x')],
    ]),
    mode: 'tty',
    expected: '|1# "a" => (integer) 1\n|2# "b" => "x"\n(integer) 7\n',
  },
  {
    name: 'attribute on an aggregate',
    value: withAttrs(array(bulk('x'), bulk('y')), [[bulk('a'), int(1)]]),
    mode: 'tty',
    expected: '|1# "a" => (integer) 1\n1) "x"\n2) "y"\n',
  },
  {
    name: 'attribute on a nested element',
    value: array(int(1), withAttrs(int(3), [[bulk('a'), int(2)]]), int(4)),
    mode: 'tty',
    expected: '1) (integer) 1\n2) |1# "a" => (integer) 2\n   (integer) 3\n3) (integer) 4\n',
  },
  {
    name: 'attribute on a nested aggregate',
    value: array(withAttrs(array(int(1), int(2)), [[bulk('a'), array(int(8), int(9))]])),
    mode: 'tty',
    expected: '1) |1# "a" => \n       1) (integer) 8\n       2) (integer) 9\n   1) (integer) 1\n   2) (integer) 2\n',
  },
  { name: 'attribute omitted in raw', value: popularity, mode: 'raw', expected: 'Some real reply following the attribute\n' },
  { name: 'attribute omitted in csv', value: popularity, mode: 'csv', expected: '"Some real reply following the attribute"\n' },
  { name: 'attribute omitted in json', value: popularity, mode: 'json', expected: '"Some real reply following the attribute"\n' },
  {
    name: 'nested attribute omitted in json',
    value: array(withAttrs(int(3), [[bulk('a'), int(2)]])),
    mode: 'json',
    expected: '[3]\n',
  },

  // blob errors print like errors
  { name: 'blob error tty', value: { kind: 'error', blob: true, value: b('SYNTAX invalid\nsyntax') }, mode: 'tty', expected: '(error) SYNTAX invalid\nsyntax\n' },
  { name: 'blob error raw', value: { kind: 'error', blob: true, value: b('ERR a\0b') }, mode: 'raw', expected: 'ERR a\0b\n\n' },
  { name: 'blob error csv', value: { kind: 'error', blob: true, value: b('ERR "x"') }, mode: 'csv', expected: 'ERROR,"ERR \\"x\\""\n' },
  { name: 'blob error json', value: { kind: 'error', blob: true, value: b('ERR "x"') }, mode: 'json', expected: 'error:"ERR \\"x\\""\n' },
];

describe('our renderings', () => {
  it.each(cases)('$name ($mode)', ({ value, mode, expected }) => {
    expect(fmt(value, mode)).toBe(expected);
  });

  it('attributes never leak into forced raw output', () => {
    expect(formatReply(popularity, { mode: 'json', mbDelim: '\n', cmdDelim: '\n' }, true).toString()).toBe(
      'Some real reply following the attribute',
    );
  });
});

describe('nesting depth', () => {
  function nestedArrays(depth: number): RespValue {
    let v: RespValue = bulk('leaf');
    for (let i = 0; i < depth; i++) v = array(v, int(i));
    return v;
  }
  function nestedMaps(depth: number): RespValue {
    let v: RespValue = array(int(1), int(2));
    for (let i = 0; i < depth; i++) v = map([bulk('k'), v]);
    return v;
  }

  it.each(MODES)('a 1000-deep nested array formats in %s mode', (mode) => {
    const out = fmt(nestedArrays(1000), mode);
    expect(out.length).toBeGreaterThan(1000);
    if (mode === 'tty') expect(out.startsWith('1) '.repeat(1000) + '"leaf"\n')).toBe(true);
    if (mode === 'json') expect(out.startsWith('['.repeat(1000) + '"leaf",0],1]')).toBe(true);
  });

  it.each(MODES)('a 1000-deep chain of single-pair maps formats in %s mode', (mode) => {
    expect(() => fmt(nestedMaps(1000), mode)).not.toThrow();
  });

  it('cliIsMultilineValueTTY follows single children', () => {
    expect(isMultilineValueTty(nestedMaps(1000))).toBe(true);
    expect(isMultilineValueTty(array(array(map([bulk('a'), bulk('b')]))))).toBe(false);
    expect(isMultilineValueTty(array())).toBe(false);
    expect(isMultilineValueTty(bulk('x'))).toBe(false);
  });
});

describe('isForcedRaw (cliSendCommand output_raw list)', () => {
  const table: Array<[string[], boolean]> = [
    [['INFO'], true],
    [['info', 'keyspace'], true],
    [['LOLWUT', 'VERSION', '5'], true],
    [['DEBUG', 'HTSTATS', '0'], true],
    [['debug', 'htstats-key', 'k'], true],
    [['DEBUG', 'client-eviction'], true],
    [['DEBUG', 'OBJECT', 'k'], false],
    [['DEBUG'], false],
    [['MEMORY', 'MALLOC-STATS'], true],
    [['MEMORY', 'doctor'], true],
    [['MEMORY', 'USAGE', 'k'], false],
    [['CLUSTER', 'NODES'], true],
    [['CLUSTER', 'INFO'], true],
    [['CLUSTER', 'INFO', 'x'], false],
    [['CLUSTER', 'SLOTS'], false],
    [['CLIENT', 'LIST'], true],
    [['CLIENT', 'LIST', 'TYPE', 'normal'], true],
    [['client', 'info'], true],
    [['CLIENT', 'ID'], false],
    [['LATENCY', 'GRAPH', 'command'], true],
    [['LATENCY', 'GRAPH'], false],
    [['LATENCY', 'GRAPH', 'a', 'b'], false],
    [['LATENCY', 'DOCTOR'], true],
    [['LATENCY', 'DOCTOR', 'x'], false],
    [['PROXY', 'INFO'], true],
    [['GET', 'info'], false],
    [['INFOX'], false],
    [[], false],
  ];
  it.each(table)('%j → %s', (args, expected) => {
    expect(isForcedRaw(args)).toBe(expected);
    expect(isForcedRaw(args.map((a) => Buffer.from(a)))).toBe(expected);
  });
});

describe('pushes (cliPushHandler)', () => {
  const invalidate = push(bulk('invalidate'), array(bulk('k1'), bulk('k\0x')));
  it('prints an invalidate push in the short TTY form, keys raw and cut at NUL', () => {
    expect(isInvalidatePush(invalidate)).toBe(true);
    expect(formatInvalidateTty(invalidate).toString('latin1')).toBe("-> invalidate: 'k1', 'k'\n");
    expect(formatPush(invalidate, { mode: 'tty', mbDelim: '\n', cmdDelim: '\n' }).toString('latin1')).toBe(
      "-> invalidate: 'k1', 'k'\n",
    );
  });
  it('prints it as a reply in the other modes', () => {
    expect(formatPush(invalidate, { mode: 'raw', mbDelim: ',', cmdDelim: ';' }).toString('latin1')).toBe(
      'invalidate,k1,k\0x;',
    );
  });
  it('falls back to the reply form when a key is not a bulk string (redis-cli asserts)', () => {
    const odd = push(bulk('invalidate'), array(int(1)));
    expect(isInvalidatePush(odd)).toBe(false);
    expect(formatPush(odd, { mode: 'tty', mbDelim: '\n', cmdDelim: '\n' }).toString()).toBe(
      '1) "invalidate"\n2) 1) (integer) 1\n',
    );
  });
});
