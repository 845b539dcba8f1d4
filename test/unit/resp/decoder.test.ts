import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors.js';
import { RESP_EVENT, RespDecoder, type RespDecoderOptions } from '../../../src/resp/decoder.js';
import type { RespMapEntries, RespValue } from '../../../src/resp/value.js';
import { decodeEvents } from './events.js';
import { serializeValue } from './serialize.js';
import { plainValue } from '../../helpers/plain-value.js';

// ---------------------------------------------------------------------------------------------------
// helpers

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

const simple = (s: string): RespValue => ({ kind: 'simple', value: b(s) });
const error = (s: string): RespValue => ({ kind: 'error', value: b(s) });
const blobError = (s: string): RespValue => ({ kind: 'error', value: b(s), blob: true });
const int = (n: bigint | number): RespValue => ({ kind: 'integer', value: BigInt(n) });
const bulk = (s: string | Buffer): RespValue => ({ kind: 'bulk', value: typeof s === 'string' ? b(s) : s });
const verbatim = (format: string, s: string): RespValue => ({ kind: 'verbatim', format, value: b(s) });
const nil = (from: 'bulk' | 'array' | 'null'): RespValue => ({ kind: 'null', from });
const double = (text: string): RespValue => ({ kind: 'double', text });
const bool = (value: boolean): RespValue => ({ kind: 'boolean', value });
const bignum = (text: string): RespValue => ({ kind: 'bignum', text });
const array = (...items: RespValue[]): RespValue => ({ kind: 'array', items });
const set = (...items: RespValue[]): RespValue => ({ kind: 'set', items });
const push = (...items: RespValue[]): RespValue => ({ kind: 'push', items });
const map = (...entries: RespMapEntries): RespValue => ({ kind: 'map', entries });
const withAttrs = (value: RespValue, attributes: RespMapEntries): RespValue => ({ ...value, attributes });

/** mulberry32: a tiny seeded PRNG so random splits are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cut `input` at random points (cuts may fall anywhere, including inside `\r\n`). */
function randomSplit(input: Buffer, seed: number, maxPiece = 7): Buffer[] {
  const rnd = prng(seed);
  const chunks: Buffer[] = [];
  let pos = 0;
  while (pos < input.length) {
    const len = 1 + Math.floor(rnd() * maxPiece);
    chunks.push(input.subarray(pos, pos + len));
    pos += len;
  }
  return chunks;
}

function byteByByte(input: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < input.length; i++) chunks.push(input.subarray(i, i + 1));
  return chunks;
}

/** Feed chunk by chunk, draining replies after each feed (as a socket 'data' handler does). */
function decodeInterleaved(chunks: Buffer[], opts?: RespDecoderOptions): RespValue[] {
  const decoder = new RespDecoder(opts);
  const out: RespValue[] = [];
  for (const chunk of chunks) {
    decoder.feed(chunk);
    for (let v = decoder.next(); v !== undefined; v = decoder.next()) out.push(plainValue(v));
  }
  expect(decoder.bufferedBytes).toBe(0);
  return out;
}

/** Feed every chunk first, then drain (exercises the queue of pending chunks). */
function decodeQueued(chunks: Buffer[], opts?: RespDecoderOptions): RespValue[] {
  const decoder = new RespDecoder(opts);
  for (const chunk of chunks) decoder.feed(chunk);
  const out: RespValue[] = [];
  for (let v = decoder.next(); v !== undefined; v = decoder.next()) out.push(plainValue(v));
  expect(decoder.bufferedBytes).toBe(0);
  return out;
}

/** `next()`, as plain objects. */
function plainNext(decoder: RespDecoder): RespValue | undefined {
  const v = decoder.next();
  return v === undefined ? undefined : plainValue(v);
}

/** The ProtocolError thrown while decoding `chunks` (fails the test when none is thrown). */
function decodeError(chunks: Buffer[], opts?: RespDecoderOptions): ProtocolError {
  const decoder = new RespDecoder(opts);
  try {
    for (const chunk of chunks) {
      decoder.feed(chunk);
      while (decoder.next() !== undefined);
    }
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return err as ProtocolError;
  }
  throw new Error('expected a protocol error');
}

const SEEDS = [1, 2, 3, 42, 1234, 99991];

// ---------------------------------------------------------------------------------------------------
// valid replies

interface Case {
  name: string;
  input: Buffer;
  expected: RespValue;
}

