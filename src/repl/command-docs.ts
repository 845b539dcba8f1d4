/**
 * The command table behind `help`, hints and completion, as redis-cli 7.0.15 builds it
 * (cliInitHelp): from the server's `COMMAND DOCS` when it can connect, its argument syntax made by
 * `renderArgs` (cliAddArgument); otherwise from the table compiled into redis-cli (help.h), which is
 * the bundled copy of Redis 7.0.15's docs in command-table.ts, with help.h's own syntax strings
 * where they differ (see scripts/gen-command-table.mjs).
 */
import type { CommandHelp, HelpTable } from '../format/help.js';
import type { RespValue } from '../resp/value.js';

/** One argument of COMMAND DOCS, trimmed to what help, hints and key completion read. */
export interface DocArg {
  name: string;
  /** key, string, integer, double, pattern, unix-time, pure-token, oneof, block. */
  type: string;
  token?: string;
  optional?: boolean;
  multiple?: boolean;
  multipleToken?: boolean;
  args?: DocArg[];
}

/** One command or subcommand of COMMAND DOCS. */
export interface CommandDoc {
  /** Upper case, subcommands with a space: `CLIENT KILL`. */
  name: string;
  summary: string;
  /** Absent for commands whose docs have none (redis-cli then prints no `since:` line). */
  since?: string | undefined;
  group: string;
  args: DocArg[];
  /**
   * The syntax string when it is not `renderArgs(args)`: the bundled table keeps redis-cli 7.0.15's
   * help.h text for the few commands whose docs changed after help.h was made.
   */
  params?: string;
}

/** A help entry with what hints and completion need. */
export interface CommandEntry extends CommandHelp {
  /** The name split into words: ['CLIENT', 'KILL']. */
  words: string[];
  args: DocArg[];
}

/** The table the REPL works with. */
export interface CommandTable extends HelpTable {
  commands: readonly CommandEntry[];
  /** Where it came from: 'server' (COMMAND DOCS of the connected server) or 'bundled'. */
  source: 'server' | 'bundled';
}

/** Argument types whose syntax is their name. */
const NAMED_TYPES = new Set(['key', 'string', 'integer', 'double', 'pattern', 'unix-time', 'token']);

/** An empty token or name shows as `""` (sdscat_orempty). */
const orEmpty = (s: string) => (s === '' ? '""' : s);

/**
 * One argument's syntax (mirrors cliAddArgument of redis-cli 7.0.15, which builds its help from
 * the server's COMMAND DOCS): `[` for optional, the token, the name (or the alternatives joined by
 * `|`, or the block joined by spaces), then ` [… ...]` for multiple.
 */
export function renderArg(a: DocArg): string {
  const token = a.token !== undefined ? orEmpty(a.token) : '';
  let repeat = '';
  if (NAMED_TYPES.has(a.type)) repeat = orEmpty(a.name);
  else if (a.type === 'oneof') repeat = (a.args ?? []).map(renderArg).join('|');
  else if (a.type === 'block') repeat = (a.args ?? []).map(renderArg).join(' ');
  const tokenPart = token !== '' && a.type !== 'pure-token' ? `${token} ` : token;
  let s = tokenPart + repeat;
  if (a.multiple) s += ` [${a.multipleToken ? tokenPart : ''}${repeat} ...]`;
  return a.optional ? `[${s}]` : s;
}

/** A command's syntax string: its arguments joined by spaces. */
export function renderArgs(args: readonly DocArg[]): string {
  return args.map(renderArg).join(' ');
}

/** Sorts entries by name with strcmp order and collects the groups (sorted). */
export function buildTable(docs: readonly CommandDoc[], source: CommandTable['source']): CommandTable {
  const commands: CommandEntry[] = docs.map((d) => ({
    name: d.name,
    params: d.params ?? renderArgs(d.args),
    summary: d.summary,
    since: d.since,
    group: d.group,
    words: d.name.split(' '),
    args: d.args,
  }));
  commands.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const groups = [...new Set(commands.map((c) => c.group).filter((g) => g !== ''))].sort();
  return { commands, groups, source };
}

// --- COMMAND DOCS reply → CommandDoc[] (RESP2 flat lists or RESP3 maps) --------------------------

function text(v: RespValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v.kind === 'bulk' || v.kind === 'simple' || v.kind === 'verbatim') return v.value.toString('utf8');
  return undefined;
}

/** A map reply, or a RESP2 flat [k, v, k, v] array, as [key, value] pairs. */
function entries(v: RespValue | undefined): Array<[string, RespValue]> {
  if (v === undefined) return [];
  if (v.kind === 'map') {
    const out: Array<[string, RespValue]> = [];
    for (const [k, val] of v.entries) {
      const key = text(k);
      if (key !== undefined) out.push([key, val]);
    }
    return out;
  }
  if (v.kind === 'array' || v.kind === 'set') {
    const out: Array<[string, RespValue]> = [];
    for (let i = 0; i + 1 < v.items.length; i += 2) {
      const key = text(v.items[i]);
      if (key !== undefined) out.push([key, v.items[i + 1]!]);
    }
    return out;
  }
  return [];
}

function list(v: RespValue | undefined): RespValue[] {
  if (v === undefined) return [];
  if (v.kind === 'array' || v.kind === 'set') return v.items;
  return [];
}

function parseArg(v: RespValue): DocArg {
  const m = new Map(entries(v));
  const flags = new Set(list(m.get('flags')).map((f) => text(f)));
  const a: DocArg = { name: text(m.get('name')) ?? '', type: text(m.get('type')) ?? '' };
  const token = text(m.get('token'));
  if (token !== undefined) a.token = token;
  if (flags.has('optional')) a.optional = true;
  if (flags.has('multiple')) a.multiple = true;
  if (flags.has('multiple_token')) a.multipleToken = true;
  const sub = m.get('arguments');
  if (sub !== undefined) a.args = list(sub).map(parseArg);
  return a;
}

/** Reads a `COMMAND DOCS` reply. Returns [] for anything that is not one (an error reply, say). */
export function parseCommandDocs(reply: RespValue): CommandDoc[] {
  const out: CommandDoc[] = [];
  const walk = (name: string, doc: RespValue) => {
    const m = new Map(entries(doc));
    out.push({
      name: name.replace(/\|/g, ' ').toUpperCase(),
      // printf("%s", NULL) in redis-cli
      summary: text(m.get('summary')) ?? '(null)',
      since: text(m.get('since')),
      group: text(m.get('group')) ?? '',
      args: list(m.get('arguments')).map(parseArg),
    });
    for (const [sub, d] of entries(m.get('subcommands'))) walk(sub, d);
  };
  for (const [name, doc] of entries(reply)) walk(name, doc);
  return out;
}
