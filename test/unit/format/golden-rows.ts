// The rows of the redis-cli 7.0.15 golden file (test/fixtures/format-golden.json) as the formatter
// tests read them, and the reply each row formats (the last frame of its recorded bytes).
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import type { OutputMode } from '../../../src/format/options.js';
import { RespDecoder } from '../../../src/resp/decoder.js';
import type { RespValue } from '../../../src/resp/value.js';

export interface Row {
  name: string;
  resp: string;
  mode: OutputMode;
  mbDelim: string;
  cmdDelim: string;
  verbatim: boolean;
}

export const rows = (JSON.parse(readFileSync(new URL('../../fixtures/format-golden.json', import.meta.url), 'utf8')) as { rows: Row[] }).rows;

/** The last reply in a row's recorded bytes (base64, or already decoded). */
export function lastFrame(resp: string | Buffer): RespValue {
  const d = new RespDecoder();
  d.feed(typeof resp === 'string' ? Buffer.from(resp, 'base64') : resp);
  let last: RespValue | undefined;
  for (let v = d.next(); v !== undefined; v = d.next()) last = v;
  return last!;
}
