/**
 * Quoting of byte strings, table-driven: each of the 256 byte values either is copied as it is or has a
 * fixed escape. The input is scanned once to size the output and once to fill it, copying the runs
 * between escapes with `Buffer.copy`, so a large value costs two linear passes and one allocation.
 *
 * - `sdscatrepr`: mirrors hiredis `sds.c` `sdscatrepr` (redis-cli 7.0.15 TTY and CSV strings).
 * - `escapeJsonString`: mirrors `cli_common.c` `escapeJsonString` (`--json`).
 * - `quotedJsonString`: mirrors `jsonStringOutput(…, OUTPUT_QUOTED_JSON)` in `redis-cli.c`
 *   (`--quoted-json`): `sdscatrepr`, then every backslash doubled.
 */
import { Buffer } from 'node:buffer';

const QUOTE = 0x22; // "

/** One escape per byte value; `undefined`: the byte is copied unchanged. */
export interface EscapeTable {
  readonly escapes: ReadonlyArray<Buffer | undefined>;
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Built on first use: most runs quote nothing, and three tables of 256 entries cost ~1 ms at start-up. */
class LazyTable implements EscapeTable {
  private built: Array<Buffer | undefined> | undefined = undefined;

  constructor(private readonly escapeOf: (b: number) => string | undefined) {}

  get escapes(): ReadonlyArray<Buffer | undefined> {
    if (this.built === undefined) {
      const escapes: Array<Buffer | undefined> = [];
      for (let b = 0; b < 256; b++) {
        const e = this.escapeOf(b);
        escapes.push(e === undefined ? undefined : Buffer.from(e, 'latin1'));
      }
      this.built = escapes;
    }
    return this.built;
  }
}

function makeTable(escapeOf: (b: number) => string | undefined): EscapeTable {
  return new LazyTable(escapeOf);
}

/** hiredis `sdscatrepr`: `isprint` in the C locale is 0x20..0x7e; everything else is `\xHH`. */
function reprEscape(b: number): string | undefined {
  switch (b) {
    case 0x5c: // \
      return '\\\\';
    case 0x22: // "
      return '\\"';
    case 0x0a: // \n
      return '\\n';
    case 0x0d: // \r
      return '\\r';
    case 0x09: // \t
      return '\\t';
    case 0x07: // \a
      return '\\a';
    case 0x08: // \b
      return '\\b';
    default:
      return b >= 0x20 && b <= 0x7e ? undefined : `\\x${hex2(b)}`;
  }
}

/** `escapeJsonString`: bytes 0x7f and above are copied raw (the output may be invalid UTF-8). */
function jsonEscape(b: number): string | undefined {
  switch (b) {
    case 0x5c: // \
      return '\\\\';
    case 0x22: // "
      return '\\"';
    case 0x0a: // \n
      return '\\n';
    case 0x0c: // \f
      return '\\f';
    case 0x0d: // \r
      return '\\r';
    case 0x09: // \t
      return '\\t';
    case 0x08: // \b
      return '\\b';
    default:
      return b <= 0x1f ? `\\u00${hex2(b)}` : undefined;
  }
}

/** `sdscatrepr` escapes (TTY and CSV strings). */
export const REPR = makeTable(reprEscape);
/** `escapeJsonString` escapes (`--json`). */
export const JSON_TABLE = makeTable(jsonEscape);
/** Backslashes only ever come from escapes in `sdscatrepr` output, so doubling them is per-escape. */
export const QUOTED_JSON = makeTable((b) => reprEscape(b)?.replaceAll('\\', '\\\\'));

function quoteWith(bytes: Buffer, table: EscapeTable): Buffer {
  const { escapes } = table;
  const n = bytes.length;
  let size = n + 2;
  for (let i = 0; i < n; i++) {
    const e = escapes[bytes[i]!];
    if (e !== undefined) size += e.length - 1;
  }
  const out = Buffer.allocUnsafe(size);
  out[0] = QUOTE;
  if (size === n + 2) {
    bytes.copy(out, 1);
  } else {
    let w = 1;
    let run = 0;
    for (let i = 0; i < n; i++) {
      const e = escapes[bytes[i]!];
      if (e === undefined) continue;
      if (i > run) w += bytes.copy(out, w, run, i);
      w += e.copy(out, w);
      run = i + 1;
    }
    if (n > run) bytes.copy(out, w, run, n);
  }
  out[size - 1] = QUOTE;
  return out;
}

/** `"…"` with hiredis `sdscatrepr` escapes: `\\ \" \n \r \t \a \b`, other non-printables as `\xhh`. */
export function sdscatrepr(bytes: Buffer): Buffer {
  return quoteWith(bytes, REPR);
}

/** `"…"` with `escapeJsonString` escapes: `\\ \" \n \f \r \t \b`, other bytes ≤ 0x1f as `\u00hh`. */
export function escapeJsonString(bytes: Buffer): Buffer {
  return quoteWith(bytes, JSON_TABLE);
}

/** `--quoted-json` strings: `sdscatrepr` with every backslash doubled (`a"b` → `"a\\"b"`, not valid JSON). */
export function quotedJsonString(bytes: Buffer): Buffer {
  return quoteWith(bytes, QUOTED_JSON);
}
