// Per-byte escape tables. The expectations are cut out of the golden rows for
// `MGET byte:00 … byte:ff` (one key per byte value), i.e. they come from redis-cli 7.0.15 itself.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeJsonString, quotedJsonString, sdscatrepr } from '../../../src/format/repr.js';

interface Row {
  name: string;
  expected: string;
}

const rows = (
  JSON.parse(readFileSync(new URL('../../fixtures/format-golden.json', import.meta.url), 'utf8')) as { rows: Row[] }
).rows;

function golden(name: string): string {
  const row = rows.find((r) => r.name === name);
  if (row === undefined) throw new Error(`no golden row ${name}`);
  return Buffer.from(row.expected, 'base64').toString('latin1');
}

/** `"…"` items of a JSON-ish array line: a quote opens, a backslash escapes the next character. */
function splitQuotedItems(line: string): string[] {
  const items: string[] = [];
  let i = line.indexOf('"');
  while (i !== -1 && i < line.length) {
    let j = i + 1;
    while (line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
    items.push(line.slice(i, j + 1));
    i = line.indexOf('"', j + 1);
  }
  return items;
}

const BYTES = Array.from({ length: 256 }, (_, b) => b);
const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

const ttyLines = golden('MGET every single byte | RESP2 | tty').split('\n').slice(0, 256);
const reprCases = BYTES.map((b) => ({ byte: hex(b), b, expected: ttyLines[b]!.replace(/^ *\d+\) /, '') }));
const jsonItems = splitQuotedItems(golden('MGET every single byte | RESP2 | json'));
const jsonCases = BYTES.map((b) => ({ byte: hex(b), b, expected: jsonItems[b]! }));
const quotedItems = splitQuotedItems(golden('MGET every single byte | RESP2 | quoted-json'));
const quotedCases = BYTES.map((b) => ({ byte: hex(b), b, expected: quotedItems[b]! }));

describe('sdscatrepr (hiredis sds.c)', () => {
  it.each(reprCases)('byte $byte → $expected', ({ b, expected }) => {
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
  it.each(jsonCases)('byte $byte → $expected', ({ b, expected }) => {
    expect(escapeJsonString(Buffer.from([b])).toString('latin1')).toBe(expected);
  });
});

describe('--quoted-json strings', () => {
  it.each(quotedCases)('byte $byte → $expected', ({ b, expected }) => {
    expect(quotedJsonString(Buffer.from([b])).toString('latin1')).toBe(expected);
  });
});
