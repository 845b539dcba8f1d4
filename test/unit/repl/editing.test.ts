// Pure editing operations (linenoise's keys), prompt strings, terminal widths, preferences and the
// dangerous-command check. Prompt and preference-message rows were read off redis-cli 7.0.15's
// screen (tmux); the TLS badge and the extra settings are tredis-cli's own.
import { describe, expect, it } from 'vitest';
import * as ed from '../../../src/repl/edit-buffer.js';
import { dangerOf } from '../../../src/commands/traits.js';
import { confirmQuestion, isYes } from '../../../src/repl/danger.js';
import { applyPreference, defaultPreferences, loadPreferences } from '../../../src/repl/preferences.js';
import { formatPrompt, type PromptInfo } from '../../../src/repl/prompt.js';
import { charWidth, stringWidth, truncateToWidth } from '../../../src/repl/width.js';

/** `|` marks the cursor. */
const st = (s: string): ed.LineState => ({ text: s.replace('|', ''), pos: s.indexOf('|') });
const show = (s: ed.LineState) => `${s.text.slice(0, s.pos)}|${s.text.slice(s.pos)}`;

describe('edit-buffer', () => {
  it.each([
    { op: 'insert x', f: (s: ed.LineState) => ed.insert(s, 'x'), from: 'ab|c', to: 'abx|c' },
    { op: 'deleteBack', f: ed.deleteBack, from: 'ab|c', to: 'a|c' },
    { op: 'deleteBack at 0', f: ed.deleteBack, from: '|abc', to: '|abc' },
    { op: 'deleteBack surrogate pair', f: ed.deleteBack, from: 'a😀|', to: 'a|' },
    { op: 'deleteForward', f: ed.deleteForward, from: 'a|bc', to: 'a|c' },
    { op: 'deleteForward at end', f: ed.deleteForward, from: 'abc|', to: 'abc|' },
    { op: 'moveLeft over a pair', f: ed.moveLeft, from: 'a😀|', to: 'a|😀' },
    { op: 'moveRight over a pair', f: ed.moveRight, from: 'a|😀', to: 'a😀|' },
    { op: 'moveHome', f: ed.moveHome, from: 'ab|c', to: '|abc' },
    { op: 'moveEnd', f: ed.moveEnd, from: 'a|bc', to: 'abc|' },
    { op: 'wordLeft', f: ed.wordLeft, from: 'set foo  bar|', to: 'set foo  |bar' },
    { op: 'wordLeft from spaces', f: ed.wordLeft, from: 'set foo  |bar', to: 'set |foo  bar' },
    { op: 'wordRight', f: ed.wordRight, from: 'set| foo bar', to: 'set foo| bar' },
    { op: 'killToEnd (Ctrl-K)', f: ed.killToEnd, from: 'set |foo', to: 'set |' },
    { op: 'killLine (Ctrl-U: whole line, as linenoise)', f: ed.killLine, from: 'set |foo', to: '|' },
    { op: 'deleteWordBack (Ctrl-W)', f: ed.deleteWordBack, from: 'set foo  |bar', to: 'set |bar' },
    { op: 'transpose (Ctrl-T)', f: ed.transpose, from: 'ab|c', to: 'acb|' },
    { op: 'transpose at end', f: ed.transpose, from: 'abc|', to: 'acb|' },
    { op: 'transpose at 0', f: ed.transpose, from: '|abc', to: '|abc' },
  ])('$op: $from → $to', ({ f, from, to }) => {
    expect(show(f(st(from)))).toBe(to);
  });
});

describe('formatPrompt (cliRefreshPrompt)', () => {
  const base: PromptInfo = { host: '127.0.0.1', port: 6379, db: 0, inMulti: false, connected: true, tls: false, tlsBadge: true, color: false };
  it.each([
    { name: 'plain', p: {}, expected: '127.0.0.1:6379> ' },
    { name: 'db', p: { db: 2 }, expected: '127.0.0.1:6379[2]> ' },
    { name: 'MULTI', p: { db: 2, inMulti: true }, expected: '127.0.0.1:6379[2](TX)> ' },
    { name: 'socket', p: { socketPath: '/tmp/r.sock' }, expected: 'redis /tmp/r.sock> ' },
    { name: 'IPv6', p: { host: '::1' }, expected: '[::1]:6379> ' },
    { name: 'not connected', p: { connected: false, db: 3 }, expected: 'not connected> ' },
    { name: 'TLS badge', p: { tls: true, port: 6380 }, expected: '127.0.0.1:6380 [TLS]> ' },
    { name: 'TLS badge, db, MULTI', p: { tls: true, db: 1, inMulti: true }, expected: '127.0.0.1:6379[1](TX) [TLS]> ' },
    { name: 'TLS badge off', p: { tls: true, tlsBadge: false }, expected: '127.0.0.1:6379> ' },
    { name: 'TLS badge in colour', p: { tls: true, color: true }, expected: '127.0.0.1:6379 \x1b[32m[TLS]\x1b[0m> ' },
  ])('$name', ({ p, expected }) => {
    expect(formatPrompt({ ...base, ...p })).toBe(expected);
  });
});

