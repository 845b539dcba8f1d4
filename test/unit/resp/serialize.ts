/**
 * Test-only RESP3 writer: the inverse of `RespDecoder`, used to round-trip generated values. RESP2 nulls
 * are written as sent (`$-1`, `*-1`); attributes are written as one `|` before the value they annotate.
 */
import { Buffer } from 'node:buffer';
import type { RespValue } from '../../../src/resp/value.js';

export function serializeValue(value: RespValue): Buffer {
  const parts: Buffer[] = [];
  write(value, parts);
  return Buffer.concat(parts);
}

function line(parts: Buffer[], text: string): void {
  parts.push(Buffer.from(`${text}\r\n`, 'latin1'));
}

function blob(parts: Buffer[], type: string, payload: Buffer): void {
  line(parts, `${type}${payload.length}`);
  parts.push(payload, Buffer.from('\r\n'));
}

function write(v: RespValue, parts: Buffer[]): void {
  if (v.attributes !== undefined) {
    line(parts, `|${v.attributes.length}`);
    for (const [key, val] of v.attributes) {
      write(key, parts);
      write(val, parts);
    }
  }
  switch (v.kind) {
    case 'simple':
      parts.push(Buffer.from('+'), v.value, Buffer.from('\r\n'));
      return;
    case 'error':
      if (v.blob === true) blob(parts, '!', v.value);
      else parts.push(Buffer.from('-'), v.value, Buffer.from('\r\n'));
      return;
    case 'integer':
      line(parts, `:${v.value}`);
      return;
    case 'bulk':
      blob(parts, '$', v.value);
      return;
    case 'verbatim':
      blob(parts, '=', Buffer.concat([Buffer.from(`${v.format}:`, 'latin1'), v.value]));
      return;
    case 'null':
      line(parts, v.from === 'bulk' ? '$-1' : v.from === 'array' ? '*-1' : '_');
      return;
    case 'double':
      line(parts, `,${v.text}`);
      return;
    case 'boolean':
      line(parts, v.value ? '#t' : '#f');
      return;
    case 'bignum':
      line(parts, `(${v.text}`);
      return;
    case 'map':
      line(parts, `%${v.entries.length}`);
      for (const [key, val] of v.entries) {
        write(key, parts);
        write(val, parts);
      }
      return;
    default: {
      const type = v.kind === 'array' ? '*' : v.kind === 'set' ? '~' : '>';
      line(parts, `${type}${v.items.length}`);
      for (const item of v.items) write(item, parts);
    }
  }
}
