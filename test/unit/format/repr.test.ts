// Per-byte escape tables. The expectations are the `byteTables` of the golden file: redis-cli 7.0.15's
// own output for GET of each one-byte string (scripts/record-golden.mjs).
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeJsonString, quotedJsonString, sdscatrepr } from '../../../src/format/repr.js';

interface GoldenDoc {
  rows: Array<{ name: string; expected: string }>;
  /** redis-cli's stdout (base64) for `GET` of each one-byte string 0x00..0xff, per mode. */
  byteTables: { tty: string[]; csv: string[]; json: string[]; quotedJson: string[] };
}

const doc = JSON.parse(
  readFileSync(new URL('../../fixtures/format-golden.json', import.meta.url), 'utf8'),
) as GoldenDoc;

function golden(name: string): string {
  const row = doc.rows.find((r) => r.name === name);
  if (row === undefined) throw new Error(`no golden row ${name}`);
  return Buffer.from(row.expected, 'base64').toString('latin1');
}

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

/** One case per byte value; `expected` is redis-cli's line without its trailing newline. */
function byteCases(table: string[]): Array<{ byte: string; b: number; expected: string }> {
  if (table.length !== 256) throw new Error(`byte table has ${table.length} entries`);
  return table.map((out, b) => ({ byte: hex(b), b, expected: Buffer.from(out, 'base64').toString('latin1').slice(0, -1) }));
}

const BYTES = Array.from({ length: 256 }, (_, b) => b);

describe('sdscatrepr (hiredis sds.c)', () => {
  it.each(byteCases(doc.byteTables.tty))('byte $byte → $expected', ({ b, expected }) => {
    expect(sdscatrepr(Buffer.from([b])).toString('latin1')).toBe(expected);
  });

  it.each(byteCases(doc.byteTables.csv))('byte $byte in CSV → $expected', ({ b, expected }) => {
    expect(sdscatrepr(Buffer.from([b])).toString('latin1')).toBe(expected);
  });

  it('escapes within runs of plain bytes', () => {
    expect(sdscatrepr(Buffer.from('ab"c\\d\ne\x00f\xc3\xa9', 'latin1')).toString('latin1')).toBe(
      '"ab\\"c\\\\d\\ne\\x00f\\xc3\\xa9"',
    );
    expect(sdscatrepr(Buffer.alloc(0)).toString()).toBe('""');
  });

  it('matches the golden row for all 256 bytes in one string', () => {
    const all = Buffer.from(BYTES);
    expect(sdscatrepr(all).toString('latin1') + '\n').toBe(golden('GET s:all256 | RESP2 | tty'));
  });
});

describe('escapeJsonString (cli_common.c)', () => {
  it.each(byteCases(doc.byteTables.json))('byte $byte → $expected', ({ b, expected }) => {
    expect(escapeJsonString(Buffer.from([b])).toString('latin1')).toBe(expected);
  });
});

describe('--quoted-json strings', () => {
  it.each(byteCases(doc.byteTables.quotedJson))('byte $byte → $expected', ({ b, expected }) => {
    expect(quotedJsonString(Buffer.from([b])).toString('latin1')).toBe(expected);
  });
});
