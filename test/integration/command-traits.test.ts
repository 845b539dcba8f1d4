// The command-traits table (src/commands/traits.ts) against what redis-server 7.0.15 says about its
// commands (`COMMAND`: flags and ACL categories of every command and subcommand), on the lab's
// server. A trait the server declares must match it exactly; a hand-kept trait must agree with the
// server's categories (what changes the connection is @connection, what the REPL confirms is
// @dangerous).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/client/session.js';
import {
  blockingTimeoutMs,
  changesConnection,
  commandKey,
  dangerOf,
  isBlocking,
  isForcedRaw,
  isHelp,
  isPubSub,
  isSensitive,
  isStreaming,
  isWrite,
  mayBeSlow,
  runsAlone,
} from '../../src/commands/traits.js';
import type { RespValue } from '../../src/resp/value.js';
import { lab } from '../setup/env.js';

interface ServerCommand {
  /** `get`, `client kill` */
  key: string;
  flags: string[];
  categories: string[];
}

const text = (v: RespValue | undefined): string => {
  if (v && (v.kind === 'bulk' || v.kind === 'simple')) return v.value.toString('latin1');
  throw new Error(`not a string: ${JSON.stringify(v)}`);
};
const items = (v: RespValue | undefined): RespValue[] => {
  if (v && (v.kind === 'array' || v.kind === 'set')) return v.items;
  throw new Error(`not an array: ${JSON.stringify(v)}`);
};

/** One COMMAND entry and its subcommands (name, arity, flags, first, last, step, categories, tips, keys, subs). */
function walk(entry: RespValue, out: ServerCommand[]): void {
  const e = items(entry);
  out.push({ key: text(e[0]).replace('|', ' ').toLowerCase(), flags: items(e[2]).map(text), categories: items(e[6]).map(text) });
  for (const sub of e[9] ? items(e[9]) : []) walk(sub, out);
}

let commands: ServerCommand[] = [];
let session: Session;

beforeAll(async () => {
  session = new Session({ host: '127.0.0.1', port: lab().servers.main.port!, timeoutMs: 5_000 }, { db: 0, switchToResp3: false });
  await session.connect();
  const version = text(await session.send(['INFO', 'server']));
  expect(version, 'the table is checked against redis-server 7.0.15').toMatch(/redis_version:7\.0\.15\r\n/);
  commands = [];
  for (const entry of items(await session.send(['COMMAND']))) walk(entry, commands);
});
afterAll(() => session?.close());

/** Words that reach the table's key for a server command (`client kill` → CLIENT KILL). */
const words = (c: ServerCommand) => c.key.toUpperCase().split(' ');

describe('command traits against redis-server 7.0.15 COMMAND', () => {
  it('sees every command and subcommand', () => {
    expect(commands.length).toBeGreaterThan(350);
    for (const c of commands) expect(commandKey(words(c))).toBe(c.key);
  });

  it.each(['write', 'blocking', 'pubsub'] as const)('flag %s: the table says what the server says', (flag) => {
    const ask = { write: isWrite, blocking: isBlocking, pubsub: isPubSub }[flag];
    const server = commands.filter((c) => c.flags.includes(flag)).map((c) => c.key).sort();
    const ours = commands.filter((c) => ask(words(c))).map((c) => c.key).sort();
    expect(ours).toEqual(server);
  });

  it('what changes the connection is in @connection', () => {
    const ours = commands.filter((c) => changesConnection(words(c)));
    expect(ours.map((c) => c.key)).toEqual(expect.arrayContaining(['auth', 'hello', 'select', 'reset', 'quit', 'client setname', 'client kill']));
    for (const c of ours) expect(c.categories, c.key).toContain('@connection');
  });

  it('what the REPL confirms is @dangerous or deletes data (@keyspace + @write)', () => {
    for (const c of commands) {
      const args = c.key === 'keys' ? ['KEYS', '*'] : words(c);
      if (dangerOf(args) === null) continue;
      expect(c.categories.includes('@dangerous') || (c.categories.includes('@keyspace') && c.flags.includes('write')), c.key).toBe(true);
    }
  });

  it('streams: the commands that subscribe, and MONITOR', () => {
    const ours = commands.filter((c) => isStreaming(words(c))).map((c) => c.key).sort();
    expect(ours).toEqual(['monitor', 'psubscribe', 'ssubscribe', 'subscribe']);
    for (const k of ours.filter((k) => k !== 'monitor')) expect(commands.find((c) => c.key === k)!.flags).toContain('pubsub');
  });

  it('every blocking command has a blocking time, and may be slow', () => {
    for (const c of commands.filter((c) => c.flags.includes('blocking'))) {
      expect(mayBeSlow(words(c)), c.key).toBe(true);
    }
  });

  it('commands the server lets through before AUTH (no_auth) change the connection', () => {
    for (const c of commands.filter((c) => c.flags.includes('no_auth'))) expect(changesConnection(words(c)), c.key).toBe(true);
  });
});

describe('traits decided by the arguments', () => {
  const b = (line: string) => line.split(' ');
  it.each([
    ['BLPOP k 0', Infinity],
    ['BLPOP k 1.5', 1500],
    ['BRPOP a b 2', 2000],
    ['BLMOVE a b LEFT RIGHT 0.1', 100],
    ['BRPOPLPUSH a b 3', 3000],
    ['BLMPOP 2 1 k LEFT', 2000],
    ['BZMPOP 0 1 k MIN', Infinity],
    ['BZPOPMIN k 1', 1000],
    ['WAIT 1 250', 250],
    ['WAIT 1 0', Infinity],
    ['WAITAOF 1 0 100', 100],
    ['XREAD COUNT 1 BLOCK 500 STREAMS s $', 500],
    ['xreadgroup GROUP g c block 0 STREAMS s >', Infinity],
    ['BLPOP k nope', 0],
    ['BLPOP k -1', 0],
  ])('%s may block for %s ms', (line, ms) => {
    expect(blockingTimeoutMs(b(line))).toBe(ms);
  });
  it.each(['XREAD STREAMS s $', 'XREAD STREAMS block 1', 'GET k', 'LPOP k'])('%s does not block', (line) => {
    expect(blockingTimeoutMs(b(line))).toBeUndefined();
  });
  it.each([
    ['HELP', true],
    ['?', true],
    ['help set', true],
    ['helpx', false],
  ])('isHelp(%s) = %s', (line, expected) => {
    expect(isHelp(b(line))).toBe(expected);
    expect(isHelp(b(line).map((w) => Buffer.from(w)))).toBe(expected);
  });
  it.each([
    ['CLIENT KILL ID 3', true, true],
    ['CLIENT LIST', false, true],
    ['client setname x', true, true],
    ['SELECT 1', true, false],
    ['GET k', false, false],
    ['help', false, true],
    ['SHUTDOWN', false, true],
    ['subscribe c', false, true],
  ])('%s: changes the connection %s, runs alone when piped %s', (line, changes, alone) => {
    expect(changesConnection(b(line))).toBe(changes);
    expect(runsAlone(b(line))).toBe(alone);
  });
  it('one table for forced raw output and secrets', () => {
    expect(isForcedRaw(b('CLIENT LIST'))).toBe(true);
    expect(isForcedRaw(b('CLIENT KILL x'))).toBe(false);
    expect(isSensitive(b('CONFIG SET masterauth x'))).toBe(true);
    expect(isSensitive(b('CONFIG GET masterauth'))).toBe(false);
    expect(isSensitive(b('HELLO 3 AUTH u p'))).toBe(true);
  });
});
