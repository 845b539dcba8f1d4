/**
 * Entry points of the reply formatters: `formatReply` mirrors `cliFormatReply` and `formatPush` mirrors
 * `cliPushHandler` (redis-cli 7.0.15). Which commands get the forced raw form is a command trait
 * (`isForcedRaw`, src/commands/traits.ts).
 *
 * Renderings of our own (redis-cli 7.0.15 crashes or reports a protocol error) are documented in
 * `tty.ts`, `raw.ts`, `csv.ts` and `json.ts`: big numbers everywhere, attributes in TTY (omitted in the
 * other modes). Blob errors print like errors.
 */
import { Buffer } from 'node:buffer';
import type { RespValue } from '../resp/value.js';
import { writeCsv } from './csv.js';
import { jsonQuoter, writeJson } from './json.js';
import type { FormatOptions } from './options.js';
import { writeRaw } from './raw.js';
import { ByteSink, delimiterBytes } from './sink.js';
import { formatInvalidateTty, isInvalidatePush, writeTty } from './tty.js';

/** A string reply in raw mode: its bytes, then -D. */
function isPlainRaw(value: RespValue, opts: FormatOptions): value is Extract<RespValue, { kind: 'bulk' | 'simple' | 'verbatim' }> {
  return opts.mode === 'raw' && (value.kind === 'bulk' || value.kind === 'simple' || value.kind === 'verbatim');
}

/** mirrors cliFormatReply (redis-cli 7.0.15), into a sink. */
function writeReply(out: ByteSink, value: RespValue, opts: FormatOptions, verbatim: boolean): void {
  if (verbatim) {
    writeRaw(out, value, delimiterBytes(opts.mbDelim));
    return;
  }
  switch (opts.mode) {
    case 'tty':
      writeTty(out, value, '');
      break;
    case 'raw':
      writeRaw(out, value, delimiterBytes(opts.mbDelim));
      out.bytes(delimiterBytes(opts.cmdDelim));
      break;
    case 'csv':
      writeCsv(out, value);
      out.text('\n');
      break;
    case 'json':
    case 'quoted-json':
      writeJson(out, value, jsonQuoter(opts.mode === 'quoted-json'));
      out.text('\n');
      break;
  }
}

/**
 * One reply as redis-cli prints it (mirrors `cliFormatReply`). `verbatim` is the forced-raw path of
 * INFO and friends (`isForcedRaw` in src/commands/traits.ts): the raw form whatever the mode, and no `-D` after it.
 * The result may share memory with `value`'s Buffers.
 */
export function formatReply(value: RespValue, opts: FormatOptions, verbatim = false): Buffer {
  // the common case of `--raw` / piped output (GET, and each line of a pipe): one copy, no sink
  if (!verbatim && isPlainRaw(value, opts)) return Buffer.concat([value.value, delimiterBytes(opts.cmdDelim)]);
  const out = new ByteSink();
  writeReply(out, value, opts, verbatim);
  return out.toBuffer();
}

/**
 * `formatReply` as pieces: a large bulk payload is one of them, uncopied, so a 100 MB reply is not
 * copied again on its way to stdout.
 */
export function formatReplyChunks(value: RespValue, opts: FormatOptions, verbatim = false): Buffer[] {
  if (!verbatim && isPlainRaw(value, opts)) return [value.value, delimiterBytes(opts.cmdDelim)];
  const out = new ByteSink();
  writeReply(out, value, opts, verbatim);
  return out.toChunks();
}

/**
 * An out-of-band push as redis-cli prints it when it shows pushes (mirrors `cliPushHandler`): an
 * `invalidate` push in TTY mode gets the short `-> invalidate: 'k'` line, anything else is a reply.
 */
export function formatPush(value: RespValue, opts: FormatOptions): Buffer {
  if (opts.mode === 'tty' && isInvalidatePush(value)) return formatInvalidateTty(value);
  return formatReply(value, opts, false);
}
