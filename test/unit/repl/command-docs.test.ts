// COMMAND DOCS → help entries, the help text (cliOutputHelp of redis-cli 7.0.15), key learning and
// the bounded SCAN, and the meta-commands. Syntax strings in the first table are redis-cli 7.0.15's
// `help CMD` output (its help.h); the whole bundled table is compared with the real redis-cli in
// test/integration/repl-help.test.ts.
import { describe, expect, it } from 'vitest';
import { formatCommandHelp, formatHelp } from '../../../src/format/help.js';
import { buildTable, parseCommandDocs, renderArg, renderArgs, type DocArg } from '../../../src/repl/command-docs.js';
import { bundledDocs } from '../../../src/repl/command-table.js';
import { bundledTable } from '../../../src/repl/help-table.js';
import { globEscape, KeyCache, scanKeys } from '../../../src/repl/key-cache.js';
import { runMeta, type MetaContext } from '../../../src/repl/meta-commands.js';
import { defaultPreferences } from '../../../src/repl/preferences.js';
import type { RespValue } from '../../../src/resp/value.js';
import type { Session } from '../../../src/client/session.js';

const bulk = (s: string): RespValue => ({ kind: 'bulk', value: Buffer.from(s) });
const arr = (...items: RespValue[]): RespValue => ({ kind: 'array', items });

describe('renderArg (generate-command-help.rb of redis 7.0)', () => {
  it.each<{ name: string; arg: DocArg; expected: string }>([
    { name: 'plain', arg: { name: 'key', type: 'key' }, expected: 'key' },
    { name: 'optional token', arg: { name: 'count', type: 'integer', token: 'COUNT', optional: true }, expected: '[COUNT count]' },
    { name: 'pure token', arg: { name: 'get', type: 'pure-token', token: 'GET', optional: true }, expected: '[GET]' },
    { name: 'multiple', arg: { name: 'key', type: 'key', multiple: true }, expected: 'key [key ...]' },
    { name: 'multiple token', arg: { name: 'prefix', type: 'string', token: 'PREFIX', optional: true, multiple: true, multipleToken: true }, expected: '[PREFIX prefix [PREFIX prefix ...]]' },
    { name: 'token + multiple', arg: { name: 'client-id', type: 'integer', token: 'ID', optional: true, multiple: true }, expected: '[ID client-id [client-id ...]]' },
    {
      name: 'oneof with token',
      arg: { name: 't', type: 'oneof', token: 'TYPE', optional: true, args: [{ name: 'a', type: 'pure-token', token: 'NORMAL' }, { name: 'b', type: 'pure-token', token: 'MASTER' }] },
      expected: '[TYPE NORMAL|MASTER]',
    },
    { name: 'empty token shows as ""', arg: { name: 'empty_string', type: 'pure-token', token: '' }, expected: '""' },
    { name: 'pure token, multiple', arg: { name: 't', type: 'pure-token', token: 'T', multiple: true }, expected: 'T [ ...]' },
    { name: 'unknown type shows only its token', arg: { name: 'x', type: 'future-type', token: 'X' }, expected: 'X ' },
    {
      name: 'multiple block',
      arg: { name: 'data', type: 'block', multiple: true, args: [{ name: 'field', type: 'string' }, { name: 'value', type: 'string' }] },
      expected: 'field value [field value ...]',
    },
  ])('$name', ({ arg, expected }) => {
    expect(renderArg(arg)).toBe(expected);
  });

  it.each([
    { name: 'GET', params: 'key' },
    { name: 'CLIENT LIST', params: '[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]' },
    { name: 'CLIENT TRACKING', params: 'ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]' },
    { name: 'PFSELFTEST', params: '' },
    // help.h's own text for these (what redis-cli 7.0.15 prints without a server) …
    { name: 'REPLICAOF', params: 'host port' },
    { name: 'MIGRATE', params: 'host port key| destination-db timeout [COPY] [REPLACE] [[AUTH password]|[AUTH2 username password]] [KEYS key [key ...]]' },
  ])('bundled $name', ({ name, params }) => {
    expect(bundledTable().commands.find((c) => c.name === name)?.params).toBe(params);
  });

  // … and what it prints from the 7.0.15 server's docs (redis-cli 7.0.15 with a server).
  it.each([
    { name: 'REPLICAOF', params: 'host port|NO ONE' },
    { name: 'MIGRATE', params: 'host port key|"" destination-db timeout [COPY] [REPLACE] [[AUTH password]|[AUTH2 username password]] [KEYS key [key ...]]' },
    { name: 'BITFIELD_RO', params: 'key [GET encoding offset [GET encoding offset ...]]' },
  ])('from the docs: $name', ({ name, params }) => {
    expect(renderArgs(bundledDocs().find((d) => d.name === name)!.args)).toBe(params);
  });
});

