// Drives a program in a real pseudo-terminal (@lydell/node-pty) and reads the screen a person would
// see through a headless xterm (@xterm/headless). Used by the REPL tests for tredis-cli and, side by
// side, for redis-cli. Each session gets its own HOME and history file in a fresh temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { TREDIS_CLI } from './run.js';

/** Keys by name, as a terminal sends them. */
export const KEYS = {
  Enter: '\r',
  Tab: '\t',
  Escape: '\x1b',
  Backspace: '\x7f',
  Up: '\x1b[A',
  Down: '\x1b[B',
  Right: '\x1b[C',
  Left: '\x1b[D',
  'C-a': '\x01',
  'C-c': '\x03',
  'C-d': '\x04',
  'C-e': '\x05',
  'C-g': '\x07',
  'C-k': '\x0b',
  'C-l': '\x0c',
  'C-r': '\x12',
  'C-u': '\x15',
  'C-w': '\x17',
} as const;

export type KeyName = keyof typeof KEYS;

export interface PtyOptions {
  /** Environment on top of process.env (undefined removes a variable). HOME and REDISCLI_HISTFILE default to the temp folder. */
  env?: Record<string, string | undefined>;
  cols?: number;
  rows?: number;
}

type Predicate = RegExp | string | ((screen: string) => boolean);

/** A program running in a pseudo-terminal, with the screen it draws. */
export class PtySession {
  readonly term: InstanceType<typeof xterm.Terminal>;
  readonly proc: pty.IPty;
  /** The temp folder used as HOME (removed by close()). */
  readonly home: string;
  /** REDISCLI_HISTFILE given to the program. */
  readonly histfile: string;
  /** Everything the program wrote, escape codes included. */
  raw = '';
  private writes: Promise<void> = Promise.resolve();
  private exitCode: number | undefined;
  private lastDataAt = Date.now();
  private readonly exited: Promise<number>;
  private readonly ownHome: boolean;