const cases: Case[] = [
  { name: 'simple string', input: b('+OK\r\n'), expected: simple('OK') },
  { name: 'empty simple string', input: b('+\r\n'), expected: simple('') },
  { name: 'simple error', input: b('-ERR unknown command\r\n'), expected: error('ERR unknown command') },
  { name: 'integer 0', input: b(':0\r\n'), expected: int(0) },
  { name: 'integer negative', input: b(':-42\r\n'), expected: int(-42) },
  { name: 'integer 15 digits', input: b(':999999999999999\r\n'), expected: int(999999999999999n) },
  { name: 'integer 2^53+1', input: b(':9007199254740993\r\n'), expected: int(9007199254740993n) },
  { name: 'integer -15 digits', input: b(':-999999999999999\r\n'), expected: int(-999999999999999n) },
  { name: 'integer 16 digits', input: b(':1000000000000000\r\n'), expected: int(1000000000000000n) },
  { name: 'bulk string with a 2-digit length', input: b('$10\r\n0123456789\r\n'), expected: bulk('0123456789') },
  { name: 'simple string longer than 32 bytes', input: b(`+${'s'.repeat(40)}\r\n`), expected: simple('s'.repeat(40)) },
  { name: 'integer int64 max', input: b(':9223372036854775807\r\n'), expected: int(9223372036854775807n) },
  { name: 'integer int64 min', input: b(':-9223372036854775808\r\n'), expected: int(-9223372036854775808n) },
  { name: 'bulk string', input: b('$5\r\nhello\r\n'), expected: bulk('hello') },
  { name: 'empty bulk string', input: b('$0\r\n\r\n'), expected: bulk('') },
  { name: 'binary bulk with \\r\\n inside', input: b('$6\r\n\r\n\x00\xff\r\n\r\n'), expected: bulk(b('\r\n\x00\xff\r\n')) },
  { name: 'RESP2 null bulk', input: b('$-1\r\n'), expected: nil('bulk') },
  { name: 'RESP2 null array', input: b('*-1\r\n'), expected: nil('array') },
  { name: 'RESP3 null', input: b('_\r\n'), expected: nil('null') },
  { name: 'double 1.5', input: b(',1.5\r\n'), expected: double('1.5') },
  { name: 'double inf', input: b(',inf\r\n'), expected: double('inf') },
  { name: 'double -inf', input: b(',-inf\r\n'), expected: double('-inf') },
  { name: 'double nan', input: b(',nan\r\n'), expected: double('nan') },
  { name: 'double exponent', input: b(',1e+300\r\n'), expected: double('1e+300') },
  { name: 'double integer text', input: b(',10\r\n'), expected: double('10') },
  { name: 'boolean true', input: b('#t\r\n'), expected: bool(true) },
  { name: 'boolean false', input: b('#f\r\n'), expected: bool(false) },
  {
    name: 'big number',
    input: b('(3492890328409238509324850943850943825024385\r\n'),
    expected: bignum('3492890328409238509324850943850943825024385'),
  },
  { name: 'negative big number', input: b('(-12345678901234567890123\r\n'), expected: bignum('-12345678901234567890123') },
  { name: 'verbatim string', input: b('=15\r\ntxt:Some string\r\n'), expected: verbatim('txt', 'Some string') },
  { name: 'empty verbatim string', input: b('=4\r\nmkd:\r\n'), expected: verbatim('mkd', '') },
  { name: 'blob error', input: b('!21\r\nSYNTAX invalid syntax\r\n'), expected: blobError('SYNTAX invalid syntax') },
  { name: 'empty array', input: b('*0\r\n'), expected: array() },
  { name: 'array of mixed', input: b('*3\r\n:1\r\n$3\r\nfoo\r\n+bar\r\n'), expected: array(int(1), bulk('foo'), simple('bar')) },
  {
    name: 'nested arrays',
    input: b('*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Foo\r\n-Bar\r\n'),
    expected: array(array(int(1), int(2), int(3)), array(simple('Foo'), error('Bar'))),
  },
  { name: 'array with RESP2 nulls', input: b('*3\r\n$-1\r\n*-1\r\n*0\r\n'), expected: array(nil('bulk'), nil('array'), array()) },
  { name: 'empty map', input: b('%0\r\n'), expected: map() },
  {
    name: 'map',
    input: b('%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n'),
    expected: map([simple('first'), int(1)], [simple('second'), int(2)]),
  },
  {
    name: 'map with repeated and aggregate keys',
    input: b('%2\r\n*1\r\n:1\r\n_\r\n*1\r\n:1\r\n#t\r\n'),
    expected: map([array(int(1)), nil('null')], [array(int(1)), bool(true)]),
  },
  { name: 'empty set', input: b('~0\r\n'), expected: set() },
  { name: 'set', input: b('~3\r\n+a\r\n:1\r\n,2.5\r\n'), expected: set(simple('a'), int(1), double('2.5')) },
  {
    name: 'push',
    input: b('>3\r\n$7\r\nmessage\r\n$3\r\nch1\r\n$2\r\nhi\r\n'),
    expected: push(bulk('message'), bulk('ch1'), bulk('hi')),
  },
  {
    name: 'attribute on a top-level value',
    input: b('|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n'),
    expected: withAttrs(array(int(2039123), int(9543892)), [
      [simple('key-popularity'), map([bulk('a'), double('0.1923')], [bulk('b'), double('0.0012')])],
    ]),
  },
  {
    name: 'attribute on a nested value',
    input: b('*2\r\n|1\r\n+ttl\r\n:3600\r\n:1\r\n:2\r\n'),
    expected: array(withAttrs(int(1), [[simple('ttl'), int(3600)]]), int(2)),
  },
  {
    name: 'attribute on a map key and value',
    input: b('%1\r\n|1\r\n+k\r\n+v\r\n+key\r\n|0\r\n+value\r\n'),
    expected: map([withAttrs(simple('key'), [[simple('k'), simple('v')]]), withAttrs(simple('value'), [])]),
  },
  {
    name: 'attribute on an empty aggregate and on a null',
    input: b('*2\r\n|1\r\n:1\r\n:2\r\n*0\r\n|1\r\n:3\r\n:4\r\n$-1\r\n'),
    expected: array(withAttrs(array(), [[int(1), int(2)]]), withAttrs(nil('bulk'), [[int(3), int(4)]])),
  },
  {
    name: 'two attributes in a row merge',
    input: b('|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n+OK\r\n'),
    expected: withAttrs(simple('OK'), [
      [simple('a'), int(1)],
      [simple('b'), int(2)],
    ]),
  },
  {
    name: 'attribute inside an attribute',
    input: b('|1\r\n+a\r\n|1\r\n+meta\r\n#t\r\n:1\r\n+OK\r\n'),
    expected: withAttrs(simple('OK'), [[simple('a'), withAttrs(int(1), [[simple('meta'), bool(true)]])]]),
  },
  {
    name: 'deeply mixed RESP3',
    input: b('*3\r\n%1\r\n=7\r\ntxt:abc\r\n~2\r\n(1\r\n!1\r\nE\r\n>1\r\n_\r\n#f\r\n'),
    expected: array(map([verbatim('txt', 'abc'), set(bignum('1'), blobError('E'))]), push(nil('null')), bool(false)),
  },
];

