/**
 * The REPL's history, without I/O: which lines are kept (never the sensitive ones), the in-memory
 * list with linenoise's rules, and the Ctrl-R search. The file is read and written by
 * history-file.ts.
 */
import { parseRepeatPrefix, splitArgs } from '../modes/split-line.js';

/** ASCII case-insensitive equality with a lower-case word. */
function is(arg: Buffer | undefined, word: string): boolean {
  return arg !== undefined && arg.length === word.length && arg.toString('latin1').toLowerCase() === word;
}

/**
 * Whether a command carries a secret and must stay out of the history (in memory and on disk).
 * Mirrors isSensitiveCommand of redis-cli 7.0.15 — AUTH; ACL SETUSER; CONFIG SET masterauth,
 * masteruser or requirepass; HELLO … AUTH user pass; MIGRATE … AUTH pass / AUTH2 user pass — and
 * goes further where 7.0.15 lets a secret through: CONFIG SET checks every parameter of a
 * multi-parameter call (`CONFIG SET maxmemory 0 requirepass x`), not only the first.
 */
export function isSensitiveCommand(argv: readonly Buffer[]): boolean {
  const argc = argv.length;
  if (argc === 0) return false;
  if (is(argv[0], 'auth')) return true;
  if (argc > 1 && is(argv[0], 'acl') && is(argv[1], 'setuser')) return true;
  if (argc > 2 && is(argv[0], 'config') && is(argv[1], 'set')) {
    for (let j = 2; j < argc; j += 2) {
      if (is(argv[j], 'masterauth') || is(argv[j], 'masteruser') || is(argv[j], 'requirepass')) return true;
    }
    return false;
  }
  // HELLO [protover [AUTH username password] [SETNAME clientname]]
  if (argc > 4 && is(argv[0], 'hello')) {
    for (let j = 2; j < argc; j++) {
      const more = argc - 1 - j;
      if (is(argv[j], 'auth') && more >= 2) return true;
      if (is(argv[j], 'setname') && more > 0) j++;
      else return false;
    }
    return false;
  }
  // MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
  //         [AUTH2 username password] [KEYS key [key ...]]
  if (argc > 7 && is(argv[0], 'migrate')) {
    for (let j = 6; j < argc; j++) {
      const more = argc - 1 - j;
      if (is(argv[j], 'auth') && more > 0) return true;
      if (is(argv[j], 'auth2') && more >= 2) return true;
      if (is(argv[j], 'keys') && more > 0) return false;
    }
  }
  return false;
}

/**
 * Whether a typed line may be remembered. The repeat count (`3 AUTH x`) is skipped as redis-cli
 * does. A line that does not split (bad quoting) is checked word by word on white space, so that
 * `AUTH "unterminated` stays out too (redis-cli 7.0.15 keeps it).
 */
export function isLineRememberable(line: string): boolean {
  const bytes = Buffer.from(line, 'utf8');
  let argv = splitArgs(bytes);
  if (argv === null) argv = line.trim().split(/\s+/).map((w) => Buffer.from(w.replace(/^["']/, ''), 'utf8'));
  if (typeof parseRepeatPrefix(argv) === 'number') argv = argv.slice(1);
  return !isSensitiveCommand(argv);
}

/** linenoise's default is 100 entries; tredis-cli keeps more for Ctrl-R (redis-cli reads the last 100). */
export const HISTORY_MAX = 1000;

/** The in-memory history, oldest first (linenoiseHistoryAdd rules: no empty lines, no repeat of the last). */
export class HistoryList {
  readonly entries: string[];
  readonly max: number;

  constructor(entries: readonly string[] = [], max = HISTORY_MAX) {
    this.max = max;
    this.entries = entries.filter((e) => e !== '').slice(-max);
  }

  /** Adds a line; returns whether it was added. */
  add(line: string): boolean {
    if (line === '' || this.entries[this.entries.length - 1] === line) return false;
    this.entries.push(line);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
    return true;
  }

  get length(): number {
    return this.entries.length;
  }
}

/**
 * Ctrl-R: the newest entry before index `before` that contains `query` (ASCII case-insensitive, as
 * command names are), or -1. An empty query matches nothing.
 */
export function searchBackward(entries: readonly string[], query: string, before: number): number {
  if (query === '') return -1;
  const q = query.toLowerCase();
  for (let i = Math.min(before, entries.length) - 1; i >= 0; i--) {
    if (entries[i]!.toLowerCase().includes(q)) return i;
  }
  return -1;
}

/**
 * `$HOME/<name>`, or the file named by the environment variable `envVar`; null when that is
 * `/dev/null` or there is no HOME (mirrors getDotfilePath of redis-cli 7.0.15).
 */
export function dotfilePath(env: Record<string, string | undefined>, envVar: string, name: string): string | null {
  const override = env[envVar];
  if (override !== undefined && override !== '') return override === '/dev/null' ? null : override;
  const home = env.HOME;
  if (home !== undefined && home !== '') return `${home}/${name}`;
  return null;
}
