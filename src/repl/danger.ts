/**
 * The REPL's confirmation of dangerous commands (tredis-cli; redis-cli asks nothing). Which commands
 * are dangerous, and why, is a command trait (`dangerOf`, src/commands/traits.ts).
 */

/** The question asked, e.g. `FLUSHALL deletes every key of every database on 127.0.0.1:6379. Run it? [y/N] `. */
export function confirmQuestion(danger: string, where: string): string {
  return `${danger} on ${where}. Run it? [y/N] `;
}

/** Only an explicit yes runs the command. */
export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer);
}
