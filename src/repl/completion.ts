/**
 * Tab completion candidates, as whole new lines (linenoise cycles through them):
 * - command names and subcommands, and `help` topics (mirrors completionCallback of redis-cli
 *   7.0.15: the typed text must be a case-insensitive prefix of an entry's full name, e.g.
 *   `client k` → `CLIENT KILL`; after `help ` groups (`@string`) are offered too);
 * - key names for key arguments (tredis-cli): the REPL supplies known keys, these functions decide
 *   whether the word at the cursor is a key and which keys fit.
 */
import { splitArgs } from '../modes/split-line.js';
import type { CommandEntry, DocArg } from './command-docs.js';
import { matchEntry } from './hints.js';

/** C isspace. */
const isCSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** Command, subcommand and help-topic candidates for `line` (mirrors completionCallback). */
export function completeCommand(line: string, commands: readonly CommandEntry[], groups: readonly string[]): string[] {
  let start = 0;
  let withGroups = false;
  if (line.length >= 5 && line.slice(0, 5).toLowerCase() === 'help ') {
    start = 5;
    while (start < line.length && isCSpace(line.charCodeAt(start))) start++;
    withGroups = true;
  }
  const typed = line.slice(start).toLowerCase();
  const head = line.slice(0, start);
  // redis-cli's entries are sorted with strcmp: `@group` entries ('@' < 'A') come first.
  const names = [...(withGroups ? groups.map((g) => `@${g}`) : []), ...commands.map((c) => c.name)];
  const out: string[] = [];
  for (const full of names) {
    if (typed.length <= full.length && full.slice(0, typed.length).toLowerCase() === typed) out.push(head + full);
  }
  return out;
}

/**
 * Whether argument number `index` (0 = the first after the command's name words) is a key, judged
 * from the start of the argument list: plain positional arguments in order, a `multiple` argument
 * taking all the rest, a repeated block (MSET's `key value`) cycling. Anything optional, tokened or
 * a choice ends what can be known without parsing: not a key.
 */
export function isKeyArgument(args: readonly DocArg[], index: number): boolean {
  let pos = 0;
  for (const a of args) {
    if (a.optional || a.token !== undefined || a.type === 'oneof' || a.type === 'pure-token') return false;
    if (a.type === 'block') {
      const sub = a.args ?? [];
      if (!a.multiple || sub.length === 0 || sub.some((s) => s.optional || s.token !== undefined || s.multiple || s.args)) return false;
      return index >= pos && sub[(index - pos) % sub.length]!.type === 'key';
    }
    if (a.multiple) return index >= pos && a.type === 'key';
    if (pos === index) return a.type === 'key';
    pos++;
  }
  return false;
}

/** Where a key completion applies: the word being typed starts at `start` and reads `prefix`. */
export interface KeyTarget {
  start: number;
  prefix: string;
  entry: CommandEntry;
}

/**
 * The key argument being typed at the end of `before` (the text left of the cursor), or null when
 * the word there is not a key argument (or is quoted: not completed).
 */
export function keyTarget(before: string, commands: readonly CommandEntry[]): KeyTarget | null {
  const argv = splitArgs(Buffer.from(before, 'utf8'));
  if (argv === null || argv.length === 0) return null;
  const endspace = isCSpace(before.charCodeAt(before.length - 1));
  let start = before.length;
  let prefix = '';
  let wordIndex = argv.length; // index in argv of the word being typed
  if (!endspace) {
    while (start > 0 && !isCSpace(before.charCodeAt(start - 1))) start--;
    prefix = before.slice(start);
    if (/["']/.test(prefix)) return null;
    wordIndex = argv.length - 1;
  }
  const m = matchEntry(argv.slice(0, wordIndex), commands);
  if (!m) return null;
  if (!isKeyArgument(m.entry.args, wordIndex - m.words)) return null;
  return { start, prefix, entry: m.entry };
}

/** A key as typed at the prompt: bare when splitArgs reads it back unchanged, else double-quoted. */
export function quoteKey(key: string): string {
  if (key.length > 0 && !/[\s"'\\\x00-\x1f\x7f]/.test(key)) return key;
  let out = '"';
  for (const ch of key) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Whole-line candidates for a key target: `before` with the word replaced by each matching key. */
export function completeKeys(before: string, target: KeyTarget, keys: Iterable<string>, max = 200): string[] {
  const head = before.slice(0, target.start);
  const found = new Set<string>();
  for (const k of keys) if (k.startsWith(target.prefix)) found.add(k);
  return [...found].sort().slice(0, max).map((k) => head + quoteKey(k));
}