describe('RespDecoder: valid replies', () => {
  it.each(cases)('$name: whole', ({ input, expected }) => {
    expect(decodeInterleaved([input])).toStrictEqual([expected]);
  });

  it.each(cases)('$name: byte by byte', ({ input, expected }) => {
    expect(decodeInterleaved(byteByByte(input))).toStrictEqual([expected]);
    expect(decodeQueued(byteByByte(input))).toStrictEqual([expected]);
  });

  it.each(cases)('$name: seeded random splits', ({ input, expected }) => {
    for (const seed of SEEDS) {
      expect(decodeInterleaved(randomSplit(input, seed))).toStrictEqual([expected]);
      expect(decodeQueued(randomSplit(input, seed))).toStrictEqual([expected]);
    }
  });

  it('decodes every case concatenated in one feed, and in random splits', () => {
    const all = Buffer.concat(cases.map((c) => c.input));
    const expected = cases.map((c) => c.expected);
    expect(decodeInterleaved([all])).toStrictEqual(expected);
    expect(decodeInterleaved(byteByByte(all))).toStrictEqual(expected);
    for (const seed of SEEDS) {
      expect(decodeInterleaved(randomSplit(all, seed, 40))).toStrictEqual(expected);
      expect(decodeQueued(randomSplit(all, seed, 40))).toStrictEqual(expected);
    }
  });

  it('returns undefined until a reply is complete, and counts buffered bytes', () => {
    const decoder = new RespDecoder();
    expect(decoder.next()).toBeUndefined();
    decoder.feed(b('$5\r\nhel'));
    expect(decoder.next()).toBeUndefined();
    expect(decoder.bufferedBytes).toBe(7);
    decoder.feed(b('lo\r'));
    expect(decoder.next()).toBeUndefined();
    expect(decoder.bufferedBytes).toBe(10);
    decoder.feed(b('\n+OK\r\n'));
    expect(plainNext(decoder)).toStrictEqual(bulk('hello'));
    expect(decoder.bufferedBytes).toBe(5);
    expect(plainNext(decoder)).toStrictEqual(simple('OK'));
    expect(decoder.next()).toBeUndefined();
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('does not return a lone attribute', () => {
    const decoder = new RespDecoder();
    decoder.feed(b('|1\r\n+a\r\n+b\r\n'));
    expect(decoder.next()).toBeUndefined();
    decoder.feed(b(':1\r\n'));
    expect(plainNext(decoder)).toStrictEqual(withAttrs(int(1), [[simple('a'), simple('b')]]));
  });

  it('returns a bulk held in one chunk as a view of that chunk (no copy)', () => {
    const input = b('$5\r\nhello\r\n');
    const decoder = new RespDecoder();
    decoder.feed(input);
    const v = decoder.next();
    expect(v?.kind === 'bulk' && v.value.buffer === input.buffer).toBe(true);
  });

  it('ignores empty chunks', () => {
    expect(decodeInterleaved([b(''), b('+O'), b(''), b('K\r\n'), b('')])).toStrictEqual([simple('OK')]);
  });
});

// ---------------------------------------------------------------------------------------------------
// events (read()): the streaming path gives the same values, whatever the chunking

describe('RespDecoder: events', () => {
  // streamBulkOver 0: every bulk string, even empty, goes through BULK_START/PIECE/END
  const streamAll = { streamBulkOver: 0 };
  it.each(cases)('$name: whole, byte by byte and in random splits, bulk strings streamed or not', ({ input, expected }) => {
    for (const opts of [undefined, streamAll, { streamBulkOver: 3 }]) {
      expect(decodeEvents([input], opts)).toStrictEqual([expected]);
      expect(decodeEvents(byteByByte(input), opts)).toStrictEqual([expected]);
      for (const seed of SEEDS) expect(decodeEvents(randomSplit(input, seed), opts)).toStrictEqual([expected]);
    }
  });

  it.each(cases)('$name: next() over streamed bulk strings joins them', ({ input, expected }) => {
    expect(decodeInterleaved(byteByByte(input), streamAll)).toStrictEqual([expected]);
    for (const seed of SEEDS) expect(decodeQueued(randomSplit(input, seed), streamAll)).toStrictEqual([expected]);
  });

  it('passes a large bulk string on as views of the fed chunks, never copied', () => {
    const payload = Buffer.alloc(3 << 20, 0x61);
    const input = Buffer.concat([b(`$${payload.length}\r\n`), payload, b('\r\n')]);
    const chunks = chunked(input, 64 * 1024);
    const decoder = new RespDecoder();
    let pieces = 0;
    let bytes = 0;
    for (const chunk of chunks) {
      decoder.feed(chunk);
      for (let e = decoder.read(); e !== RESP_EVENT.NONE; e = decoder.read()) {
        if (e === RESP_EVENT.BULK_PIECE) {
          expect(chunks).toContain(decoder.chunk);
          pieces++;
          bytes += decoder.end - decoder.start;
        }
      }
    }
    expect(bytes).toBe(payload.length);
    expect(pieces).toBe(chunks.length);
  });

  it('streams a bulk string longer than maxBulkLength; next() refuses it at its header', () => {
    const input = b('$12\r\nhello world!\r\n');
    expect(decodeEvents([input], { maxBulkLength: 10, streamBulkOver: 11 })).toStrictEqual([bulk('hello world!')]);
    expect(decodeError([b('$12\r\n')], { maxBulkLength: 10, streamBulkOver: 11 }).message).toBe('Bulk string length out of range');
  });

  it('accepts a streamed bulk length above 512 MiB (no whole-value cap) and refuses 2^62 at once', () => {
    const decoder = new RespDecoder();
    decoder.feed(b('$1073741824\r\nabc'));
    expect(decoder.read()).toBe(RESP_EVENT.BULK_START);
    expect(decoder.length).toBe(1073741824);
    expect(decoder.read()).toBe(RESP_EVENT.BULK_PIECE);
    expect(decoder.read()).toBe(RESP_EVENT.NONE);
    const huge = new RespDecoder();
    huge.feed(b(`$${2n ** 62n}\r\n`));
    expect(() => huge.read()).toThrow('Bulk string length out of range');
  });

  it('fails a streamed bulk string whose terminator is not CRLF, even split', () => {
    expect(() => decodeEvents([b('$3\r\nabcX\n')], streamAll)).toThrow('Bulk string is not terminated by CRLF');
    expect(() => decodeEvents(byteByByte(b('$3\r\nabc\rX')), streamAll)).toThrow('Bulk string is not terminated by CRLF');
  });

  it('adopt(): a reply whose first event was read can still be built whole', () => {
    const decoder = new RespDecoder();
    decoder.feed(b('>2\r\n+a\r\n'));
    expect(decoder.read()).toBe(RESP_EVENT.AGGREGATE);
    expect(decoder.adopt()).toBeUndefined();
    expect(decoder.isBuilding).toBe(true);
    decoder.feed(b(':1\r\n+OK\r\n'));
    expect(plainNext(decoder)).toStrictEqual(push(simple('a'), int(1)));
    expect(decoder.isBuilding).toBe(false);
    expect(decoder.read()).toBe(RESP_EVENT.SCALAR);
    expect(decoder.adopt()).toStrictEqual(simple('OK'));
  });
});

// ---------------------------------------------------------------------------------------------------
// protocol errors

interface ErrorCase {
  name: string;
  input: Buffer;
  message: string;
  opts?: RespDecoderOptions;
}

const errorCases: ErrorCase[] = [
  { name: 'unknown type byte \\x01', input: b('\x01\r\n'), message: 'Protocol error, got "\\x01" as reply type byte' },
  { name: 'unknown type byte A', input: b('A'), message: 'Protocol error, got "A" as reply type byte' },
  { name: 'unknown type byte space', input: b(' '), message: 'Protocol error, got " " as reply type byte' },
  { name: 'unknown type byte "', input: b('"'), message: 'Protocol error, got "\\"" as reply type byte' },
  { name: 'unknown type byte \\', input: b('\\'), message: 'Protocol error, got "\\\\" as reply type byte' },
  { name: 'unknown type byte \\n', input: b('\n'), message: 'Protocol error, got "\\n" as reply type byte' },
  { name: 'unknown type byte \\r', input: b('\r'), message: 'Protocol error, got "\\r" as reply type byte' },
  { name: 'unknown type byte \\t', input: b('\t'), message: 'Protocol error, got "\\t" as reply type byte' },
  { name: 'unknown type byte \\xff', input: b('\xff'), message: 'Protocol error, got "\\xff" as reply type byte' },
  { name: 'unknown type byte \\x7f', input: b('\x7f'), message: 'Protocol error, got "\\x7f" as reply type byte' },
  { name: 'unknown type byte nested', input: b('*2\r\n:1\r\nx'), message: 'Protocol error, got "x" as reply type byte' },
  { name: 'integer with letters', input: b(':12a\r\n'), message: 'Bad integer value' },
  { name: 'integer empty', input: b(':\r\n'), message: 'Bad integer value' },
  { name: 'integer leading zero', input: b(':01\r\n'), message: 'Bad integer value' },
  { name: 'integer -0', input: b(':-0\r\n'), message: 'Bad integer value' },
  { name: 'integer 1 then a letter', input: b(':1a\r\n'), message: 'Bad integer value' },
  { name: 'integer 16 digits then a letter', input: b(':1234567890123456x\r\n'), message: 'Bad integer value' },
  { name: 'bulk length with a leading zero', input: b('$03\r\nabc\r\n'), message: 'Bad bulk string length' },
  { name: 'bulk length with a letter after digits', input: b('$3x\r\nabc\r\n'), message: 'Bad bulk string length' },
  { name: 'bulk length \r not followed by \n', input: b('$3\rxabc\r\n'), message: 'Bad bulk string length' },
  { name: 'integer plus sign', input: b(':+1\r\n'), message: 'Bad integer value' },
  { name: 'integer lone minus', input: b(':-\r\n'), message: 'Bad integer value' },
  { name: 'integer with space', input: b(': 1\r\n'), message: 'Bad integer value' },
  { name: 'integer int64 max + 1', input: b(':9223372036854775808\r\n'), message: 'Bad integer value' },
  { name: 'integer int64 min - 1', input: b(':-9223372036854775809\r\n'), message: 'Bad integer value' },
  { name: 'integer 21 digits', input: b(':100000000000000000000\r\n'), message: 'Bad integer value' },
  { name: 'integer with bare \\r', input: b(':1\r2\r\n'), message: 'Bad integer value' },
  { name: 'integer with bare \\n', input: b(':1\n2\r\n'), message: 'Bad integer value' },
  { name: 'bulk length not a number', input: b('$abc\r\n'), message: 'Bad bulk string length' },
  { name: 'bulk length empty', input: b('$\r\n'), message: 'Bad bulk string length' },
  { name: 'bulk length -2', input: b('$-2\r\n'), message: 'Bulk string length out of range' },
  { name: 'bulk length above the limit', input: b('$11\r\n'), message: 'Bulk string length out of range', opts: { maxBulkLength: 10 } },
  { name: 'bulk length above 512 MiB', input: b('$536870913\r\n'), message: 'Bulk string length out of range' },
  { name: 'bulk not terminated by CRLF', input: b('$3\r\nabcXY'), message: 'Bulk string is not terminated by CRLF' },
  { name: 'bulk terminated by LF only', input: b('$3\r\nabc\n\r'), message: 'Bulk string is not terminated by CRLF' },
  { name: 'blob error length -5', input: b('!-5\r\n'), message: 'Bulk string length out of range' },
  {
    name: 'verbatim shorter than 4 bytes',
    input: b('=3\r\ntxt\r\n'),
    message: 'Verbatim string 4 bytes of content type are missing or incorrectly encoded.',
  },
  {
    name: 'verbatim without colon',
    input: b('=5\r\ntxtab\r\n'),
    message: 'Verbatim string 4 bytes of content type are missing or incorrectly encoded.',
  },
  { name: 'array length not a number', input: b('*x\r\n'), message: 'Bad multi-bulk length' },
  { name: 'array length -2', input: b('*-2\r\n'), message: 'Multi-bulk length out of range' },
  { name: 'array length above 2^32', input: b('*4294967297\r\n'), message: 'Multi-bulk length out of range' },
  { name: 'map length 1.5', input: b('%1.5\r\n'), message: 'Bad multi-bulk length' },
  { name: 'attribute length -1', input: b('|-1\r\n'), message: 'Multi-bulk length out of range' },
  { name: 'double not a number', input: b(',abc\r\n'), message: 'Bad double value' },
  { name: 'double empty', input: b(',\r\n'), message: 'Bad double value' },
  { name: 'double overflowing', input: b(',1e400\r\n'), message: 'Bad double value' },
  { name: 'double infinity word', input: b(',infinity\r\n'), message: 'Bad double value' },
  { name: 'double too large', input: b(`,${'1'.repeat(326)}\r\n`), message: 'Double value is too large' },
  { name: 'bool x', input: b('#x\r\n'), message: 'Bad bool value' },
  { name: 'bool two bytes', input: b('#tt\r\n'), message: 'Bad bool value' },
  { name: 'bool empty', input: b('#\r\n'), message: 'Bad bool value' },
  { name: 'nil with content', input: b('_x\r\n'), message: 'Bad nil value' },
  { name: 'big number with letters', input: b('(12a\r\n'), message: 'Bad bignum value' },
  { name: 'big number with inner minus', input: b('(1-2\r\n'), message: 'Bad bignum value' },
  { name: 'simple string with bare \\r', input: b('+a\rb\r\n'), message: 'Bad simple string value' },
  { name: 'simple string with bare \\n', input: b('+a\nb\r\n'), message: 'Bad simple string value' },
  { name: 'simple error with bare \\n', input: b('-a\nb\r\n'), message: 'Bad simple string value' },
  { name: 'simple string over the limit', input: b('+abcdefghijkl'), message: 'Simple string length out of range', opts: { maxBulkLength: 10 } },
  { name: 'nesting deeper than maxDepth', input: b('*1\r\n*1\r\n*1\r\n:1\r\n'), message: 'Max nesting depth exceeded', opts: { maxDepth: 2 } },
];

describe('RespDecoder: protocol errors', () => {
  it.each(errorCases)('$name: whole', ({ input, message, opts }) => {
    expect(decodeError([input], opts).message).toBe(message);
  });

  it.each(errorCases)('$name: byte by byte and in random splits', ({ input, message, opts }) => {
    expect(decodeError(byteByByte(input), opts).message).toBe(message);
    for (const seed of SEEDS) expect(decodeError(randomSplit(input, seed, 4), opts).message).toBe(message);
  });

  it('is sticky: every later feed and next throws the same error', () => {
    const decoder = new RespDecoder();
    decoder.feed(b('+OK\r\n:1x\r\n+never\r\n'));
    expect(plainNext(decoder)).toStrictEqual(simple('OK'));
    let first: unknown;
    try {
      decoder.next();
    } catch (err) {
      first = err;
    }
    expect(first).toBeInstanceOf(ProtocolError);
    expect((first as ProtocolError).message).toBe('Bad integer value');
    expect((first as ProtocolError).code).toBe('PROTOCOL');
    for (let i = 0; i < 3; i++) {
      expect(() => decoder.next()).toThrow(first as Error);
      expect(() => decoder.feed(b('+OK\r\n'))).toThrow(first as Error);
      try {
        decoder.next();
      } catch (err) {
        expect(err).toBe(first);
      }
    }
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('fails a 100000-deep array with a protocol error, not a stack overflow', () => {
    const input = b(`${'*1\r\n'.repeat(100_000)}:1\r\n`);
    expect(decodeError([input]).message).toBe('Max nesting depth exceeded');
    expect(decodeError(randomSplit(input, 7, 5000)).message).toBe('Max nesting depth exceeded');
  });

  it('decodes 999 and 1000 levels of nesting (the default maxDepth) and fails 1001', () => {
    for (const depth of [999, 1000]) {
      let expected: RespValue = int(1);
      for (let i = 0; i < depth; i++) expected = array(expected);
      const input = b(`${'*1\r\n'.repeat(depth)}:1\r\n`);
      expect(decodeInterleaved([input])).toStrictEqual([expected]);
      expect(decodeInterleaved(randomSplit(input, depth))).toStrictEqual([expected]);
    }
    expect(decodeError([b(`${'*1\r\n'.repeat(1001)}:1\r\n`)]).message).toBe('Max nesting depth exceeded');
    expect(decodeError([b(`${'*1\r\n'.repeat(1000)}*0\r\n`)]).message).toBe('Max nesting depth exceeded');
  });

  it('does not wait forever on a line that can no longer be valid', () => {
    expect(decodeError([b(`:${'1'.repeat(25)}`)]).message).toBe('Bad integer value');
    expect(decodeError([b(`*${'1'.repeat(25)}`)]).message).toBe('Bad multi-bulk length');
    expect(decodeError(byteByByte(b(`$${'9'.repeat(25)}`))).message).toBe('Bad bulk string length');
    expect(decodeError([b('#tru')]).message).toBe('Bad bool value');
    expect(decodeError([b('+ab\ncd')]).message).toBe('Bad simple string value');
  });

  it('keeps waiting for a long simple string line within the limit', () => {
    const decoder = new RespDecoder();
    const text = 'x'.repeat(200_000);
    for (const chunk of randomSplit(b(`+${text}`), 5, 9000)) {
      decoder.feed(chunk);
      expect(decoder.next()).toBeUndefined();
    }
    decoder.feed(b('\r\n'));
    const v = decoder.next();
    expect(v?.kind === 'simple' && v.value.equals(b(text))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------
// properties

const bytes = (maxLength = 20): fc.Arbitrary<Buffer> =>
  fc.uint8Array({ maxLength }).map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength));
/** Bytes without \r or \n, as a simple string or simple error may carry. */
const lineBytes = bytes().map((buf) => Buffer.from(buf.filter((c) => c !== 0x0d && c !== 0x0a)));

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const doubleText = fc.oneof(
  fc.constantFrom('inf', '-inf', 'nan', '0', '-0.5', '1e+300', '3.14'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
);

const leaf: fc.Arbitrary<RespValue> = fc.oneof(
  lineBytes.map((value): RespValue => ({ kind: 'simple', value })),
  lineBytes.map((value): RespValue => ({ kind: 'error', value })),
  bytes().map((value): RespValue => ({ kind: 'error', value, blob: true })),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }).map((value): RespValue => ({ kind: 'integer', value })),
  fc.integer({ min: -1000, max: 1000 }).map((n): RespValue => ({ kind: 'integer', value: BigInt(n) })),
  bytes().map((value): RespValue => ({ kind: 'bulk', value })),
  fc
    .tuple(fc.stringMatching(/^[a-z]{3}$/), bytes())
    .map(([format, value]): RespValue => ({ kind: 'verbatim', format, value })),
  fc.constantFrom<'bulk' | 'array' | 'null'>('bulk', 'array', 'null').map((from): RespValue => ({ kind: 'null', from })),
  doubleText.map((text): RespValue => ({ kind: 'double', text })),
  fc.boolean().map((value): RespValue => ({ kind: 'boolean', value })),
  fc.bigInt().map((n): RespValue => ({ kind: 'bignum', text: String(n) })),
);

/** Values nested at most `depth` levels (attributes count as a level), leaves three times as likely. */
function valueOfDepth(depth: number): fc.Arbitrary<RespValue> {
  if (depth === 0) return leaf;
  const inner = valueOfDepth(depth - 1);
  const entries = fc.array(fc.tuple(inner, inner), { maxLength: 3 });
  const node = fc.oneof(
    { arbitrary: leaf, weight: 3 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom<'array' | 'set' | 'push'>('array', 'set', 'push'), fc.array(inner, { maxLength: 4 }))
        .map(([kind, items]): RespValue => ({ kind, items })),
      weight: 1,
    },
    { arbitrary: entries.map((e): RespValue => ({ kind: 'map', entries: e })), weight: 1 },
  );
  return fc
    .tuple(node, fc.option(entries, { freq: 6 }))
    .map(([v, attributes]): RespValue => (attributes === null ? v : { ...v, attributes }));
}

const respValue = valueOfDepth(3);

/** Decode garbage with a bound on the replies it may produce; only ProtocolError may escape. */
function decodeGarbage(chunks: Buffer[]): void {
  const decoder = new RespDecoder({ maxBulkLength: 1 << 20 });
  const total = chunks.reduce((n, c) => n + c.length, 0);
  let replies = 0;
  try {
    for (const chunk of chunks) {
      decoder.feed(chunk);
      while (decoder.next() !== undefined) {
        replies++;
        // every reply consumes at least 3 bytes (`_\r\n`)
        if (replies > total) throw new Error('decoder produced more replies than bytes');
      }
    }
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
  }
}

describe('RespDecoder: properties', () => {
  it('round-trips arbitrary RESP3 values, whole and in random splits', () => {
    fc.assert(
      fc.property(fc.array(respValue, { minLength: 1, maxLength: 3 }), fc.integer(), (values, seed) => {
        const wire = Buffer.concat(values.map(serializeValue));
        expect(decodeInterleaved([wire])).toStrictEqual(values);
        expect(decodeInterleaved(randomSplit(wire, seed, 11))).toStrictEqual(values);
        expect(decodeQueued(randomSplit(wire, seed + 1, 5))).toStrictEqual(values);
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it('never hangs or throws anything but ProtocolError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer(), (garbage, seed) => {
        const buf = Buffer.from(garbage);
        decodeGarbage([buf]);
        decodeGarbage(randomSplit(buf, seed, 9));
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('never hangs or throws anything but ProtocolError on mutated valid encodings', () => {
    const mutation = fc.record({
      at: fc.nat(),
      op: fc.constantFrom('replace', 'insert', 'delete'),
      byte: fc.constantFrom(0x0d, 0x0a, 0x2a, 0x24, 0x2d, 0x30, 0x39, 0x7c, 0x00, 0xff, 0x3a),
    });
    fc.assert(
      fc.property(respValue, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.integer(), (value, mutations, seed) => {
        const wire = [...serializeValue(value)];
        for (const { at, op, byte } of mutations) {
          const i = wire.length === 0 ? 0 : at % wire.length;
          if (op === 'replace' && wire.length > 0) wire[i] = byte;
          else if (op === 'insert') wire.splice(i, 0, byte);
          else wire.splice(i, 1);
        }
        const buf = Buffer.from(wire);
        decodeGarbage([buf]);
        decodeGarbage(randomSplit(buf, seed, 6));
      }),
      { numRuns: 500, seed: 11 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// volume (correctness only; no timing assertions)

function chunked(input: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < input.length; i += size) chunks.push(input.subarray(i, i + size));
  return chunks;
}

describe('RespDecoder: volume', () => {
  it('decodes a 50 MB bulk string fed in 64 KiB chunks', () => {
    const size = 50 * 1024 * 1024;
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4096) payload[i] = i & 0xff;
    payload[size - 1] = 0x7a;
    const input = Buffer.concat([b(`$${size}\r\n`), payload, b('\r\n+OK\r\n')]);
    const decoder = new RespDecoder();
    const out: RespValue[] = [];
    for (const chunk of chunked(input, 64 * 1024)) {
      decoder.feed(chunk);
      for (let v = decoder.next(); v !== undefined; v = decoder.next()) out.push(plainValue(v));
    }
    expect(out).toHaveLength(2);
    const first = out[0]!;
    expect(first.kind).toBe('bulk');
    expect(first.kind === 'bulk' && first.value.equals(payload)).toBe(true);
    expect(out[1]).toStrictEqual(simple('OK'));
  });

  it('decodes 100000 small replies fed in 64 KiB chunks', () => {
    const parts: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      switch (i % 4) {
        case 0:
          parts.push(`:${i}\r\n`);
          break;
        case 1:
          parts.push(`$${String(i).length}\r\n${i}\r\n`);
          break;
        case 2:
          parts.push('+OK\r\n');
          break;
        default:
          parts.push(`*2\r\n$1\r\na\r\n:${i}\r\n`);
      }
    }
    const input = b(parts.join(''));
    const decoder = new RespDecoder();
    let count = 0;
    for (const chunk of chunked(input, 64 * 1024)) {
      decoder.feed(chunk);
      for (let v = decoder.next(); v !== undefined; v = decoder.next()) {
        const i = count++;
        switch (i % 4) {
          case 0:
            expect(v.kind === 'integer' && v.value === BigInt(i)).toBe(true);
            break;
          case 1:
            expect(v.kind === 'bulk' && v.value.toString() === String(i)).toBe(true);
            break;
          case 2:
            expect(v.kind).toBe('simple');
            break;
          default:
            expect(v.kind === 'array' && v.items[1]!.kind === 'integer' && v.items[1]!.value === BigInt(i)).toBe(true);
        }
      }
    }
    expect(count).toBe(100_000);
    expect(decoder.bufferedBytes).toBe(0);
  });
});

describe('RespDecoder: values made on use', () => {
  it('a bulk string is a view of the received bytes', () => {
    const decoder = new RespDecoder();
    const wire = b('$5\r\nhello\r\n:7\r\n:1234567890123456789\r\n');
    decoder.feed(wire);
    const bulk = decoder.next()!;
    expect(bulk.kind).toBe('bulk');
    const view = (bulk as { value: Buffer }).value;
    expect(view.toString()).toBe('hello');
    expect(view.buffer).toBe(wire.buffer); // not a copy
    expect((bulk as { value: Buffer }).value).toStrictEqual(view);
    const small = decoder.next()!;
    expect(small.kind === 'integer' && small.value).toBe(7n);
    const large = decoder.next()!;
    expect(large.kind === 'integer' && large.value).toBe(1234567890123456789n);
  });

  it('a streamed bulk string held whole is joined once, on first use', () => {
    const decoder = new RespDecoder({ streamBulkOver: 4 });
    for (const piece of ['$10\r\n012', '3456', '789\r', '\n']) decoder.feed(b(piece));
    const v = decoder.next()!;
    expect(v.kind).toBe('bulk');
    const joined = (v as { value: Buffer }).value;
    expect(joined.toString()).toBe('0123456789');
    expect((v as { value: Buffer }).value).toBe(joined);
  });

  it('attributes set on a decoded bulk string or integer stay on that value only', () => {
    const decoder = new RespDecoder();
    decoder.feed(b('|1\r\n+k\r\n+v\r\n$1\r\na\r\n$1\r\nb\r\n|1\r\n+k\r\n+v\r\n:1\r\n:2\r\n'));
    const values = [decoder.next()!, decoder.next()!, decoder.next()!, decoder.next()!];
    expect(values.map((v) => v.attributes !== undefined)).toStrictEqual([true, false, true, false]);
  });
});
