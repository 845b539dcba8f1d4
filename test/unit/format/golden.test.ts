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

type Mode = 'tty' | 'raw' | 'csv' | 'json' | 'quoted-json';

/**
 * What tredis-cli prints for the replies redis-cli 7.0.15 cannot print (it exits 1: "Unknown reply
 * type: 13", a protocol error on `|` and `!`, "Bad double value" on `,nan`), per reply and mode.
 * Written by hand from the renderings documented in src/format/ (big numbers as their digits,
 * attributes in TTY only, blob errors like errors, printed as C strings where redis-cli prints
 * errors with %s): a row redis-cli cannot print fails until its expectation is written here.
 */
const OWN: Record<string, Record<Mode, string>> = {
  'DEBUG PROTOCOL bignum': {
    tty: '(big number) 1234567999999999999999999999999999999\n',
    raw: '1234567999999999999999999999999999999\n',
    csv: '1234567999999999999999999999999999999\n',
    json: '1234567999999999999999999999999999999\n',
    'quoted-json': '1234567999999999999999999999999999999\n',
  },
  'DEBUG PROTOCOL attrib': {
    tty: '|1# "key-popularity" => \n    1) "key:123"\n    2) (integer) 90\n"Some real reply following the attribute"\n',
    raw: 'Some real reply following the attribute\n',
    csv: '"Some real reply following the attribute"\n',
    json: '"Some real reply following the attribute"\n',
    'quoted-json': '"Some real reply following the attribute"\n',
  },
  'Lua big_number': {
    tty: '(big number) 123456789012345678901234567890\n',
    raw: '123456789012345678901234567890\n',
    csv: '123456789012345678901234567890\n',
    json: '123456789012345678901234567890\n',
    'quoted-json': '123456789012345678901234567890\n',
  },
  'synthetic: blob error': {
    tty: '(error) SYNTAX invalid syntax\n',
    raw: 'SYNTAX invalid syntax\n\n',
    csv: 'ERROR,"SYNTAX invalid syntax"\n',
    json: 'error:"SYNTAX invalid syntax"\n',
    'quoted-json': 'error:"SYNTAX invalid syntax"\n',
  },
  // redis-cli prints error text with %s: it stops at the NUL, except raw output (the bytes)
  'synthetic: blob error with NUL': {
    tty: '(error) ERR a\n',
    raw: 'ERR a\0bc\n\n',
    csv: 'ERROR,"ERR a"\n',
    json: 'error:"ERR a"\n',
    'quoted-json': 'error:"ERR a"\n',
  },
  'synthetic: blob error with newline': {
    tty: '(error) ERR a\nb c\n',
    raw: 'ERR a\nb c\n\n',
    csv: 'ERROR,"ERR a\\nb c"\n',
    json: 'error:"ERR a\\nb c"\n',
    'quoted-json': 'error:"ERR a\\\\nb c"\n',
  },
  'synthetic: double nan': {
    tty: '(double) nan\n',
    raw: 'nan\n',
    csv: 'nan\n',
    json: 'nan\n',
    'quoted-json': 'nan\n',
  },
  'synthetic: big number': {
    tty: '(big number) 12345678901234567890\n',
    raw: '12345678901234567890\n',
    csv: '12345678901234567890\n',
    json: '12345678901234567890\n',
    'quoted-json': '12345678901234567890\n',
  },
  'synthetic: attribute on reply': {
    tty: '|1# ttl => (integer) 3600\n"value"\n',
    raw: 'value\n',
    csv: '"value"\n',
    json: '"value"\n',
    'quoted-json': '"value"\n',
  },
};

describe('replies redis-cli 7.0.15 cannot print (our own rendering)', () => {
  it.each(doc.skipped)('$name: redis-cli exits $exitCode, we print the text written down', (row) => {
    expect(row.exitCode).not.toBe(0);
    const reply = row.name.split(' | ')[0]!;
    const expected = OWN[reply];
    expect(expected, `no expectation written for "${reply}"`).toBeDefined();
    const frames = decodeAll(Buffer.from(row.resp, 'base64'));
    expect(frames).toHaveLength(1);
    for (const mode of ['tty', 'raw', 'csv', 'json', 'quoted-json'] as const) {
      const opts: FormatOptions = { mode, mbDelim: '\n', cmdDelim: '\n' };
      expect(formatReply(frames[0]!, opts).toString('latin1'), mode).toBe(expected![mode]);
    }
  });

  it('every written expectation is used', () => {
    const used = new Set(doc.skipped.map((r) => r.name.split(' | ')[0]));
    expect(Object.keys(OWN).filter((k) => !used.has(k))).toEqual([]);
  });
});
