import { isSensitive } from '../commands/traits.js';
import { sdscatrepr } from '../format/repr.js';

/** Bytes of one argument shown in the message before it is cut (a 64 MiB SET value is not echoed). */
const ARG_SHOWN = 48;
/** Arguments shown before `…`. */
const ARGS_SHOWN = 8;

/** Whether an argument can be shown bare, as typed (no quoting needed for splitArgs to read it back). */
function isBare(a: Buffer): boolean {
  if (a.length === 0) return false;
  for (const c of a) if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x27 || c === 0x5c) return false;
  return true;
}

/**
 * A command as a person would type it again: words separated by spaces, a word that needs quoting
 * in redis-cli's "…" form (sdscatrepr), long words and long commands cut with `…`. A command that
 * carries a secret (AUTH, ACL SETUSER, CONFIG SET requirepass…: the history's isSensitive) shows its
 * name only.
 */
export function describeCommand(args: readonly Buffer[]): string {
  if (args.length === 0) return '';
  if (isSensitive(args)) return args[0]!.toString('latin1');
  const words = args.slice(0, ARGS_SHOWN).map((a) => {
    const cut = a.length > ARG_SHOWN;
    const part = cut ? a.subarray(0, ARG_SHOWN) : a;
    const shown = isBare(part) ? part.toString('latin1') : sdscatrepr(part).toString('latin1');
    return cut ? `${shown}…(${a.length} bytes)` : shown;
  });
  if (args.length > ARGS_SHOWN) words.push(`…(${args.length - ARGS_SHOWN} more)`);
  return words.join(' ');
}

/**
 * The line printed on stderr after redis-cli's error when a connection dropped with `count` pipelined
 * commands written to it and no reply for them: each may or may not have run, and none is sent
 * again (at most once). `first` is the oldest of them; the others followed it in input order.
 * Nothing is said for a single command: redis-cli's error alone already covers that case, the one
 * redis-cli itself meets (it never has more than one command in flight), and its bytes are kept.
 */
export function unansweredMessage(count: number, first: readonly Buffer[]): string | undefined {
  if (count < 2) return undefined;
  return `${count} commands sent without a reply; their outcome is unknown (first: ${describeCommand(first)})`;
}
