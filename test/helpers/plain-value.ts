/**
 * A decoded reply as plain objects, for deep equality in tests: `next()` returns bulk strings and
 * integers as small classes (`BulkReply`, `IntegerReply`) whose `value` is a getter, which
 * `toStrictEqual` would compare field by field instead of by content.
 */
import type { RespMapEntries, RespValue } from '../../src/resp/value.js';

export function plainValue(v: RespValue): RespValue {
  let out: RespValue;
  switch (v.kind) {
    case 'bulk':
      out = { kind: 'bulk', value: v.value };
      break;
    case 'integer':
      out = { kind: 'integer', value: v.value };
      break;
    case 'array':
    case 'set':
    case 'push':
      out = { ...v, items: v.items.map(plainValue) };
      break;
    case 'map':
      out = { ...v, entries: plainEntries(v.entries) };
      break;
    default:
      out = { ...v };
  }
  if (v.attributes !== undefined) out.attributes = plainEntries(v.attributes);
  else delete out.attributes;
  return out;
}

export function plainValues(vs: RespValue[]): RespValue[] {
  return vs.map(plainValue);
}

function plainEntries(entries: RespMapEntries): RespMapEntries {
  return entries.map(([k, val]) => [plainValue(k), plainValue(val)]);
}
