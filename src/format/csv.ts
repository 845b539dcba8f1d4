/**
 * CSV output (`--csv`): mirrors `cliFormatReplyCSV` (redis-cli 7.0.15). Every aggregate, maps included,
 * is flattened into one comma-separated line.
 *
 * Our own renderings, where redis-cli 7.0.15 has none:
 * - RESP3 big number (redis-cli exits with "Unknown reply type: 13"): the digits as sent.
 * - RESP3 attributes (redis-cli: protocol error): omitted; they are out-of-band metadata.
 */
import type { RespValue } from '../resp/value.js';
import { sdscatrepr } from './repr.js';
import { type ByteSink, cString } from './sink.js';

/** Mirrors `cliFormatReplyCSV`, writing into `out`. */
export function writeCsv(out: ByteSink, value: RespValue): void {
  switch (value.kind) {
    case 'error':
      out.text('ERROR,');
      out.bytes(sdscatrepr(cString(value.value))); // sdscatrepr(r->str, strlen(r->str))
      return;
    case 'simple':
    case 'bulk':
    case 'verbatim':
      out.bytes(sdscatrepr(value.value));
      return;
    case 'integer':
      out.text(String(value.value));
      return;
    case 'double':
    case 'bignum':
      out.text(value.text);
      return;
    case 'null':
      out.text('NULL');
      return;
    case 'boolean':
      out.text(value.value ? 'true' : 'false');
      return;
    case 'array':
    case 'set':
    case 'push': {
      const items = value.items;
      for (let i = 0; i < items.length; i++) {
        if (i > 0) out.text(',');
        writeCsv(out, items[i]!);
      }
      return;
    }
    case 'map': {
      const entries = value.entries;
      for (let i = 0; i < entries.length; i++) {
        if (i > 0) out.text(',');
        const [k, v] = entries[i]!;
        writeCsv(out, k);
        out.text(',');
        writeCsv(out, v);
      }
      return;
    }
  }
}