describe('parseCommandDocs', () => {
  // COMMAND DOCS GET and CLIENT (with one subcommand) as RESP2 flat lists.
  const getDoc = arr(bulk('summary'), bulk('Get the value of a key'), bulk('since'), bulk('1.0.0'), bulk('group'), bulk('string'), bulk('complexity'), bulk('O(1)'), bulk('arguments'), arr(arr(bulk('name'), bulk('key'), bulk('type'), bulk('key'), bulk('key_spec_index'), { kind: 'integer', value: 0n })));
  const killDoc = arr(bulk('summary'), bulk('Kill'), bulk('since'), bulk('2.4.0'), bulk('group'), bulk('connection'), bulk('arguments'), arr(arr(bulk('name'), bulk('skipme'), bulk('type'), bulk('string'), bulk('token'), bulk('SKIPME'), bulk('flags'), arr({ kind: 'simple', value: Buffer.from('optional') }))));
  const clientDoc = arr(bulk('summary'), bulk('A container'), bulk('since'), bulk('2.4.0'), bulk('group'), bulk('connection'), bulk('subcommands'), arr(bulk('client|kill'), killDoc));
  const resp2 = arr(bulk('get'), getDoc, bulk('client'), clientDoc);

  it('reads RESP2 lists, subcommands included', () => {
    const docs = parseCommandDocs(resp2);
    expect(docs.map((d) => d.name)).toEqual(['GET', 'CLIENT', 'CLIENT KILL']);
    const t = buildTable(docs, 'server');
    expect(t.commands.map((c) => [c.name, c.params])).toEqual([['CLIENT', ''], ['CLIENT KILL', '[SKIPME skipme]'], ['GET', 'key']]);
    expect(t.groups).toEqual(['connection', 'string']);
  });

  it('reads RESP3 maps the same way', () => {
    const toMap = (v: RespValue): RespValue => {
      if (v.kind !== 'array') return v;
      const keyed = v.items.length % 2 === 0 && v.items.every((x, i) => i % 2 === 1 || x.kind === 'bulk');
      if (!keyed || v.items.length === 0) return { kind: 'array', items: v.items.map(toMap) };
      const entries: Array<[RespValue, RespValue]> = [];
      for (let i = 0; i < v.items.length; i += 2) entries.push([v.items[i]!, toMap(v.items[i + 1]!)]);
      return { kind: 'map', entries };
    };
    expect(parseCommandDocs(toMap(resp2))).toEqual(parseCommandDocs(resp2));
  });

  it('gives nothing for an error reply', () => {
    expect(parseCommandDocs({ kind: 'error', value: Buffer.from('NOPERM') })).toEqual([]);
  });
});

describe('formatHelp (cliOutputHelp)', () => {
  const t = bundledTable();
  it('prints one command with its group', () => {
    expect(formatHelp(['get'], t, '7.0.15')).toBe('\r\n  \x1b[1mGET\x1b[0m \x1b[90mkey\x1b[0m\r\n  \x1b[33msummary:\x1b[0m Get the value of a key\r\n  \x1b[33msince:\x1b[0m 1.0.0\r\n  \x1b[33mgroup:\x1b[0m string\r\n\r\n');
  });
  it('lists a command and its subcommands for its first word, a group without the group line', () => {
    expect(formatHelp(['client'], t, '7.0.15').split('\x1b[1mCLIENT').length - 1).toBe(t.commands.filter((c) => c.words[0] === 'CLIENT').length);
    expect(formatHelp(['@hyperloglog'], t, '7.0.15')).toBe(t.commands.filter((c) => c.group === 'hyperloglog').map((c) => formatCommandHelp(c, false)).join('') + '\r\n');
  });
  it.each([['set', 'ex'], ['client kill'], ['@nosuch'], ['nosuch']])('%j prints only \\r\\n', (...args) => {
    expect(formatHelp(args, t, '7.0.15')).toBe('\r\n');
  });
  it('prints the general help with the version and extra text', () => {
    const g = formatHelp([], t, '7.0.15', 'more\n');
    expect(g.startsWith('redis-cli 7.0.15\nTo get help about Redis commands type:\n')).toBe(true);
    expect(g.endsWith('Set your preferences in ~/.redisclirc\nmore\n')).toBe(true);
  });
});

