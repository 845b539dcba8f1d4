/**
 * The command table behind `help`, hints and completion: `COMMAND DOCS` (from the server, or the
 * bundled copy of Redis 7.0.15's in command-table.ts) turned into redis-cli's help entries.
 *
 * redis-cli 7.0.15 compiles its table in (help.h, made by utils/generate-command-help.rb from the
 * same docs); `renderArgs` reproduces that script's syntax strings, so that `help` prints the same
 * bytes for a 7.0 server. Against a newer server the server's own docs are used (newer commands and
 * arguments appear), which redis-cli 7.0.15 cannot do.
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
  since: string;
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

/** One argument's syntax (mirrors `argument` of redis 7.0's utils/generate-command-help.rb). */
export function renderArg(a: DocArg): string {
  let s: string;
  if (a.type === 'block') s = (a.args ?? []).map(renderArg).join(' ');
  else if (a.type === 'oneof') s = (a.args ?? []).map(renderArg).join('|');
  else if (a.type === 'pure-token') s = a.token ?? a.name;
  else s = a.name;
  if (a.multiple) s = a.multipleToken ? `${s} [${a.token ?? ''} ${s} ...]` : `${s} [${s} ...]`;
  if (a.token !== undefined && a.type !== 'pure-token') s = `${a.token} ${s}`;
  if (a.optional) s = `[${s}]`;
  return s;
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
      summary: text(m.get('summary')) ?? '',
      since: text(m.get('since')) ?? '',
      group: text(m.get('group')) ?? '',
      args: list(m.get('arguments')).map(parseArg),
    });
    for (const [sub, d] of entries(m.get('subcommands'))) walk(sub, d);
  };
  for (const [name, doc] of entries(reply)) walk(name, doc);
  return out;
}
