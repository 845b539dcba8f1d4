/**
 * JSON output (`--json`, `--quoted-json`): mirrors `cliFormatReplyJson` and `jsonStringOutput`
 * (redis-cli 7.0.15). Not always valid JSON: errors print as `error:"…"`, `--json` copies bytes ≥ 0x80
 * raw, and `--quoted-json` doubles the backslashes of `sdscatrepr`.
 *
 * Map keys: JSON keys must be strings, RESP3 keys need not be. A key that is an error, status, bulk or
 * verbatim string is written as that value is (an error key gives `{error:"x":1}`); any other key is
 * formatted on its own and, unless that text already starts with `"`, wrapped in quotes without
 * escaping (`{"1":…}`, `{"[1,"a"]":…}`).
 *
 * Our own renderings, where redis-cli 7.0.15 has none:
 * - RESP3 big number (redis-cli exits with "Unknown reply type: 13"): the digits as sent (a quoted
 *   string when used as a map key, like integers).
 * - RESP3 attributes (redis-cli: protocol error): omitted; they are out-of-band metadata.
 */
import type { Buffer } from 'node:buffer';
import type { RespValue } from '../resp/value.js';
import { escapeJsonString, quotedJsonString } from './repr.js';
import { ByteSink, cString } from './sink.js';

/** String quoting for `--json` or `--quoted-json`. */
export type JsonQuoter = (bytes: Buffer) => Buffer;

/** The quoter of a JSON mode (`jsonStringOutput`). */
export function jsonQuoter(quoted: boolean): JsonQuoter {
  return quoted ? quotedJsonString : escapeJsonString;
}

const QUOTE = 0x22; // "

/** Mirrors `cliFormatReplyJson`, writing into `out`. */
export function writeJson(out: ByteSink, value: RespValue, quote: JsonQuoter): void {
  switch (value.kind) {
    case 'error':
      out.text('error:');
      out.bytes(quote(cString(value.value))); // strlen(r->str)
      return;
    case 'simple':
    case 'bulk':
    case 'verbatim':
      out.bytes(quote(value.value));
      return;
    case 'integer':
      out.text(String(value.value));
      return;
    case 'double':
    case 'bignum':
      out.text(value.text);
      return;
    case 'null':
      out.text('null');
      return;
    case 'boolean':
      out.text(value.value ? 'true' : 'false');
      return;
    case 'array':
    case 'set':
    case 'push': {
      const items = value.items;
      out.text('[');
      for (let i = 0; i < items.length; i++) {
        if (i > 0) out.text(',');
        writeJson(out, items[i]!, quote);
      }
      out.text(']');
      return;
    }
    case 'map': {
      const entries = value.entries;
      out.text('{');
      for (let i = 0; i < entries.length; i++) {
        if (i > 0) out.text(',');
        const [k, v] = entries[i]!;
        writeJsonKey(out, k, quote);
        out.text(':');
        writeJson(out, v, quote);
      }
      out.text('}');
      return;
    }
  }
}

function writeJsonKey(out: ByteSink, key: RespValue, quote: JsonQuoter): void {
  if (key.kind === 'error' || key.kind === 'simple' || key.kind === 'bulk' || key.kind === 'verbatim') {
    writeJson(out, key, quote);
    return;
  }
  const keyText = new ByteSink();
  writeJson(keyText, key, quote);
  if (keyText.firstByte() === QUOTE) {
    keyText.drainTo(out);
  } else {
    out.text('"');
    keyText.drainTo(out);
    out.text('"');
  }
}
