/**
 * The `help` command's output, byte for byte as redis-cli 7.0.15 prints it (cliOutputHelp,
 * cliOutputCommandHelp, cliOutputGenericHelp). redis-cli writes these ANSI colours whatever stdout
 * is (also into a pipe), and ends lines with `\r\n` because linenoise turns output post-processing
 * off; both are kept so that the bytes match.
 */

/** One command of the help table (the fields of redis-cli's `struct commandHelp`). */
export interface CommandHelp {
  /** Upper case, subcommands with a space: `GET`, `CLIENT KILL`. */
  name: string;
  /** The argument syntax: `key value [NX|XX] ...` (empty for none). */
  params: string;
  summary: string;
  /** Absent when the docs have none: no `since:` line then. */
  since?: string | undefined;
  group: string;
}

/** The help entries, sorted by name (strcmp), and the group names. */
export interface HelpTable {
  commands: readonly CommandHelp[];
  groups: readonly string[];
}

/** One command's help (mirrors cliOutputCommandHelp). */
export function formatCommandHelp(h: CommandHelp, withGroup: boolean): string {
  let s = `\r\n  \x1b[1m${h.name}\x1b[0m \x1b[90m${h.params}\x1b[0m\r\n`;
  s += `  \x1b[33msummary:\x1b[0m ${h.summary}\r\n`;
  if (h.since !== undefined) s += `  \x1b[33msince:\x1b[0m ${h.since}\r\n`;
  if (withGroup) s += `  \x1b[33mgroup:\x1b[0m ${h.group}\r\n`;
  return s;
}

/**
 * `help` with no argument (mirrors cliOutputGenericHelp). `version` is what follows `redis-cli `;
 * `extra` is appended (tredis-cli's own REPL settings), empty for redis-cli's exact text.
 */
export function formatGenericHelp(version: string, extra = ''): string {
  return (
    `redis-cli ${version}\n` +
    'To get help about Redis commands type:\n' +
    '      "help @<group>" to get a list of commands in <group>\n' +
    '      "help <command>" for help on <command>\n' +
    '      "help <tab>" to get a list of possible help topics\n' +
    '      "quit" to exit\n' +
    '\n' +
    'To set redis-cli preferences:\n' +
    '      ":set hints" enable online hints\n' +
    '      ":set nohints" disable online hints\n' +
    'Set your preferences in ~/.redisclirc\n' +
    extra
  );
}

/** ASCII case-insensitive equality (strcasecmp). */
function sameWord(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

/**
 * `help ARGS…` (mirrors cliOutputHelp of redis-cli 7.0.15): `@group` lists the commands of that
 * group (compared ignoring case) without the group line; otherwise every command whose first words equal ARGS (so `help client` lists CLIENT
 * and all its subcommands, `help client kill` only CLIENT KILL). Always ends with `\r\n`, which is
 * all that is printed when nothing matches.
 */
export function formatHelp(args: readonly string[], table: HelpTable, version: string, extra = ''): string {
  if (args.length === 0) return formatGenericHelp(version, extra);
  const first = args[0]!;
  const group = first.startsWith('@') ? first.slice(1) : undefined;
  let out = '';
  for (const h of table.commands) {
    if (group !== undefined) {
      if (sameWord(h.group, group)) out += formatCommandHelp(h, false);
      continue;
    }
    const words = h.name.split(' ');
    if (args.length > words.length) continue;
    if (args.every((a, i) => sameWord(a, words[i]!))) out += formatCommandHelp(h, true);
  }
  return `${out}\r\n`;
}
