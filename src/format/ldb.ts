/**
 * The Lua debugger's replies as redis-cli 7.0.15 prints them during `--ldb` (cliFormatReplyRaw with
 * config.eval_ldb set): raw output, each status line coloured by what it starts with
 * (sdsCatColorizedLdbReply) when TERM contains "xterm", and `<endsession>` printed as nothing while
 * it ends the session.
 */
import { Buffer } from 'node:buffer';
import type { RespValue } from '../resp/value.js';
import { delimiterBytes, ByteSink } from './sink.js';
import { writeRaw } from './raw.js';

/** sdscatcolor's codes. */
const CODES: Record<string, [bold: number, code: number]> = {
  white: [0, 37],
  bold: [1, 37],
  green: [0, 32],
  cyan: [0, 36],
  red: [0, 31],
  magenta: [0, 35],
  yellow: [0, 33],
};

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/** sdsCatColorizedLdbReply: the colour of one debugger line (later tests win, as in redis-cli). */
export function ldbLineColor(s: Buffer): string {
  const text = s.toString('latin1');
  let color = 'white';
  if (text.includes('<debug>')) color = 'bold';
  if (text.includes('<redis>')) color = 'green';
  if (text.includes('<reply>')) color = 'cyan';
  if (text.includes('<error>')) color = 'red';
  if (text.includes('<hint>')) color = 'bold';
  if (text.includes('<value>') || text.includes('<retval>')) color = 'magenta';
  if (s.length > 4 && isDigit(s[3])) {
    if (s[1] === 0x3e) color = 'yellow'; // '>': the current line
    else if (s[2] === 0x23) color = 'bold'; // '#': a break point
  }
  return color;
}

export interface LdbFormatState {
  /** Still in the debugging session (config.eval_ldb); cleared by `<endsession>`. */
  active: boolean;
  /** TERM contains "xterm" (isColorTerm), whether or not stdout is a terminal. */
  color: boolean;
}

/** One reply in the session, followed by `-D` (cliFormatReply in raw mode). Clears `state.active` at `<endsession>`. */
export function formatLdbReply(v: RespValue, state: LdbFormatState, mbDelim: string, cmdDelim: string): Buffer {
  const out = new ByteSink();
  const delim = delimiterBytes(mbDelim);
  const walk = (r: RespValue): void => {
    if (r.kind === 'simple' && state.active) {
      if (r.value.toString('latin1').startsWith('<endsession>')) {
        state.active = false;
        return;
      }
      if (!state.color) {
        out.bytes(r.value);
        return;
      }
      const [bold, code] = CODES[ldbLineColor(r.value)]!;
      out.text(`\x1b[${bold};${code};49m`);
      out.bytes(r.value);
      out.text('\x1b[0m');
      return;
    }
    if (r.kind === 'array' || r.kind === 'set' || r.kind === 'push') {
      r.items.forEach((item, i) => {
        if (i > 0) out.bytes(delim);
        walk(item);
      });
      return;
    }
    writeRaw(out, r, delim);
  };
  walk(v);
  out.bytes(delimiterBytes(cmdDelim));
  return out.toBuffer();
}
