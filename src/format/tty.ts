/**
 * TTY output (OUTPUT_STANDARD): mirrors `cliFormatReplyTTY`, `cliIsMultilineValueTTY`,
 * `isInvalidateReply` and `cliFormatInvalidateTTY` (redis-cli 7.0.15).
 *
 * Our own renderings, where redis-cli 7.0.15 has none:
 * - RESP3 big number (redis-cli exits with "Unknown reply type: 13"): `(big number) <digits>`.
 * - RESP3 attributes (redis-cli: "Protocol error, got "|" as reply type byte"): the attribute pairs are
 *   printed before the value they annotate, laid out like map pairs but with `|` in front of the index
 *   (`|1# "key" => value`). Continuation lines of an attribute value are indented by the width of
 *   `|N# `. After the pairs the value itself is printed on its own line, at the element's prefix:
 *   ```
 *   |1# "key-popularity" =>
 *       1) "key:123"
 *       2) (integer) 90
 *   "Some real reply following the attribute"
 *   ```
 * - An invalidate push whose keys are not all bulk strings (redis-cli aborts on an assertion) is printed
 *   as an ordinary push.
 */
import type { Buffer } from 'node:buffer';
import type { RespMapEntries, RespValue } from '../resp/value.js';
import { sdscatrepr } from './repr.js';
import { ByteSink, cString } from './sink.js';

/** Digits needed for the largest index (mirrors the `idxlen` loop). */
export function indexWidth(count: number): number {
  let width = 0;
  let i = count;
  do {
    width++;
    i = Math.floor(i / 10);
  } while (i > 0);
  return width;
}

/** `%*d`: right-aligned in `width` columns. */
function padIndex(index: number, width: number): string {
  return String(index).padStart(width, ' ');
}

/** Mirrors `cliIsMultilineValueTTY`: whether `value` spans more than one line. */
export function isMultilineValueTty(value: RespValue): boolean {
  let v = value;
  for (;;) {
    switch (v.kind) {
      case 'array':
      case 'set':
      case 'push':
        if (v.items.length === 0) return false;
        if (v.items.length > 1) return true;
        v = v.items[0]!;
        break;
      case 'map':
        if (v.entries.length === 0) return false;
        if (v.entries.length > 1) return true;
        v = v.entries[0]![1];
        break;
      default:
        return false;
    }
  }
}

export const EMPTY_WORD = {
  array: '(empty array)\n',
  set: '(empty set)\n',
  push: '(empty push)\n',
  map: '(empty hash)\n',
} as const;

/** Separator after the index: `)` for array and push (redis-cli keeps `>` for push commented out). */
export const INDEX_SEP = { array: ')', push: ')', set: '~', map: '#' } as const;

/** Write one map-style pair after its index: `key => value` (mirrors the REDIS_REPLY_MAP branch). */
function writePair(out: ByteSink, key: RespValue, value: RespValue, childPrefix: string): void {
  writeTty(out, key, childPrefix);
  out.dropLastByte(); // sdsrange(out,0,-2): the key's trailing \n
  out.text(' => ');
  if (isMultilineValueTty(value)) out.text('\n' + childPrefix);
  writeTty(out, value, childPrefix);
}

/** Our rendering of attributes: `|N# key => value` lines, then the value on its own line at `prefix`. */
export function writeAttributes(out: ByteSink, attributes: RespMapEntries, prefix: string): void {
  const width = indexWidth(attributes.length);
  const childPrefix = prefix + ' '.repeat(width + 3); // under `|N# `
  for (let i = 0; i < attributes.length; i++) {
    const [key, value] = attributes[i]!;
    out.text((i === 0 ? '' : prefix) + '|' + padIndex(i + 1, width) + '# ');
    writePair(out, key, value, childPrefix);
  }
  out.text(prefix);
}

