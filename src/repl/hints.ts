/**
 * The dimmed argument syntax shown after what is typed (mirrors hintsCallback of redis-cli 7.0.15):
 * the longest command or subcommand whose words start the line gives its syntax, and one word of it
 * is dropped for each argument typed, until the first optional (`[`) part.
 */
import { splitArgs } from '../modes/split-line.js';
import type { CommandEntry } from './command-docs.js';

/** ASCII case-insensitive equality of an argument with a word of a command name (strcasecmp). */
export function sameWord(arg: Buffer, word: string): boolean {
  return arg.length === word.length && arg.toString('latin1').toLowerCase() === word.toLowerCase();
}

/** C isspace. */
function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** The entry whose words start `argv`, the longest one (the first of equals), and how many words. */
export function matchEntry(argv: readonly Buffer[], commands: readonly CommandEntry[]): { entry: CommandEntry; words: number } | null {
  let best: CommandEntry | undefined;
  let matchlen = 0;
  for (const e of commands) {
    const n = e.words.length;
    if (n > argv.length || n <= matchlen) continue;
    let ok = true;
    for (let j = 0; j < n; j++) {
      if (!sameWord(argv[j]!, e.words[j]!)) {
        ok = false;
        break;
      }
    }
    if (ok) {
      best = e;
      matchlen = n;
    }
  }
  return best ? { entry: best, words: matchlen } : null;
}

/**
 * The hint for `line` (without its leading space when the line already ends in one), or null for
 * none. An empty string is a hint with nothing to show.
 */
export function computeHint(line: string, commands: readonly CommandEntry[]): string | null {
  const argv = splitArgs(Buffer.from(line, 'utf8'));
  if (argv === null || argv.length === 0) return null;
  const m = matchEntry(argv, commands);
  if (!m) return null;
  let hint = m.entry.params;
  let toremove = argv.length - m.words;
  while (toremove > 0 && hint.length > 0) {
    if (hint[0] === '[') break;
    if (hint[0] === ' ') toremove--;
    hint = hint.slice(1);
  }
  const endspace = line.length > 0 && isCSpace(line.charCodeAt(line.length - 1));
  return endspace ? hint : ` ${hint}`;
}