describe('KeyCache and scanKeys', () => {
  const t = bundledTable();
  const b = (...w: string[]) => w.map((x) => Buffer.from(x));
  it('learns keys from KEYS and SCAN replies and from key arguments of commands that worked', () => {
    const c = new KeyCache(3);
    c.noteReply(0, b('keys', '*'), arr(bulk('k1'), bulk('k2')), t.commands);
    c.noteReply(0, b('scan', '0'), arr(bulk('0'), arr(bulk('k3'))), t.commands);
    c.noteReply(0, b('set', 'k4', 'v'), { kind: 'simple', value: Buffer.from('OK') }, t.commands);
    expect(c.keys(0)).toEqual(['k2', 'k3', 'k4']); // bounded to 3, oldest dropped
    c.noteReply(0, b('get', 'missing'), { kind: 'null', from: 'bulk' }, t.commands);
    c.noteReply(0, b('get', 'bad'), { kind: 'error', value: Buffer.from('WRONGTYPE') }, t.commands);
    c.noteReply(0, b('del', 'k3'), { kind: 'integer', value: 1n }, t.commands);
    expect(c.keys(0)).toEqual(['k2', 'k4']);
    expect(c.keys(1)).toEqual([]);
  });

  it('scans with MATCH prefix* and COUNT, stops at cursor 0 or the caps', async () => {
    const calls: string[][] = [];
    const send = async (a: string[]): Promise<RespValue> => {
      calls.push(a);
      const n = calls.length;
      return arr(bulk(n < 3 ? String(n * 10) : '0'), arr(bulk(`u${n}a`), bulk(`u${n}b`)));
    };
    expect(await scanKeys(send, 'u*', { count: 50, maxCalls: 10, maxKeys: 100, timeoutMs: 1000 })).toEqual(['u1a', 'u1b', 'u2a', 'u2b', 'u3a', 'u3b']);
    expect(calls[0]).toEqual(['SCAN', '0', 'MATCH', 'u\\**', 'COUNT', '50']);
    expect(calls[1]![1]).toBe('10');
    calls.length = 0;
    expect(await scanKeys(send, 'u', { count: 50, maxCalls: 10, maxKeys: 3, timeoutMs: 1000 })).toHaveLength(4);
    expect(calls).toHaveLength(2);
  });

  it('gives up quietly on errors and slow servers', async () => {
    expect(await scanKeys(async () => ({ kind: 'error', value: Buffer.from('NOPERM') }), '')).toEqual([]);
    expect(await scanKeys(() => new Promise<RespValue>(() => undefined), '', { count: 1, maxCalls: 1, maxKeys: 1, timeoutMs: 20 })).toEqual([]);
    expect(globEscape('a*b?[c]\\')).toBe('a\\*b\\?\\[c\\]\\\\');
  });
});

describe('meta-commands', () => {
  const mc = (over: Partial<MetaContext> = {}): MetaContext & { out: string[] } => {
    const out: string[] = [];
    return { prefs: defaultPreferences(), session: { handshakeReport: () => ({}) } as unknown as Session, print: (t) => out.push(t), color: false, out, ...over };
  };
  it(':tls prints the report when src/format/handshake.ts has renderLiveTls', async () => {
    const m = mc({ loadHandshake: async () => ({ renderLiveTls: (_r: unknown, o: { json: boolean }) => `report json=${o.json}` }) });
    await runMeta(m, [':tls']);
    await runMeta(m, [':tls', '--json']);
    expect(m.out).toEqual(['report json=false\n', 'report json=true\n']);
  });
  it.each([
    ['the module fails to load', async () => { throw new Error('Cannot find module'); }],
    ['the export is missing', async () => ({})],
  ])(':tls says it is not available when %s', async (_name, loadHandshake) => {
    const m = mc({ loadHandshake });
    await runMeta(m, [':tls']);
    expect(m.out).toEqual([':tls: not available\n']);
  });
  it(':set changes settings; unknown commands get redis-cli\'s message; :help lists them', async () => {
    const m = mc();
    await runMeta(m, [':set', 'nohints']);
    await runMeta(m, [':SET', 'keycomplete', 'off']);
    await runMeta(m, [':set']);
    await runMeta(m, [':nope']);
    expect(m.prefs).toMatchObject({ hints: false, keycomplete: false });
    expect(m.out).toEqual(["unknown redis-cli internal command ':set'\n", "unknown redis-cli internal command ':nope'\n"]);
    await runMeta(m, [':help']);
    expect(m.out[2]).toMatch(/:tls \[--json\][^]*keycomplete +off/);
  });
});
