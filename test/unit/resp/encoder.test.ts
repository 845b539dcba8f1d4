import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RespDecoder } from '../../../src/resp/decoder.js';
import { CommandBatch, encodeCommand, encodeCommandToBuffer } from '../../../src/resp/encoder.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

interface Case {
  name: string;
  input: Array<Buffer | string>;
  expected: Buffer;
}

const big = Buffer.alloc(20_000, 0x61);
const atLimit = Buffer.alloc(16 * 1024, 0x62);

const cases: Case[] = [
  { name: 'no arguments', input: [], expected: b('*0\r\n') },
  { name: 'PING', input: ['PING'], expected: b('*1\r\n$4\r\nPING\r\n') },
  { name: 'SET k v', input: ['SET', 'k', 'v'], expected: b('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n') },
  { name: 'empty string argument', input: ['ECHO', ''], expected: b('*2\r\n$4\r\nECHO\r\n$0\r\n\r\n') },
  { name: 'empty Buffer argument', input: [Buffer.alloc(0)], expected: b('*1\r\n$0\r\n\r\n') },
  { name: 'UTF-8 string', input: ['héllo'], expected: b('*1\r\n$6\r\nh\xc3\xa9llo\r\n') },
  { name: 'astral character', input: ['😀'], expected: b('*1\r\n$4\r\n\xf0\x9f\x98\x80\r\n') },
  { name: 'lone surrogate becomes U+FFFD', input: ['\ud800'], expected: b('*1\r\n$3\r\n\xef\xbf\xbd\r\n') },
  {
    name: 'long non-ASCII string',
    input: ['é'.repeat(100)],
    expected: Buffer.concat([b('*1\r\n$200\r\n'), Buffer.from('é'.repeat(100)), b('\r\n')]),
  },
  {
    name: 'long ASCII string',
    input: ['x'.repeat(1000)],
    expected: Buffer.concat([b('*1\r\n$1000\r\n'), b('x'.repeat(1000)), b('\r\n')]),
  },
  { name: 'binary Buffer with \\r\\n', input: [b('\r\n\x00\xff')], expected: b('*1\r\n$4\r\n\r\n\x00\xff\r\n') },
  {
    name: 'ten arguments (two-digit count)',
    input: Array.from({ length: 10 }, (_, i) => String(i)),
    expected: b(`*10\r\n${Array.from({ length: 10 }, (_, i) => `$1\r\n${i}\r\n`).join('')}`),
  },
  {
    name: 'big Buffer argument',
    input: ['SET', big, 'x'],
    expected: Buffer.concat([b('*3\r\n$3\r\nSET\r\n$20000\r\n'), big, b('\r\n$1\r\nx\r\n')]),
  },
  {
    name: 'Buffer at the inline limit',
    input: [atLimit],
    expected: Buffer.concat([b('*1\r\n$16384\r\n'), atLimit, b('\r\n')]),
  },
];

describe('encodeCommand', () => {
  it.each(cases)('$name', ({ input, expected }) => {
    expect(Buffer.concat(encodeCommand(input))).toStrictEqual(expected);
    expect(encodeCommandToBuffer(input)).toStrictEqual(expected);
  });

  it('coalesces headers and small arguments into one chunk', () => {
    expect(encodeCommand(['SET', 'key', b('value'), atLimit])).toHaveLength(1);
  });

  it('passes big Buffer arguments through as their own chunk, uncopied', () => {
    const big2 = Buffer.alloc(17_000, 0x63);
    const chunks = encodeCommand(['MSET', big, big2, 'tail']);
    expect(chunks).toHaveLength(5);
    expect(chunks[0]).toStrictEqual(b('*4\r\n$4\r\nMSET\r\n$20000\r\n'));
    expect(chunks[1]).toBe(big);
    expect(chunks[2]).toStrictEqual(b('\r\n$17000\r\n'));
    expect(chunks[3]).toBe(big2);
    expect(chunks[4]).toStrictEqual(b('\r\n$4\r\ntail\r\n'));
  });

  it('ends with a bare \\r\\n chunk when the last argument is big', () => {
    const chunks = encodeCommand([big]);
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
    expect(chunks[2]).toStrictEqual(b('\r\n'));
  });

  it('encodeCommandToBuffer returns one buffer even with big arguments', () => {
    const out = encodeCommandToBuffer(['SET', big]);
    expect(out).toStrictEqual(Buffer.concat([b('*2\r\n$3\r\nSET\r\n$20000\r\n'), big, b('\r\n')]));
  });
});

