// Golden rows recorded from redis-cli 7.0.15 by scripts/record-golden.mjs: decode the reply bytes,
// format them, compare with redis-cli's stdout byte for byte.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FormatOptions, OutputMode } from '../../../src/format/options.js';
import { isForcedRaw } from '../../../src/commands/traits.js';
import { formatPush, formatReply } from '../../../src/format/reply.js';
import { RespDecoder } from '../../../src/resp/decoder.js';
import type { RespValue } from '../../../src/resp/value.js';

interface GoldenRow {
  name: string;
  source: 'server' | 'synthetic';
  protocol: 2 | 3;
  command: string[];
  flags: string[];
  resp: string;
  mode: OutputMode;
  mbDelim: string;
  cmdDelim: string;
  verbatim: boolean;
  showPushes: boolean;
  expected: string;
}

interface SkippedRow {
  name: string;
  protocol: 2 | 3;
  command: string[];
  resp: string;
  exitCode: number;
  stderr: string;
}

interface GoldenDoc {
  redisCli: string;
  rows: GoldenRow[];
  skipped: SkippedRow[];
}

const doc = JSON.parse(
  readFileSync(new URL('../../fixtures/format-golden.json', import.meta.url), 'utf8'),
) as GoldenDoc;

function decodeAll(resp: Buffer): RespValue[] {
  const decoder = new RespDecoder();
  decoder.feed(resp);
  const frames: RespValue[] = [];
  for (let v = decoder.next(); v !== undefined; v = decoder.next()) frames.push(v);
  expect(decoder.bufferedBytes).toBe(0);
  return frames;
}

/** What redis-cli does with one command's bytes: pushes before the reply are out-of-band. */
function render(row: GoldenRow): Buffer {
  const frames = decodeAll(Buffer.from(row.resp, 'base64'));
  const opts: FormatOptions = { mode: row.mode, mbDelim: row.mbDelim, cmdDelim: row.cmdDelim };
  const out: Buffer[] = [];
  frames.forEach((frame, i) => {
    if (i < frames.length - 1) {
      expect(frame.kind).toBe('push');
      if (row.showPushes) out.push(formatPush(frame, opts));
    } else {
      out.push(formatReply(frame, opts, isForcedRaw(row.command)));
    }
  });
  return Buffer.concat(out);
}

describe('golden rows from redis-cli 7.0.15', () => {
  it('covers every mode in both protocols', () => {
    expect(doc.redisCli).toBe('redis-cli 7.0.15');
    expect(doc.rows.length).toBeGreaterThanOrEqual(300);
    const modes = new Set(doc.rows.map((r) => `${r.mode}/${r.protocol}`));
    for (const mode of ['tty', 'raw', 'csv', 'json', 'quoted-json']) {
      expect(modes).toContain(`${mode}/2`);
      expect(modes).toContain(`${mode}/3`);
    }
  });

  it.each(doc.rows)('$name', (row) => {
    expect(isForcedRaw(row.command)).toBe(row.verbatim);
    const expected = Buffer.from(row.expected, 'base64');
    const got = render(row);
    // latin1 first for a readable diff, then the exact bytes
    expect(got.toString('latin1')).toBe(expected.toString('latin1'));
    expect(got.equals(expected)).toBe(true);
  });
});

describe('replies redis-cli 7.0.15 cannot print (our own rendering)', () => {
  it.each(doc.skipped)('$name: redis-cli exits $exitCode, we format', (row) => {
    expect(row.exitCode).not.toBe(0);
    const frames = decodeAll(Buffer.from(row.resp, 'base64'));
    for (const mode of ['tty', 'raw', 'csv', 'json', 'quoted-json'] as const) {
      const opts: FormatOptions = { mode, mbDelim: '\n', cmdDelim: '\n' };
      for (const frame of frames) expect(formatReply(frame, opts).length).toBeGreaterThan(0);
    }
  });
});
