/**
 * Commands the REPL asks about before sending (tredis-cli; redis-cli asks nothing): they delete
 * data, stop the server, or can stall it. Off with `--no-confirm` or `:set noconfirm`.
 */

function is(arg: Buffer | undefined, word: string): boolean {
  return arg !== undefined && arg.length === word.length && arg.toString('latin1').toLowerCase() === word;
}

/** What the command would do, for the question; null when it needs no confirmation. */
export function dangerOf(argv: readonly Buffer[]): string | null {
  const a = argv[0];
  if (is(a, 'flushall')) return 'FLUSHALL deletes every key of every database';
  if (is(a, 'flushdb')) return 'FLUSHDB deletes every key of the current database';
  if (is(a, 'shutdown')) return 'SHUTDOWN stops the server';
  if (is(a, 'debug')) {
    const sub = argv[1]?.toString('latin1').toUpperCase() ?? '';
    return `DEBUG${sub ? ` ${sub}` : ''} can block, crash or alter the server`;
  }
  if (is(a, 'keys') && argv.length === 2 && /^\*+$/.test(argv[1]!.toString('latin1'))) {
    return 'KEYS * walks every key and blocks the server meanwhile (SCAN does not)';
  }
  return null;
}

/** The question asked, e.g. `FLUSHALL deletes every key of every database on 127.0.0.1:6379. Run it? [y/N] `. */
export function confirmQuestion(danger: string, where: string): string {
  return `${danger} on ${where}. Run it? [y/N] `;
}

/** Only an explicit yes runs the command. */
export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer);
}