describe('encodeCommand: properties', () => {
  const arg = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u)),
    fc.tuple(fc.integer({ min: 16 * 1024 - 2, max: 40_000 }), fc.integer({ min: 0, max: 255 })).map(([n, byte]) => Buffer.alloc(n, byte)),
  );

  it('decodes back to an array of bulk strings equal to the arguments', () => {
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 8 }), (args) => {
        const expected = args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'utf8') : a));
        const chunks = encodeCommand(args);
        const decoder = new RespDecoder();
        for (const chunk of chunks) decoder.feed(chunk);
        const reply = decoder.next();
        expect(decoder.next()).toBeUndefined();
        // compare with Buffer#equals: deep equality walks big buffers byte by byte
        expect(reply?.kind).toBe('array');
        const items = reply?.kind === 'array' ? reply.items : [];
        expect(items.map((item) => item.kind)).toEqual(expected.map(() => 'bulk'));
        expect(items.every((item, k) => item.kind === 'bulk' && item.value.equals(expected[k]!))).toBe(true);
        expect(Buffer.concat(chunks).equals(encodeCommandToBuffer(args))).toBe(true);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe('CommandBatch', () => {
  it.each(cases)('$name: the same bytes as encodeCommand', ({ input, expected }) => {
    const batch = new CommandBatch();
    batch.add(input);
    expect(batch.size).toBe(expected.length);
    expect(Buffer.concat(batch.take())).toStrictEqual(expected);
    expect(batch.take()).toEqual([]);
  });

  it('many small commands become one view of one slab', () => {
    const batch = new CommandBatch();
    for (let i = 0; i < 100; i++) batch.add([b('SET'), b(`key:${i}`), b(`value:${i}`)]);
    const chunks = batch.take();
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.toString('latin1')).toBe(Array.from({ length: 100 }, (_, i) => encodeCommandToBuffer(['SET', `key:${i}`, `value:${i}`]).toString('latin1')).join(''));
  });

  it('views already taken stay valid while later commands fill and replace the slab', () => {
    const batch = new CommandBatch();
    const taken: Buffer[] = [];
    const expected: Buffer[] = [];
    // ~300 KiB in commands of ~1 KiB: several slabs, with takes in between.
    for (let i = 0; i < 300; i++) {
      const args = ['SET', `k${i}`, String(i % 10).repeat(1000 + (i % 7))];
      batch.add(args);
      expected.push(encodeCommandToBuffer(args));
      if (i % 13 === 0) taken.push(...batch.take());
    }
    taken.push(...batch.take());
    expect(Buffer.concat(taken)).toStrictEqual(Buffer.concat(expected));
  });

  it('passes big Buffer arguments through, in order with the small commands around them', () => {
    const batch = new CommandBatch();
    batch.add(['PING']);
    batch.add(['SET', 'big', big]);
    batch.add(['GET', 'big']);
    const chunks = batch.take();
    expect(chunks.some((c) => c === big)).toBe(true);
    expect(Buffer.concat(chunks)).toStrictEqual(Buffer.concat([encodeCommandToBuffer(['PING']), encodeCommandToBuffer(['SET', 'big', big]), encodeCommandToBuffer(['GET', 'big'])]));
  });

  it('a command bigger than a slab (small arguments only) gets a slab of its own', () => {
    const batch = new CommandBatch();
    const args = Array.from({ length: 10_000 }, (_, i) => `arg-${i}`);
    batch.add(['PING']);
    batch.add(args);
    expect(Buffer.concat(batch.take())).toStrictEqual(Buffer.concat([encodeCommandToBuffer(['PING']), encodeCommandToBuffer(args)]));
  });

  it('property: any sequence of commands encodes to the concatenation of encodeCommand', () => {
    const arg = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u)));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(arg, { maxLength: 6 }), fc.boolean()), { maxLength: 40 }), (cmds) => {
        const batch = new CommandBatch();
        const out: Buffer[] = [];
        for (const [args, takeNow] of cmds) {
          batch.add(args);
          if (takeNow) out.push(...batch.take());
        }
        out.push(...batch.take());
        expect(Buffer.concat(out)).toStrictEqual(Buffer.concat(cmds.map(([args]) => encodeCommandToBuffer(args))));
      }),
    );
  });
});