  private constructor(file: string, args: string[], opts: PtyOptions, home?: string) {
    this.ownHome = home === undefined;
    this.home = home ?? mkdtempSync(path.join(os.tmpdir(), 'tredis-pty-'));
    this.histfile = path.join(this.home, 'history');
    const cols = opts.cols ?? 100;
    const rows = opts.rows ?? 40;
    const env: Record<string, string> = {};
    // A person's terminal: colour settings of the test run itself (CI sets NO_COLOR and CI, which Node reads as "no colour") are not inherited.
    const merged = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, NODE_DISABLE_COLORS: undefined, CI: undefined, TERM: 'xterm-256color', HOME: this.home, REDISCLI_HISTFILE: this.histfile, ...opts.env };
    for (const [k, v] of Object.entries(merged)) if (v !== undefined) env[k] = v;
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
    this.proc = pty.spawn(file, args, { name: 'xterm-256color', cols, rows, cwd: this.home, env });
    this.proc.onData((d) => {
      this.lastDataAt = Date.now();
      this.raw += d;
      this.writes = this.writes.then(() => new Promise<void>((r) => this.term.write(d, r)));
    });
    this.exited = new Promise((resolve) =>
      this.proc.onExit((e) => {
        this.exitCode = e.exitCode;
        resolve(e.exitCode);
      }),
    );
  }

  /** bin/tredis-cli with `args` (run by this Node). `home` reuses a folder (its history, rc file). */
  static tredis(args: string[], opts: PtyOptions = {}, home?: string): PtySession {
    return new PtySession(process.execPath, [TREDIS_CLI, ...args], opts, home);
  }

  /** redis-cli from PATH with `args`, run the same way. */
  static redisCli(args: string[], opts: PtyOptions = {}, home?: string): PtySession {
    return new PtySession('redis-cli', args, opts, home);
  }

  /** Types text as is. */
  type(text: string): void {
    this.proc.write(text);
  }

  /** Presses keys by name. */
  press(...keys: KeyName[]): void {
    this.proc.write(keys.map((k) => KEYS[k]).join(''));
  }

  /** The rows of the screen (the visible viewport), right-trimmed, trailing empty rows dropped. */
  lines(): string[] {
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out;
  }

  screen(): string {
    return this.lines().join('\n');
  }

  /** Everything on the terminal, scrollback included, right-trimmed, trailing empty rows dropped. */
  text(): string {
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < b.length; y++) out.push(b.getLine(y)?.translateToString(true) ?? '');
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out.join('\n');
  }

  /** The cursor, in screen cells (x from 0, y from the viewport top). */
  cursor(): { x: number; y: number } {
    const b = this.term.buffer.active;
    return { x: b.cursorX, y: b.cursorY };
  }

  /**
   * The row the cursor is on, without trailing spaces (an empty hint draws one space, as in
   * redis-cli: `echo x` shows `echo x `).
   */
  cursorLine(): string {
    const b = this.term.buffer.active;
    return (b.getLine(b.viewportY + b.cursorY)?.translateToString(true) ?? '').trimEnd();
  }

  /** Palette colour of the foreground at a cell (-1 for the default colour). */
  fgAt(x: number, y: number): number {
    const b = this.term.buffer.active;
    const cell = b.getLine(b.viewportY + y)?.getCell(x);
    if (!cell || cell.isFgDefault()) return -1;
    return cell.getFgColor();
  }

  /**
   * Waits until the screen (the visible rows) matches; resolves with it. Fails with the screen
   * shown. With `{ scrollback: true }` the whole buffer is matched instead.
   */
  async waitForScreen(pred: Predicate, timeoutMs = 10_000, opts: { scrollback?: boolean } = {}): Promise<string> {
    const read = () => (opts.scrollback ? this.text() : this.screen());
    const test = typeof pred === 'function' ? pred : typeof pred === 'string' ? (s: string) => s.includes(pred) : (s: string) => pred.test(s);
    const end = Date.now() + timeoutMs;
    for (;;) {
      await this.writes;
      const s = read();
      if (test(s)) return s;
      if (Date.now() > end) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(pred)}; screen:\n${s}`);
      }
      if (this.exitCode !== undefined) {
        await new Promise((r) => setTimeout(r, 50));
        await this.writes;
        const last = read();
        if (test(last)) return last;
        throw new Error(`program exited (${this.exitCode}) while waiting for ${String(pred)}; screen:\n${last}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits until the row with the cursor matches (the line being edited). */
  async waitForCursorLine(pred: RegExp | string, timeoutMs = 10_000): Promise<string> {
    const test = typeof pred === 'string' ? (s: string) => s === pred : (s: string) => pred.test(s);
    await this.waitForScreen(() => test(this.cursorLine()), timeoutMs).catch((err: Error) => {
      throw new Error(`${err.message}\ncursor line: ${JSON.stringify(this.cursorLine())}`);
    });
    return this.cursorLine();
  }

  /** Types a line and Enter, then waits for `until` on the screen. */
  async enter(line: string, until: Predicate, timeoutMs?: number): Promise<string> {
    this.type(`${line}\r`);
    return this.waitForScreen(until, timeoutMs);
  }

  /** Resolves with the exit code. */
  async waitForExit(timeoutMs = 10_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms; screen:\n${this.screen()}`)), timeoutMs);
    });
    try {
      const code = await Promise.race([this.exited, timeout]);
      // node-pty can report the exit before the last output is read from the pty: wait until
      // 150 ms pass with no new data (at most 2 s) so the screen holds everything the program wrote.
      const settleUntil = Date.now() + 2_000;
      while (Date.now() - this.lastDataAt < 150 && Date.now() < settleUntil) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await this.writes;
      return code;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the program if it still runs and removes the temp HOME (unless it was given). */
  async close(): Promise<void> {
    if (this.exitCode === undefined) {
      this.proc.kill('SIGKILL');
      await this.waitForExit(5_000).catch(() => undefined);
    }
    this.term.dispose();
    if (this.ownHome) rmSync(this.home, { recursive: true, force: true });
  }
}

/** A redis-cli style prompt at the start of a screen line (db, MULTI, TLS badge, socket, not connected). */
export const PROMPT = /^(?:\d+\.\d+\.\d+\.\d+:\d+(?:\[\d+\])?(?:\(TX\))?(?: \[TLS\])?|redis \S+|not connected)> /;

/** How many prompts a screen shows. */
export const countPrompts = (screen: string): number => screen.split('\n').filter((l) => PROMPT.test(l)).length;

/** Types each line once the previous prompt is back (redis-cli drops keys typed while it works); returns the screen text. */
export async function runScript(s: PtySession, lines: string[]): Promise<string> {
  let n = 1;
  await s.waitForScreen((sc) => countPrompts(sc) >= n, 10_000, { scrollback: true });
  for (const line of lines) {
    s.type(`${line}\r`);
    n++;
    await s.waitForScreen((sc) => countPrompts(sc) >= n, 10_000, { scrollback: true });
  }
  return s.text();
}
