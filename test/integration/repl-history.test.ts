// History: written after each line in linenoise's format (mode 0600), read back by the next
// session, never holding a secret; Ctrl-R searches it. The file redis-cli 7.0.15 writes for the
// same lines is the reference. Commands that carry "secrets" here fail harmlessly on the lab server.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countPrompts, PtySession, runScript as script } from '../helpers/pty.js';
import { lab } from '../setup/env.js';



const open: PtySession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function track(s: PtySession): PtySession {
  open.push(s);
  return s;
}

const port = () => String(lab().servers.main.port);

// Secrets of the lines below are never valid, so nothing changes on the shared lab server.
const LINES = [
  'ping',
  'auth not-the-password',
  'echo kept',
  'AUTH someone not-the-password',
  'hello 3 auth default not-the-password',
  'acl setuser',
  'config set requirepass',
  'config set masterauth',
  'migrate 127.0.0.1 1 tredis:nokey 0 10 auth pw',
  '3 auth x',
  '0 ping',
  'echo kept',
  'get "unterminated',
  'echo last',
];

describe('REPL history', () => {
  it('writes the same file as redis-cli for the same lines: no secrets, no repeats, mode 0600', async () => {
    const t = track(PtySession.tredis(['-p', port()]));
    const r = track(PtySession.redisCli(['-p', port()]));
    await Promise.all([script(t, LINES), script(r, LINES)]);
    const ours = readFileSync(t.histfile, 'utf8');
    expect(ours).toBe(readFileSync(r.histfile, 'utf8'));
    expect(ours).toBe('ping\necho kept\nget "unterminated\necho last\n');
    expect(statSync(t.histfile).mode & 0o777).toBe(0o600);
  });

  it('keeps secrets out that redis-cli 7.0.15 lets through (CONFIG SET with several parameters)', async () => {
    const t = track(PtySession.tredis(['-p', port()]));
    await script(t, ['echo one', 'config set maxmemory-samples 5 masterauth', 'echo two']);
    expect(readFileSync(t.histfile, 'utf8')).toBe('echo one\necho two\n');
  });

  it('reloads the history in the next session (Up/Down) and finds lines with Ctrl-R', async () => {
    const first = track(PtySession.tredis(['-p', port()]));
    await script(first, ['echo alpha', 'auth not-the-password', 'echo beta', 'ping']);
    first.press('C-d');
    await first.waitForExit();

    const t = track(PtySession.tredis(['-p', port()], {}, first.home));
    await t.waitForScreen((s) => countPrompts(s) >= 1);
    t.press('Up');
    await t.waitForCursorLine(/> ping \[message\]$/); // with its hint
    t.press('Up');
    await t.waitForCursorLine(/> echo beta/);
    t.press('Up');
    await t.waitForCursorLine(/> echo alpha/);
    t.press('Up'); // the oldest entry: stays (the AUTH line was never kept)
    await t.waitForCursorLine(/> echo alpha/);
    t.press('Down', 'Down', 'Down');
    await t.waitForCursorLine(/>$/);

    t.press('C-r');
    await t.waitForCursorLine("(reverse-i-search)'':");
    t.type('echo');
    await t.waitForCursorLine("(reverse-i-search)'echo': echo beta");
    t.press('C-r');
    await t.waitForCursorLine("(reverse-i-search)'echo': echo alpha");
    t.press('C-r'); // nothing older
    await t.waitForCursorLine("(failed reverse-i-search)'echo': echo alpha");
    t.press('Backspace', 'Backspace', 'Backspace', 'Backspace');
    t.type('pi');
    await t.waitForCursorLine("(reverse-i-search)'pi': ping");
    t.press('C-g'); // cancel: the line is as before
    await t.waitForCursorLine(/>$/);
    t.press('C-r');
    t.type('alp');
    await t.waitForCursorLine("(reverse-i-search)'alp': echo alpha");
    t.press('Enter'); // runs the found line
    await t.waitForScreen(/> echo alpha\n"alpha"\n/);
    t.press('C-r');
    t.type('beta');
    await t.waitForCursorLine(/echo beta$/);
    t.press('C-e'); // leaves the search with the line, to edit it
    await t.waitForCursorLine(/^127\.0\.0\.1:\d+> echo beta$/);
    t.type(' gamma\r');
    await t.waitForScreen(/ERR wrong number of arguments/);
    expect(readFileSync(t.histfile, 'utf8')).toBe('echo alpha\necho beta\nping\necho alpha\necho beta gamma\n');
  });

  it('uses ~/.rediscli_history by default and nothing with REDISCLI_HISTFILE=/dev/null', async () => {
    const t = track(PtySession.tredis(['-p', port()], { env: { REDISCLI_HISTFILE: undefined } }));
    await script(t, ['echo home']);
    expect(readFileSync(path.join(t.home, '.rediscli_history'), 'utf8')).toBe('echo home\n');

    const n = track(PtySession.tredis(['-p', port()], { env: { REDISCLI_HISTFILE: '/dev/null' } }));
    await script(n, ['echo nowhere']);
    n.press('Up'); // still remembered in memory
    await n.waitForCursorLine(/> echo nowhere$/);
    expect(existsSync(path.join(n.home, '.rediscli_history'))).toBe(false);
  });

  it('goes on when the history file cannot be written, saying so once', async () => {
    const t = track(PtySession.tredis(['-p', port()], { env: { REDISCLI_HISTFILE: '/nonexistent-dir/tredis-history' } }));
    await script(t, ['echo one', 'echo two']);
    const screen = t.text();
    expect(screen.match(/could not write the history file \/nonexistent-dir\/tredis-history: ENOENT/g)).toHaveLength(1);
    expect(screen).toContain('"two"');
    t.press('Up');
    await t.waitForCursorLine(/> echo two$/);
  });
});
