/**
 * `help …` for every mode, built the way redis-cli 7.0.15 builds it (cliInitHelp): from the
 * server's COMMAND DOCS when it can connect (quietly), else from its compiled-in table — here the
 * bundled Redis 7.0.15 docs. Built once, on first use.
 */
import type { Session } from '../client/session.js';
import { formatHelp } from '../format/help.js';
import { REDIS_CLI_VERSION } from '../version.js';
import { buildTable, parseCommandDocs, type CommandTable } from './command-docs.js';
import { bundledDocs } from './command-table.js';

let bundled: CommandTable | undefined;

/** The table made from the bundled COMMAND DOCS of Redis 7.0.15 (redis-cli's help.h). */
export function bundledTable(): CommandTable {
  bundled ??= buildTable(bundledDocs(), 'bundled');
  return bundled;
}

/**
 * What `help ARGS…` prints (redis-cli's bytes); `extra` is appended to the general help.
 */
export function helpText(args: readonly Buffer[], table: CommandTable, extra = ''): string {
  return formatHelp(args.map((a) => a.toString('utf8')), table, REDIS_CLI_VERSION, extra);
}

/**
 * The server's table: connects quietly when not connected (cliConnect(CC_QUIET)), then asks
 * COMMAND DOCS. Falls back to the bundled table when either fails.
 */
export async function serverTable(session: Session): Promise<CommandTable> {
  try {
    if (!session.isConnected) await session.connect();
    const docs = parseCommandDocs(await session.send(['COMMAND', 'DOCS']));
    if (docs.length > 0) return buildTable(docs, 'server');
  } catch {
    // no server: the compiled-in table, as redis-cli
  }
  return bundledTable();
}

/**
 * A `ctx.help` for one-shot and piped modes: the table is made on the first `help` (needing the
 * server only then), and the text written with `write`.
 */
export function makeHelp(session: () => Session, write: (text: string) => void): (args: Buffer[]) => Promise<void> {
  let table: Promise<CommandTable> | undefined;
  return async (args) => {
    // The general help needs no table.
    if (args.length === 0) {
      write(helpText(args, bundledTable()));
      return;
    }
    table ??= serverTable(session());
    write(helpText(args, await table));
  };
}
