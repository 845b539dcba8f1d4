// History rules. The `kept` column of the sensitive-line table was recorded from redis-cli 7.0.15:
// each line typed in its REPL (tmux), then ~/.rediscli_history read back. Rows marked `tredis`
// are where tredis-cli deliberately keeps less than redis-cli does.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryFile, loadHistoryFile } from '../../../src/repl/history-file.js';
import { dotfilePath, HistoryList, isLineRememberable, searchBackward } from '../../../src/repl/history.js';

describe('isLineRememberable (isSensitiveCommand of redis-cli 7.0.15, and more)', () => {
  it.each([
    { line: 'auth foo', kept: false },
    { line: 'AUTH default bar', kept: false },
    { line: 'auth', kept: false },
    { line: '3 auth x', kept: false },
    { line: 'acl setuser bob', kept: false },
    { line: 'acl SETUSER', kept: false },
    { line: 'ACL', kept: true },
    { line: 'config set masterauth sekrit', kept: false },
    { line: 'config set MASTERAUTH', kept: false },
    { line: 'config set masteruser u', kept: false },
    { line: 'config set requirepass', kept: false },
    { line: 'config set maxmemory 0 masterauth x', kept: false, tredis: 'redis-cli 7.0.15 keeps it: it checks only the first parameter' },
    { line: 'config set maxmemory 0', kept: true },
    { line: 'config set tls-key-file-pass s3cret', kept: false, tredis: 'redis-cli 7.0.15 keeps it: a key passphrase is not on its list' },
    { line: 'config set tls-client-key-file-pass s3cret', kept: false, tredis: 'redis-cli 7.0.15 keeps it: a key passphrase is not on its list' },
    { line: 'hello 3 auth default x', kept: false },
    { line: 'hello 3 AUTH a b', kept: false },
    { line: 'hello 3 setname n auth a b', kept: false },
    { line: 'hello 3 auth a', kept: true },
    { line: 'hello auth a b', kept: true },
    { line: 'hello 3 setname auth a b', kept: true },
    { line: 'hello 3 foo auth a b', kept: true },
    { line: 'migrate 127.0.0.1 1 k 0 10 auth pw', kept: false },
    { line: 'migrate 127.0.0.1 1 k 0 10 auth2 u pw', kept: false },
    { line: 'migrate h 1 k 0 10 copy auth x', kept: false },
    { line: 'migrate h 1 "" 0 10 keys a auth x', kept: true },
    { line: 'migrate h 1 k 0 10 auth', kept: true },
    { line: 'ping', kept: true },
    { line: 'connect h 6380 -a secret', kept: false, tredis: 'the REPL\'s connect with options (tredis-cli)' },
    { line: 'connect h 6380 --tls --pass secret', kept: false, tredis: 'the REPL\'s connect with options (tredis-cli)' },
    { line: 'connect h 6380 -u redis://u:secret@h', kept: false, tredis: 'the REPL\'s connect with options (tredis-cli)' },
    { line: 'connect h 6380 --tls --cacert ca.crt', kept: true },
    { line: 'connect h 6380', kept: true },
    { line: '"unterminated', kept: true },
    { line: 'auth "unterminated secret', kept: false, tredis: 'redis-cli 7.0.15 keeps lines that do not split' },
  ])('$line → kept: $kept', ({ line, kept }) => {
    expect(isLineRememberable(line)).toBe(kept);
  });
});

describe('HistoryList (linenoiseHistoryAdd)', () => {
  it('skips empty lines and a repeat of the last line, drops the oldest beyond max', () => {
    const h = new HistoryList(['a', '', 'b'], 3);
    expect(h.entries).toEqual(['a', 'b']);
    expect(h.add('b')).toBe(false);
    expect(h.add('')).toBe(false);
    h.add('c');
    h.add('a');
    expect(h.entries).toEqual(['b', 'c', 'a']);
  });
});

describe('searchBackward (Ctrl-R)', () => {
  const entries = ['set user:1 a', 'get user:1', 'PING', 'set user:2 b'];
  it.each([
    { query: 'set', before: 4, found: 3 },
    { query: 'set', before: 3, found: 0 },
    { query: 'ping', before: 4, found: 2 },
    { query: 'user:1', before: 4, found: 1 },
    { query: 'nothing', before: 4, found: -1 },
    { query: '', before: 4, found: -1 },
    { query: 'set', before: 0, found: -1 },
  ])('$query before $before → $found', ({ query, before, found }) => {
    expect(searchBackward(entries, query, before)).toBe(found);
  });
});

describe('dotfilePath (getDotfilePath)', () => {
  it.each([
    { env: { HOME: '/h' }, expected: '/h/.rediscli_history' },
    { env: { HOME: '/h', REDISCLI_HISTFILE: '/tmp/x' }, expected: '/tmp/x' },
    { env: { HOME: '/h', REDISCLI_HISTFILE: '' }, expected: '/h/.rediscli_history' },
    { env: { HOME: '/h', REDISCLI_HISTFILE: '/dev/null' }, expected: null },
    { env: {}, expected: null },
  ])('$env', ({ env, expected }) => {
    expect(dotfilePath(env, 'REDISCLI_HISTFILE', '.rediscli_history')).toBe(expected);
  });
});

describe('history file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tredis-hist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads linenoise files (lines end at \\r or \\n, empty lines skipped)', () => {
    const f = path.join(dir, 'read');
    writeFileSync(f, 'ping\r\nset a b\n\necho x\rjunk\nlast');
    expect(loadHistoryFile(f)).toEqual(['ping', 'set a b', 'echo x', 'last']);
    expect(loadHistoryFile(path.join(dir, 'missing'))).toEqual([]);
  });

  it('writes one line per entry with mode 0600, also over an existing wider file', () => {
    const f = path.join(dir, 'write');
    writeFileSync(f, 'old\n', { mode: 0o644 });
    chmodSync(f, 0o644);
    const hf = new HistoryFile(f, () => undefined);
    expect(hf.save(['ping', 'get k'])).toBe(true);
    expect(readFileSync(f, 'utf8')).toBe('ping\nget k\n');
    expect(statSync(f).mode & 0o777).toBe(0o600);
  });

  it('survives write errors, reporting once', () => {
    const messages: string[] = [];
    const hf = new HistoryFile(path.join(dir, 'no-such-dir', 'h'), (m) => messages.push(m));
    expect(hf.save(['a'])).toBe(false);
    expect(hf.save(['a', 'b'])).toBe(false);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/could not write the history file .*ENOENT/);
    mkdirSync(path.join(dir, 'no-such-dir'));
    expect(hf.save(['a', 'b'])).toBe(true);
  });
});
