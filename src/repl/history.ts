/**
 * The REPL's history, without I/O: which lines are kept (never the sensitive ones), the in-memory
 * list with linenoise's rules, and the Ctrl-R search. The file is read and written by
 * history-file.ts.
 */
import { isSensitive } from '../commands/traits.js';
import { parseRepeatPrefix, splitArgs } from '../modes/split-line.js';

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
  return !isSensitive(argv) && !isConnectWithSecret(argv);
}

/** Options of tredis-cli's `connect HOST PORT [OPTIONS]` that carry a password (a URI may hold one). */
const SECRET_OPTIONS = new Set(['-a', '--pass', '-u']);

/** `connect HOST PORT -a PASSWORD …` (tredis-cli's REPL form): kept out of the history like AUTH. */
function isConnectWithSecret(argv: Buffer[]): boolean {
  if (argv.length < 4 || argv[0]!.toString('latin1').toLowerCase() !== 'connect') return false;
  return argv.slice(3).some((a) => SECRET_OPTIONS.has(a.toString('latin1')));
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