/** Mirrors `cliFormatReplyTTY(r, prefix)`, writing into `out`. */
export function writeTty(out: ByteSink, value: RespValue, prefix: string): void {
  if (value.attributes !== undefined && value.attributes.length > 0) writeAttributes(out, value.attributes, prefix);
  switch (value.kind) {
    case 'error':
      out.text('(error) '); // "(error) %s\n": the message ends at a NUL byte
      out.bytes(cString(value.value));
      out.text('\n');
      return;
    case 'simple':
      out.bytes(cString(value.value)); // sdscat(out, r->str)
      out.text('\n');
      return;
    case 'integer':
      out.text(`(integer) ${value.value}\n`);
      return;
    case 'double':
      out.text(`(double) ${value.text}\n`);
      return;
    case 'bulk':
      out.bytes(sdscatrepr(value.value));
      out.text('\n');
      return;
    case 'verbatim':
      out.bytes(value.value); // printed as is, without quotes
      out.text('\n');
      return;
    case 'null':
      out.text('(nil)\n');
      return;
    case 'boolean':
      out.text(value.value ? '(true)\n' : '(false)\n');
      return;
    case 'bignum':
      out.text(`(big number) ${value.text}\n`); // ours: redis-cli 7.0.15 exits
      return;
    case 'array':
    case 'set':
    case 'push': {
      const items = value.items;
      if (items.length === 0) {
        out.text(EMPTY_WORD[value.kind]);
        return;
      }
      const width = indexWidth(items.length);
      const childPrefix = prefix + ' '.repeat(width + 2);
      const sep = INDEX_SEP[value.kind] + ' ';
      for (let i = 0; i < items.length; i++) {
        // the first element gets no prefix: the caller already wrote this line's start
        out.text((i === 0 ? '' : prefix) + padIndex(i + 1, width) + sep);
        writeTty(out, items[i]!, childPrefix);
      }
      return;
    }
    case 'map': {
      const entries = value.entries;
      if (entries.length === 0) {
        out.text(EMPTY_WORD.map);
        return;
      }
      const width = indexWidth(entries.length);
      const childPrefix = prefix + ' '.repeat(width + 2);
      for (let i = 0; i < entries.length; i++) {
        const [k, v] = entries[i]!;
        out.text((i === 0 ? '' : prefix) + padIndex(i + 1, width) + '# ');
        writePair(out, k, v, childPrefix);
      }
      return;
    }
  }
}

/**
 * Mirrors `isInvalidateReply`: a push of two elements, a bulk string starting with `invalidate` (a
 * prefix match, as `strncmp(…, 10)`) and an array. We also require every key to be a bulk string
 * (redis-cli asserts that while printing).
 */
export function isInvalidatePush(value: RespValue): boolean {
  if (value.kind !== 'push' || value.items.length !== 2) return false;
  const [name, keys] = value.items as [RespValue, RespValue];
  if (name.kind !== 'bulk' || name.value.length < 10 || name.value.toString('latin1', 0, 10) !== 'invalidate') {
    return false;
  }
  return keys.kind === 'array' && keys.items.every((k) => k.kind === 'bulk');
}

/**
 * Mirrors `cliFormatInvalidateTTY`: `-> invalidate: 'k1', 'k2'\n`. Keys are printed raw, unescaped, each
 * ending at a NUL byte (`'%s'`). Call only when `isInvalidatePush(value)`.
 */
export function formatInvalidateTty(value: RespValue): Buffer {
  const out = new ByteSink();
  out.text('-> invalidate: ');
  const keys = value.kind === 'push' ? value.items[1] : undefined;
  if (keys !== undefined && keys.kind === 'array') {
    for (let i = 0; i < keys.items.length; i++) {
      const key = keys.items[i]!;
      if (i > 0) out.text(', ');
      out.text("'");
      if (key.kind === 'bulk') out.bytes(cString(key.value));
      out.text("'");
    }
  }
  out.text('\n');
  return out.toBuffer();
}
