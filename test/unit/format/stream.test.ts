// The streaming formatter (format/stream.ts) writes the bytes of formatReply for every golden row of
// redis-cli 7.0.15, whatever the chunking of the input and whether bulk strings arrive whole or in
// pieces; plus the cases the golden file cannot show (TTY line breaks decided late, huge pieces).
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { FormatOptions, OutputMode } from '../../../src/format/options.js';
import { formatReply } from '../../../src/format/reply.js';
import { ReplyFormatter } from '../../../src/format/stream.js';
import { BatchWriter } from '../../../src/format/writer.js';
import { RESP_EVENT, RespDecoder, type RespDecoderOptions } from '../../../src/resp/decoder.js';
import type { RespValue } from '../../../src/resp/value.js';
import { serializeValue } from '../resp/serialize.js';
import { lastFrame, rows } from './golden-rows.js';

/** Cuts `input` into pieces of 1..max bytes, seeded. */
function split(input: Buffer, seed: number, max: number): Buffer[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a * 1103515245 + 12345) >>> 0;
    return a / 4294967296;
  };
  const out: Buffer[] = [];
  for (let pos = 0; pos < input.length; ) {
    const n = 1 + Math.floor(rnd() * max);
    out.push(input.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

/** Streams the last reply in `chunks` (the ones before it are read whole) and returns the bytes written. */
export function streamLast(chunks: Buffer[], opts: FormatOptions, verbatim: boolean, decoderOpts?: RespDecoderOptions): Buffer {
  const total = new RespDecoder(decoderOpts);
  let frames = 0;
  for (const c of chunks) {
    total.feed(c);
    while (total.next() !== undefined) frames++;
  }
  const d = new RespDecoder(decoderOpts);
  const written: Buffer[] = [];
  const writer = new BatchWriter((b) => written.push(Buffer.from(b)));
  const formatter = new ReplyFormatter(writer, opts, verbatim);
  let skipped = 0;
  let done = false;
  for (const c of chunks) {
    d.feed(c);
    while (skipped < frames - 1 && d.next() !== undefined) skipped++;
    if (skipped < frames - 1 || done) continue;
    if (d.read() === RESP_EVENT.NONE) continue;
    done = formatter.take(d);
  }
  expect(done).toBe(true);
  writer.flush();
  return Buffer.concat(written);
}

describe('ReplyFormatter', () => {
  it('covers the golden file', () => {
    expect(rows.length).toBeGreaterThan(1000);
  });

  it.each(rows.map((r, i) => ({ ...r, i })))('#$i $name ($mode): the bytes of formatReply, streamed', (row) => {
    const resp = Buffer.from(row.resp, 'base64');
    const opts: FormatOptions = { mode: row.mode, mbDelim: row.mbDelim, cmdDelim: row.cmdDelim };
    const expected = formatReply(lastFrame(resp), opts, row.verbatim);
    expect(streamLast([resp], opts, row.verbatim).equals(expected)).toBe(true);
    expect(streamLast(split(resp, row.name.length, 5), opts, row.verbatim, { streamBulkOver: 0 }).equals(expected)).toBe(true);
    expect(streamLast(split(resp, 7, 13), opts, row.verbatim, { streamBulkOver: 2 }).equals(expected)).toBe(true);
  });
});

const b = (s: string) => Buffer.from(s, 'latin1');
const MODES: OutputMode[] = ['tty', 'raw', 'csv', 'json', 'quoted-json'];

/** Values whose formatting depends on lookahead or nesting, each checked in every mode. */
const tricky: Array<{ name: string; value: RespValue }> = [
  {
    name: 'map value: one-element arrays nested, ending in a two-element array',
    value: { kind: 'map', entries: [[{ kind: 'bulk', value: b('k') }, { kind: 'array', items: [{ kind: 'array', items: [{ kind: 'array', items: [{ kind: 'integer', value: 1n }, { kind: 'integer', value: 2n }] }] }] }]] },
  },
  {
    name: 'map value: one-element map whose value is a one-element map, then a scalar',
    value: {
      kind: 'map',
      entries: [[{ kind: 'simple', value: b('a') }, { kind: 'map', entries: [[{ kind: 'array', items: [{ kind: 'integer', value: 1n }, { kind: 'integer', value: 2n }] }, { kind: 'map', entries: [[{ kind: 'null', from: 'null' }, { kind: 'bulk', value: b('x\ny') }]] }]] }]],
    },
  },
  {
    name: 'map value: one-element map whose key is multi-line and value empty',
    value: { kind: 'map', entries: [[{ kind: 'integer', value: 5n }, { kind: 'map', entries: [[{ kind: 'set', items: [{ kind: 'boolean', value: true }, { kind: 'double', text: '1.5' }] }, { kind: 'array', items: [] }]] }]] },
  },
  {
    name: 'map keys that are aggregates, errors, nulls and numbers',
    value: {
      kind: 'map',
      entries: [
        [{ kind: 'array', items: [{ kind: 'bulk', value: b('a') }] }, { kind: 'integer', value: 1n }],
        [{ kind: 'error', value: b('ERR x\0y') }, { kind: 'bignum', text: '123456789012345678901234567890' }],
        [{ kind: 'null', from: 'bulk' }, { kind: 'verbatim', format: 'txt', value: b('v') }],
        [{ kind: 'integer', value: -7n }, { kind: 'map', entries: [] }],
        [{ kind: 'map', entries: [[{ kind: 'integer', value: 1n }, { kind: 'integer', value: 2n }]] }, { kind: 'push', items: [{ kind: 'simple', value: b('p') }] }],
      ],
    },
  },
  {
    name: 'attributes on nested values and map values',
    value: {
      kind: 'array',
      items: [
        { kind: 'integer', value: 1n, attributes: [[{ kind: 'simple', value: b('ttl') }, { kind: 'integer', value: 3600n }]] },
        { kind: 'map', entries: [[{ kind: 'bulk', value: b('k') }, { kind: 'array', items: [{ kind: 'integer', value: 2n }], attributes: [[{ kind: 'simple', value: b('m') }, { kind: 'array', items: [{ kind: 'integer', value: 1n }, { kind: 'integer', value: 2n }] }]] }]] },
      ],
    },
  },
  {
    name: 'an array of 12 elements (two-digit indexes) holding empty and nested aggregates',
    value: {
      kind: 'array',
      items: Array.from({ length: 12 }, (_, i): RespValue =>
        i % 3 === 0 ? { kind: 'array', items: [] } : i % 3 === 1 ? { kind: 'set', items: [{ kind: 'bulk', value: b(`e${i}`) }, { kind: 'null', from: 'array' }] } : { kind: 'bulk', value: b('\x00\xff"\\') },
      ),
    },
  },
];

describe('ReplyFormatter: lookahead and nesting', () => {
  for (const { name, value } of tricky) {
    it.each(MODES)(`${name} (%s)`, (mode) => {
      const opts: FormatOptions = { mode, mbDelim: '|', cmdDelim: '\n' };
      const wire = serializeValue(value);
      const expected = formatReply(value, opts);
      expect(streamLast([wire], opts, false).toString('latin1')).toBe(expected.toString('latin1'));
      expect(streamLast(split(wire, 3, 2), opts, false, { streamBulkOver: 0 }).equals(expected)).toBe(true);
    });
  }

  it.each(MODES)('a 3 MiB bulk string with bytes to escape, in 16 KiB chunks (%s)', (mode) => {
    const payload = Buffer.alloc(3 << 20);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
    const value: RespValue = { kind: 'array', items: [{ kind: 'bulk', value: payload }, { kind: 'integer', value: 1n }] };
    const opts: FormatOptions = { mode, mbDelim: '\n', cmdDelim: '\n' };
    const wire = serializeValue(value);
    const chunks: Buffer[] = [];
    for (let i = 0; i < wire.length; i += 16384) chunks.push(wire.subarray(i, i + 16384));
    expect(streamLast(chunks, opts, false).equals(formatReply(value, opts))).toBe(true);
  });
});
