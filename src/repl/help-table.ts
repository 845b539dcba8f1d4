/**
 * `help …` for every mode: the bundled Redis 7.0.15 table (what redis-cli 7.0.15 has compiled in),
 * built on first use, and the text for a help command line.
 */
import { formatHelp } from '../format/help.js';
import { buildTable, type CommandTable } from './command-docs.js';
import { bundledDocs } from './command-table.js';

let bundled: CommandTable | undefined;

/** The table made from the bundled COMMAND DOCS of Redis 7.0.15. */
export function bundledTable(): CommandTable {
  bundled ??= buildTable(bundledDocs(), 'bundled');
  return bundled;
}

/**
 * What `help ARGS…` prints (redis-cli's bytes). `version` follows `redis-cli ` on the first line of
 * the general help; `extra` is appended to it.
 */
export function helpText(args: readonly Buffer[], table: CommandTable, version: string, extra = ''): string {
  return formatHelp(args.map((a) => a.toString('utf8')), table, version, extra);
}
