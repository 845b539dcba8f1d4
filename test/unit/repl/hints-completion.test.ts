// Hints and Tab completion against the bundled Redis 7.0.15 table. The `hint` and `candidates`
// columns were recorded from redis-cli 7.0.15 in tmux (type the line, read the dimmed text after it;
// press Tab repeatedly and read each line shown), not from our own output. Key completion is
// tredis-cli's own (redis-cli completes no keys).
import { describe, expect, it } from 'vitest';
import { completeCommand, completeKeys, isKeyArgument, keyTarget, quoteKey } from '../../../src/repl/completion.js';
import { computeHint } from '../../../src/repl/hints.js';
import { bundledTable } from '../../../src/repl/help-table.js';
import { splitArgs } from '../../../src/modes/split-line.js';

const table = bundledTable();
const SET_PARAMS = 'key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]';
const KILL_PARAMS =
  'ip:port|[ID client-id]|[TYPE NORMAL|MASTER|SLAVE|REPLICA|PUBSUB]|[USER username]|[ADDR ip:port]|[LADDR ip:port]|[SKIPME yes/no] [[ID client-id]|[TYPE NORMAL|MASTER|SLAVE|REPLICA|PUBSUB]|[USER username]|[ADDR ip:port]|[LADDR ip:port]|[SKIPME yes/no] ...]';

describe('computeHint (hintsCallback of redis-cli 7.0.15)', () => {
  it.each([
    { line: 'set', hint: ` ${SET_PARAMS}` },
    { line: 'SET', hint: ` ${SET_PARAMS}` },
    { line: 'set ', hint: SET_PARAMS },
    { line: 'set foo ', hint: SET_PARAMS.slice('key '.length) },
    { line: 'set foo bar', hint: ` ${SET_PARAMS.slice('key value '.length)}` },
    { line: 'set foo bar ', hint: SET_PARAMS.slice('key value '.length) },
    { line: 'set foo bar nx ', hint: SET_PARAMS.slice('key value '.length) }, // stops at the first [
    { line: 'client', hint: ' ' }, // the CLIENT container has no arguments
    { line: 'client ', hint: '' },
    { line: 'client kill', hint: ` ${KILL_PARAMS}` },
    { line: 'CLIENT KILL ', hint: KILL_PARAMS },
    { line: 'client kill id 5 ', hint: KILL_PARAMS.slice('ip:port|'.length) },
    { line: 'config get', hint: ' parameter [parameter ...]' },
    { line: 'hset h f v f2 ', hint: '[field value ...]' },
    { line: 'get "a b" ', hint: '' },
    { line: 'get "a b ', hint: null }, // does not split
    { line: '', hint: null },
    { line: '   ', hint: null },
    { line: 'nosuchcommand ', hint: null },
    { line: '3 set', hint: null }, // a repeat count is not a command
  ])('$line', ({ line, hint }) => {
    expect(computeHint(line, table.commands)).toBe(hint);
  });
});

describe('completeCommand (completionCallback of redis-cli 7.0.15)', () => {
  it.each([
    { line: 'cli', first: ['CLIENT', 'CLIENT CACHING', 'CLIENT GETNAME', 'CLIENT GETREDIR'] },
    { line: 'client k', first: ['CLIENT KILL'] },
    { line: 'help se', first: ['help SELECT', 'help SET'] },
    {
      line: 'help @',
      first: ['help @bitmap', 'help @cluster', 'help @connection', 'help @generic', 'help @geo', 'help @hash', 'help @hyperloglog', 'help @list', 'help @pubsub', 'help @scripting', 'help @server', 'help @set', 'help @sorted-set', 'help @stream', 'help @string', 'help @transactions'],
    },
    { line: 'zzz', first: [] },
    { line: 'get foo', first: [] },
  ])('$line', ({ line, first }) => {
    const got = completeCommand(line, table.commands, table.groups);
    expect(got.slice(0, first.length)).toEqual(first);
    if (first.length === 0) expect(got).toEqual([]);
  });

  it('offers every group and command after "help " (16 groups first)', () => {
    const got = completeCommand('help ', table.commands, table.groups);
    expect(got.length).toBe(table.groups.length + table.commands.length);
    expect(got[16]).toBe('help ACL');
  });
});

describe('key completion (tredis-cli)', () => {
  const entry = (name: string) => table.commands.find((c) => c.name === name)!;
  it.each([
    { cmd: 'GET', index: 0, key: true },
    { cmd: 'GET', index: 1, key: false },
    { cmd: 'SET', index: 0, key: true },
    { cmd: 'SET', index: 1, key: false },
    { cmd: 'DEL', index: 3, key: true },
    { cmd: 'MSET', index: 0, key: true },
    { cmd: 'MSET', index: 1, key: false },
    { cmd: 'MSET', index: 2, key: true },
    { cmd: 'LMOVE', index: 1, key: true },
    { cmd: 'ZUNIONSTORE', index: 0, key: true },
    { cmd: 'ZUNIONSTORE', index: 1, key: false },
    { cmd: 'ZUNIONSTORE', index: 2, key: true },
    { cmd: 'OBJECT ENCODING', index: 0, key: true },
    { cmd: 'PING', index: 0, key: false },
    { cmd: 'XREAD', index: 0, key: false },
  ])('$cmd argument $index is a key: $key', ({ cmd, index, key }) => {
    expect(isKeyArgument(entry(cmd).args, index)).toBe(key);
  });

  it.each([
    { before: 'get ', target: { start: 4, prefix: '' } },
    { before: 'get us', target: { start: 4, prefix: 'us' } },
    { before: 'GET   us', target: { start: 6, prefix: 'us' } },
    { before: 'object encoding u', target: { start: 16, prefix: 'u' } },
    { before: 'set k ', target: null },
    { before: 'get "us', target: null },
    { before: 'object enc', target: null },
    { before: 'nosuch x', target: null },
  ])('keyTarget($before)', ({ before, target }) => {
    const t = keyTarget(before, table.commands);
    expect(t === null ? null : { start: t.start, prefix: t.prefix }).toEqual(target);
  });

  it('replaces the word with matching keys, sorted, quoted when needed', () => {
    const t = keyTarget('get us', table.commands)!;
    expect(completeKeys('get us', t, ['user:2', 'user:1', 'other', 'us er', 'user:1'])).toEqual(['get "us er"', 'get user:1', 'get user:2']);
  });

  it.each(['plain', 'with space', 'quote"s', "single'", 'back\\slash', 'new\nline', 'tab\there', 'bell\x07', 'é-utf8', ''])('quoteKey(%j) splits back to the key', (key) => {
    const q = quoteKey(key);
    expect(splitArgs(Buffer.from(`get ${q}`, 'utf8'))?.[1]?.toString('utf8')).toBe(key);
  });
});