describe('width', () => {
  it.each([
    { s: 'abc', w: 3 },
    { s: '日本', w: 4 },
    { s: 'e\u0301', w: 1 },
    { s: '\x1b[32m[TLS]\x1b[0m', w: 5 },
    { s: '😀', w: 2 },
  ])('stringWidth($s) = $w', ({ s, w }) => {
    expect(stringWidth(s)).toBe(w);
  });
  it('truncates by columns, never splitting a wide character', () => {
    expect(truncateToWidth('ab日本', 3)).toBe('ab');
    expect(truncateToWidth('abc', 10)).toBe('abc');
    expect(charWidth(0x41)).toBe(1);
  });
});

describe('preferences (cliSetPreferences)', () => {
  it.each([
    { argv: [':set', 'nohints'], interactive: true, msg: null, check: { hints: false } },
    { argv: [':set', 'NOHINTS'], interactive: true, msg: null, check: { hints: false } },
    { argv: [':set', 'hints'], interactive: true, msg: null, check: { hints: true } },
    { argv: [':set', 'foo'], interactive: true, msg: "unknown redis-cli preference 'foo'\n", check: {} },
    { argv: [':set'], interactive: true, msg: "unknown redis-cli internal command ':set'\n", check: {} },
    { argv: [':foo', 'bar'], interactive: true, msg: "unknown redis-cli internal command ':foo'\n", check: {} },
    { argv: [':set', 'foo'], interactive: false, msg: ".redisclirc: unknown redis-cli preference 'foo'\n", check: {} },
    { argv: ['junk'], interactive: false, msg: ".redisclirc: unknown redis-cli internal command 'junk'\n", check: {} },
    { argv: [':set', 'keycomplete', 'off'], interactive: true, msg: null, check: { keycomplete: false } },
    { argv: [':set', 'nokeycomplete'], interactive: true, msg: null, check: { keycomplete: false } },
    { argv: [':set', 'notlsprompt'], interactive: true, msg: null, check: { tlsprompt: false } },
    { argv: [':set', 'noconfirm'], interactive: true, msg: null, check: { confirm: false } },
    { argv: [':set', 'confirm', 'maybe'], interactive: true, msg: "unknown value 'maybe' for 'confirm' (on or off)\n", check: { confirm: true } },
  ])('$argv ($interactive)', ({ argv, interactive, msg, check }) => {
    const p = defaultPreferences();
    expect(applyPreference(p, argv, interactive)).toBe(msg);
    expect(p).toMatchObject(check);
  });

  it('reads an rc file: every non-empty line, messages prefixed', () => {
    const p = defaultPreferences();
    expect(loadPreferences(p, ':set foo\n:bar\njunk\n\n   \n:set nohints\n')).toEqual([
      ".redisclirc: unknown redis-cli preference 'foo'\n",
      ".redisclirc: unknown redis-cli internal command ':bar'\n",
      ".redisclirc: unknown redis-cli internal command 'junk'\n",
    ]);
    expect(p.hints).toBe(false);
  });
});

describe('dangerous commands', () => {
  const b = (...w: string[]) => w.map((x) => Buffer.from(x));
  it.each([
    { argv: b('flushall'), asks: true },
    { argv: b('FLUSHALL', 'ASYNC'), asks: true },
    { argv: b('flushdb'), asks: true },
    { argv: b('shutdown', 'nosave'), asks: true },
    { argv: b('debug', 'sleep', '1'), asks: true },
    { argv: b('keys', '*'), asks: true },
    { argv: b('keys', '**'), asks: true },
    { argv: b('keys', 'user:*'), asks: false },
    { argv: b('get', 'flushall'), asks: false },
    { argv: b('ping'), asks: false },
  ])('$argv.0 $argv.1 asks: $asks', ({ argv, asks }) => {
    expect(dangerOf(argv) !== null).toBe(asks);
  });
  it('asks a yes/no question naming the server; only yes runs it', () => {
    expect(confirmQuestion(dangerOf(b('flushall'))!, '127.0.0.1:6379')).toBe('FLUSHALL deletes every key of every database on 127.0.0.1:6379. Run it? [y/N] ');
    expect(['y', 'Y', 'yes', ' YES '].every(isYes)).toBe(true);
    expect(['', 'n', 'no', 'yess', 'sure'].some(isYes)).toBe(false);
  });
});
