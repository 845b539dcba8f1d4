// formatReplyChunks is formatReply in pieces (so a large payload reaches stdout uncopied): same bytes
// for every reply of the redis-cli golden file, and a large bulk string is passed through by reference.
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { FormatOptions } from '../../../src/format/options.js';
import { formatReply, formatReplyChunks } from '../../../src/format/reply.js';
import { lastFrame, rows } from './golden-rows.js';

describe('formatReplyChunks', () => {
  it('covers the golden file', () => {
    expect(rows.length).toBeGreaterThan(1000);
  });

  it.each(rows.map((r, i) => ({ ...r, i })))('#$i $name ($mode): same bytes as formatReply', (row) => {
    const v = lastFrame(row.resp);
    const opts: FormatOptions = { mode: row.mode, mbDelim: row.mbDelim, cmdDelim: row.cmdDelim };
    expect(Buffer.concat(formatReplyChunks(v, opts, row.verbatim)).equals(formatReply(v, opts, row.verbatim))).toBe(true);
  });

  it.each(['raw', 'tty', 'csv', 'json'] as const)('passes a 1 MiB bulk string through uncopied in %s mode where it is not escaped', (mode) => {
    const payload = Buffer.alloc(1 << 20, 0x78);
    const chunks = formatReplyChunks({ kind: 'bulk', value: payload }, { mode, mbDelim: '\n', cmdDelim: '\n' });
    // raw: the payload itself; tty/csv/json escape it (sdscatrepr / JSON), which makes new bytes.
    expect(chunks.some((c) => c === payload)).toBe(mode === 'raw');
  });

  it('raw mode with a large element inside an array keeps the element uncopied', () => {
    const payload = Buffer.alloc(1 << 20, 0x79);
    const chunks = formatReplyChunks({ kind: 'array', items: [{ kind: 'bulk', value: Buffer.from('a') }, { kind: 'bulk', value: payload }] }, { mode: 'raw', mbDelim: '\n', cmdDelim: '\n' });
    expect(chunks.some((c) => c === payload)).toBe(true);
    expect(Buffer.concat(chunks).equals(Buffer.concat([Buffer.from('a\n'), payload, Buffer.from('\n')]))).toBe(true);
  });
});
