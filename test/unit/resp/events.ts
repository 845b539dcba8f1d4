// Test-only: values rebuilt from the events of RespDecoder.read(), with a stack of its own (independent
// of the decoder's builder), checking the event invariants on the way. Shared by the decoder tests and
// the fuzzer (test/fuzz/), which compares it with next().
import { Buffer } from 'node:buffer';
import { expect } from 'vitest';
import { RESP_EVENT, RespDecoder, type RespDecoderOptions } from '../../../src/resp/decoder.js';
import { plainValue } from '../../helpers/plain-value.js';
import type { RespMapEntries, RespValue } from '../../../src/resp/value.js';

/**
 * Rebuilds values from `read()` events with a stack of its own (independent of the decoder's
 * builder), and checks the event invariants on the way: pieces only between BULK_START and BULK_END,
 * their lengths adding up to the declared length, `depth` 0 exactly when a reply is complete.
 */
/**
 * `out` collects the complete replies (kept when a protocol error is thrown); `whole`: the input is
 * expected to end exactly after its last reply.
 */
export function decodeEvents(chunks: Buffer[], opts?: RespDecoderOptions, out: RespValue[] = [], whole = true): RespValue[] {
  const decoder = new RespDecoder(opts);
  const stack: Array<{ value: RespValue; key: RespValue | undefined }> = [];
  let bulk: { parts: Buffer[]; length: number; attributes: RespMapEntries | undefined } | undefined;
  const place = (v: RespValue) => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      expect(decoder.depth).toBe(0);
      out.push(plainValue(v));
    } else if (top.value.kind === 'map') {
      if (top.key === undefined) top.key = v;
      else {
        top.value.entries.push([top.key, v]);
        top.key = undefined;
      }
    } else if (top.value.kind === 'array' || top.value.kind === 'set' || top.value.kind === 'push') {
      top.value.items.push(v);
    }
  };
  for (const chunk of chunks) {
    decoder.feed(chunk);
    for (let e = decoder.read(); e !== RESP_EVENT.NONE; e = decoder.read()) {
      switch (e) {
        case RESP_EVENT.SCALAR:
          expect(bulk).toBeUndefined();
          place(decoder.scalarValue());
          break;
        case RESP_EVENT.AGGREGATE: {
          const t = String.fromCharCode(decoder.type);
          const value: RespValue = t === '%' ? { kind: 'map', entries: [] } : { kind: t === '*' ? 'array' : t === '~' ? 'set' : 'push', items: [] };
          if (decoder.attributes !== undefined) value.attributes = decoder.attributes;
          stack.push({ value, key: undefined });
          expect(decoder.depth).toBe(stack.length);
          break;
        }
        case RESP_EVENT.END:
          place(stack.pop()!.value);
          break;
        case RESP_EVENT.BULK_START:
          bulk = { parts: [], length: decoder.length, attributes: decoder.attributes };
          break;
        case RESP_EVENT.BULK_PIECE:
          expect(decoder.end).toBeGreaterThan(decoder.start);
          bulk!.parts.push(Buffer.from(decoder.chunk.subarray(decoder.start, decoder.end)));
          break;
        case RESP_EVENT.BULK_END: {
          const payload = Buffer.concat(bulk!.parts);
          expect(payload.length).toBe(bulk!.length);
          const v: RespValue = { kind: 'bulk', value: payload };
          if (bulk!.attributes !== undefined) v.attributes = bulk!.attributes;
          bulk = undefined;
          place(v);
          break;
        }
      }
    }
  }
  if (whole) {
    expect(stack).toHaveLength(0);
    expect(decoder.bufferedBytes).toBe(0);
  }
  return out;
}

