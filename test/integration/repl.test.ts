// The REPL as a person sees it, side by side with redis-cli 7.0.15: both run in a pseudo-terminal
// against the lab's main server, get the same keys, and their screens are compared. redis-cli's
// screen is the truth for prompts, replies, hints, completion and help.
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countPrompts, PtySession, runScript as script } from '../helpers/pty.js';
import { lab } from '../setup/env.js';

const PROMPT_LINE = (screen: string) => countPrompts(screen) > 0;


const open: PtySession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function both(args: string[], env: Record<string, string> = {}): [PtySession, PtySession] {
  const t = PtySession.tredis(args, { env });
  const r = PtySession.redisCli(args, { env });
  open.push(t, r);
  return [t, r];
}

const port = () => String(lab().servers.main.port);

describe('REPL next to redis-cli 7.0.15', () => {
  it('prints the same prompts and replies: [db], (TX), repeats, bad input, :set, elapsed time', async () => {
    const [t, r] = both(['-p', port()]);
    const lines = [
      'select 2',
      'multi',
      'set tredis:repl:k v',
      'exec',
      '2 ping',
      '0 ping',
      'get "a"b',
      ':set foo',
      ':set',
      'blpop tredis:repl:nothing 0.6',
      'get tredis:repl:k',
      'select 0',
    ];
    const [a, b] = await Promise.all([script(t, lines), script(r, lines)]);
    const norm = (s: string) => s.replace(/\(\d+\.\d\ds\)/g, '(N.NNs)');
    expect(norm(a)).toBe(norm(b));
    expect(a).toContain(`127.0.0.1:${port()}[2](TX)> exec`);
    expect(a).toMatch(/^\(0\.\d\ds\)$/m);
  });

  it('shows `redis /path> ` for a unix socket', async () => {
    const sock = lab().servers.main.socket!;
    const [t, r] = both(['-s', sock]);
    const [a, b] = await Promise.all([script(t, ['select 1']), script(r, ['select 1'])]);
    expect(a).toBe(b);
    expect(a).toContain(`redis ${sock}[1]> `);
  });

  it('shows the same hints, shrinking as arguments are typed, dimmed', async () => {
    const [t, r] = both(['-p', port()]);
    await Promise.all([t.waitForScreen(PROMPT_LINE), r.waitForScreen(PROMPT_LINE)]);
    const steps = ['set', ' foo', ' bar', ' ', 'nx ', '\x15client kill', ' id 5 ', '\x15hset h f v f2 ', '\x15config get'];
    const seen: string[] = [];
    let typed = '';
    for (const step of steps) {
      typed = step.startsWith('\x15') ? step.slice(1) : typed + step;
      t.type(step);
      r.type(step);
      await r.waitForScreen(() => r.cursorLine().startsWith(`127.0.0.1:${port()}> ${typed}`));
      await t.waitForCursorLine(r.cursorLine());
      seen.push(r.cursorLine());
    }
    expect(seen[0]).toMatch(/> set key value \[NX\|XX\]/);
    expect(seen[3]).toMatch(/> set foo bar \[NX\|XX\]/);
    // The hint after `config get` is grey (SGR 90: palette colour 8), the typed text is not.
    const y = t.cursor().y;
    const typedEnd = t.cursorLine().indexOf('config get') + 'config get'.length;
    expect(t.cursorLine()).toContain('config get parameter [parameter ...]');
    expect(t.fgAt(typedEnd + 1, y)).toBe(8);
    expect(t.fgAt(typedEnd - 1, y)).toBe(-1);
  });

  it('turns hints off with :set nohints and with the rc file (REDISCLI_RCFILE)', async () => {
    const [t] = both(['-p', port()]);
    await t.waitForScreen(PROMPT_LINE);
    t.type('set');
    await t.waitForCursorLine(/> set key value/);
    t.press('C-u');
    await t.enter(':set nohints', (s) => countPrompts(s) >= 2);
    t.type('set');
    await t.waitForCursorLine(/> set$/);

    const rcDir = t.home;
    const rc = path.join(rcDir, 'rc');
    writeFileSync(rc, ':set nohints\n:set foo\n');
    const [t2, r2] = both(['-p', port()], { REDISCLI_RCFILE: rc });
    await Promise.all([t2.waitForScreen(PROMPT_LINE), r2.waitForScreen(PROMPT_LINE)]);
    t2.type('get');
    r2.type('get');
    await r2.waitForCursorLine(/> get$/);
    await t2.waitForCursorLine(/> get$/);
    expect(t2.screen()).toBe(r2.screen());
    expect(t2.screen()).toContain(".redisclirc: unknown redis-cli preference 'foo'");
  });

  it('completes commands, subcommands and help topics with Tab like redis-cli', async () => {
    const [t, r] = both(['-p', port()]);
    await Promise.all([t.waitForScreen(PROMPT_LINE), r.waitForScreen(PROMPT_LINE)]);
    const cases: Array<[string, number]> = [['cli', 4], ['client k', 1], ['help @', 3], ['help se', 2]];
    for (const [typed, tabs] of cases) {
      for (const s of [t, r]) s.type(`\x15${typed}`);
      await r.waitForCursorLine(new RegExp(`> ${typed}`));
      await t.waitForCursorLine(new RegExp(`> ${typed}`));
      for (let i = 0; i < tabs; i++) {
        const before = r.cursorLine();
        r.press('Tab');
        await r.waitForScreen(() => r.cursorLine() !== before);
        t.press('Tab');
        await t.waitForCursorLine(r.cursorLine());
      }
    }
    expect(t.cursorLine()).toBe(`127.0.0.1:${port()}> help SET`);
    // Esc brings back what was typed; any other key keeps the candidate.
    t.press('Escape');
    await t.waitForCursorLine(`127.0.0.1:${port()}> help se`);
    t.type('\x15cli');
    await t.waitForCursorLine(/> cli$/);
    t.press('Tab');
    await t.waitForCursorLine(/> CLIENT/);
    t.type(' x');
    await t.waitForCursorLine(/> CLIENT x$/);
  });

  it('a reply that is not RESP ends the session with status 1, as redis-cli does', async () => {
    // A fake server: accepts, then answers anything with bytes that are not RESP.
    const server = net.createServer((c) => {
      c.on('error', () => undefined);
      c.on('data', () => c.end('?garbage\r\n'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = String((server.address() as net.AddressInfo).port);
      const [t, r] = both(['-p', port]);
      await Promise.all([t.waitForScreen(PROMPT_LINE), r.waitForScreen(PROMPT_LINE)]);
      t.type('ping\r');
      r.type('ping\r');
      const [tc, rc] = await Promise.all([t.waitForExit(), r.waitForExit()]);
      expect(tc).toBe(rc);
      expect(tc).toBe(1);
      expect(t.text()).toContain('Error: Protocol error, got "?" as reply type byte');
      expect(r.text()).toContain('Error: Protocol error, got "?" as reply type byte');
    } finally {
      server.close();
    }
  });

  it('prints help like redis-cli (help CMD, help @group, help with subcommands)', async () => {
    const [t, r] = both(['-p', port()], {});
    const lines = ['help set', 'help @hyperloglog', 'help client kill', 'help nosuch'];
    const [a, b] = await Promise.all([script(t, lines), script(r, lines)]);
    expect(a).toBe(b);
    expect(a).toContain('summary: Set the string value of a key');
  });

  it('starts the general help with redis-cli\'s text and points to :help', async () => {
    const [t, r] = both(['-p', port()]);
    const [a, b] = await Promise.all([script(t, ['help']), script(r, ['help'])]);
    const ours = a.split('\n');
    const theirs = b.split('\n');
    expect(ours.slice(0, theirs.length - 1)).toEqual(theirs.slice(0, -1));
    expect(a).toContain('":help" lists its keys and settings');
  });

  it('Ctrl-C clears the line, Ctrl-D on an empty line quits with status 0', async () => {
    const [t] = both(['-p', port()]);
    await t.waitForScreen(PROMPT_LINE);
    t.type('get something');
    await t.waitForCursorLine(/> get something/);
    t.press('C-c');
    await t.waitForScreen(/get something\^C\n127\.0\.0\.1:\d+> $/);
    t.type('ping');
    await t.waitForCursorLine(/> ping/);
    t.press('C-a');
    t.type('2 ');
    await t.waitForCursorLine(/> 2 ping/);
    t.press('Enter');
    await t.waitForScreen(/PONG\nPONG\n127\.0\.0\.1:\d+> $/);
    t.press('C-d');
    expect(await t.waitForExit()).toBe(0);
  });
});
