/**
 * Raw output (`--raw`, or stdout not a terminal): mirrors `cliFormatReplyRaw` (redis-cli 7.0.15).
 *
 * Our own renderings, where redis-cli 7.0.15 has none:
 * - RESP3 big number (redis-cli exits with "Unknown reply type: 13"): the digits as sent.
 * - RESP3 attributes (redis-cli: protocol error): omitted; they are out-of-band metadata.
 */
import type { Buffer } from 'node:buffer';
import type { RespValue } from '../resp/value.js';
import type { ByteSink } from './sink.js';

/** Mirrors `cliFormatReplyRaw`, writing into `out`; `mbDelim` is `-d` as bytes. */
export function writeRaw(out: ByteSink, value: RespValue, mbDelim: Buffer): void {
  switch (value.kind) {
    case 'null':
      return; // nothing
    case 'error':
      out.bytes(value.value); // the full length, unlike the TTY and CSV forms
      out.text('\n');
      return;
    case 'simple':
    case 'bulk':
    case 'verbatim':
      out.bytes(value.value);
      return;
    case 'boolean':
      out.text(value.value ? '(true)' : '(false)');
      return;
    case 'integer':
      out.text(String(value.value));
      return;
    case 'double':
    case 'bignum':
      out.text(value.text);
      return;
    case 'array':
    case 'set':
    case 'push': {
      const items = value.items;
      for (let i = 0; i < items.length; i++) {
        if (i > 0) out.bytes(mbDelim);
        writeRaw(out, items[i]!, mbDelim);
      }
      return;
    }
    case 'map': {
      const entries = value.entries;
      for (let i = 0; i < entries.length; i++) {
        if (i > 0) out.bytes(mbDelim);
        const [k, v] = entries[i]!;
        writeRaw(out, k, mbDelim);
        out.text(' ');
        writeRaw(out, v, mbDelim);
      }
      return;
    }
  }
}
