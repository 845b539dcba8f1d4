/**
 * The interactive REPL (redis-cli 7.0.15's repl()): prompt, line editing with hints and completion,
 * history, `:set` preferences and the rc file, `help`, `connect`, `clear`, `quit`; commands run
 * through modes/execute.ts exactly as in the other modes. What tredis-cli adds — Ctrl-R, key
 * completion, the TLS badge, `:tls`, confirmation of dangerous commands, Ctrl-C that stops a
 * blocking or streaming command and returns to the prompt — is described in the man page.
 */
import { readFileSync } from 'node:fs';
import type { ReadStream, WriteStream } from 'node:tty';
import { dangerOf, isStreaming } from '../commands/traits.js';
import { formatPush } from '../format/reply.js';
import type { ModeContext } from '../modes/context.js';
import { isCommand, printElapsed, runCommand } from '../modes/execute.js';
import { classifyLine, type LineAction } from '../modes/stdin.js';
import { buildTable, parseCommandDocs, type CommandTable } from './command-docs.js';
import { completeCommand, completeKeys, keyTarget } from './completion.js';
import { confirmQuestion, isYes } from './danger.js';
import { bundledTable, helpText } from './help-table.js';
import { computeHint } from './hints.js';
import { HistoryFile, loadHistoryFile } from './history-file.js';
import { dotfilePath, HistoryList, isLineRememberable } from './history.js';
import { KeyCache, learnsFromReply, scanKeys } from './key-cache.js';
import { LineEditor } from './line-editor.js';
import { runMeta } from './meta-commands.js';
import { defaultPreferences, loadPreferences } from './preferences.js';
import { formatAddress, formatPrompt } from './prompt.js';

/** The REPL's settings, as values (the command line is read by cli/). */
export interface ReplOptions {
  /** Ask before dangerous commands (off with --no-confirm). */
  confirm: boolean;
  /** For tests: the terminal and the environment (default: process.stdin/stdout, process.env). */
  input?: ReadStream | undefined;
  output?: WriteStream | undefined;
  env?: Record<string, string | undefined> | undefined;
}

const REPEAT_INVALID = 'Invalid redis-cli repeat command option value.\n';
const HELP_EXTRA = '\ntredis-cli: ":help" lists its keys and settings (:set keycomplete, tlsprompt, confirm) and :tls\n';

/** Runs the REPL until quit/exit or Ctrl-D; returns the exit code (0, as redis-cli). */
export async function runRepl(ctx: ModeContext, opts: ReplOptions): Promise<number> {
  return new Repl(ctx, opts).run();
}

/** One REPL session: the loop reads a line, remembers it, and dispatches it; each step is a method. */
class Repl {
  private readonly env: Record<string, string | undefined>;
  private readonly term: WriteStream;
  private readonly color: boolean;
  private readonly prefs = defaultPreferences();
  private readonly history: HistoryList;
  private readonly histFile: HistoryFile | undefined;
  private readonly keys = new KeyCache();
  private readonly editor: LineEditor;
  private table: CommandTable = bundledTable();
  /** Aborts the running command (Ctrl-C). */
  private current: AbortController | undefined;
  /** The session whose COMMAND DOCS were asked for. */
  private docsFor: unknown;
  /** The session (and its connect count) whose close is watched to redraw the prompt. */
  private watched: unknown;
  private watchedConnects = -1;
  /** A reply could not be parsed: redis-cli exits 1, in the REPL too. */
  private fatal = false;

  constructor(private readonly ctx: ModeContext, opts: ReplOptions) {
    this.env = opts.env ?? process.env;
    // linenoise writes to stdout; when stdout is redirected the editing goes to the terminal on stderr.
    this.term = opts.output ?? (process.stdout.isTTY ? process.stdout : process.stderr);
    const env = this.env;
    this.color = this.term.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
    this.prefs.confirm = opts.confirm;
    const histPath = dotfilePath(env, 'REDISCLI_HISTFILE', '.rediscli_history');
    // Lines an older client saved with secrets in them are dropped here and at the next save.
    this.history = new HistoryList(histPath !== null ? loadHistoryFile(histPath).filter(isLineRememberable) : []);
    this.histFile = histPath !== null ? new HistoryFile(histPath, (m) => ctx.err(`tredis-cli: ${m}`)) : undefined;
    this.editor = new LineEditor(opts.input ?? process.stdin, this.term, this.history, {
      hint: (text) => (this.prefs.hints ? computeHint(text, this.table.commands) : null),
      complete: (before) => this.complete(before),
      onInterrupt: () => this.current?.abort(),
    });
  }

  async run(): Promise<number> {
    const ctx = this.ctx;
    // redis-cli connects before repl(): a failure is printed and the REPL starts "not connected".
    await ctx.connect();
    this.loadRcFile();
    this.attach();
    this.fetchDocs();
    this.editor.start();
    try {
      for (;;) {
        await ctx.out.flush();
        this.watchClose();
        const line = await this.editor.readLine(this.promptText());
        if (line === null) break;
        const action = classifyLine(Buffer.from(line, 'utf8'));
        this.remember(line, action);
        if (action.kind === 'quit') break;
        await this.dispatch(action);
        if (this.fatal) break;
      }
    } finally {
      this.editor.stop();
      await ctx.out.flush();
      ctx.session.close();
    }
    return this.fatal ? 1 : 0;
  }

  /** ~/.redisclirc (REDISCLI_RCFILE): `:set` lines read at start. */
  private loadRcFile(): void {
    const rcPath = dotfilePath(this.env, 'REDISCLI_RCFILE', '.redisclirc');
    if (rcPath === null) return;
    let text = '';
    try {
      text = readFileSync(rcPath, 'utf8');
    } catch {
      // no rc file: defaults
    }
    for (const msg of loadPreferences(this.prefs, text)) this.ctx.out.write(msg);
  }

  /** Hooks the REPL into the shared context: help, key learning, pushes above the prompt, the terminal. */
  private attach(): void {
    const ctx = this.ctx;
    ctx.help = (args) => ctx.out.write(helpText(args, this.table, args.length === 0 ? HELP_EXTRA : ''));
    ctx.onReply = (args, reply) => this.keys.noteReply(ctx.state.db, args, reply, this.table.commands);
    // Other replies are printed as they decode, never held whole (a 256 MiB GET, a long LRANGE).
    ctx.keepsWhole = (args, count) => learnsFromReply(args, count, this.keys.max);
    const basePush = ctx.onPush;
    ctx.onPush = (v) => {
      if (!this.editor.isReading) return basePush(v);
      // A push while the prompt is shown (RESP3 tracking invalidations): print it above the line.
      if (ctx.showPushes) this.editor.printAbove(() => process.stdout.write(formatPush(v, ctx.format)));
    };
    // A key passphrase may be asked for while connecting elsewhere.
    ctx.lendTerminal = async (fn) => {
      this.editor.suspend();
      try {
        return await fn();
      } finally {
        this.editor.resume();
      }
    };
  }

  private promptText(): string {
    const { session, state } = this.ctx;
    return formatPrompt({
      host: session.config.host,
      port: session.config.port,
      socketPath: session.config.socketPath,
      db: state.db,
      inMulti: state.inMulti,
      connected: session.isConnected,
      tls: session.tls !== undefined,
      tlsBadge: this.prefs.tlsprompt,
      color: this.color,
    });
  }

  private async complete(before: string): Promise<string[]> {
    const { commands, groups } = this.table;
    const found = completeCommand(before, commands, groups);
    if (found.length > 0 || !this.prefs.keycomplete) return found;
    const target = keyTarget(before, commands);
    if (!target) return [];
    const db = this.ctx.state.db;
    const s = this.ctx.session;
    // Never inside MULTI: the SCAN would be queued, not answered.
    if (s.isConnected && !this.ctx.state.inMulti) {
      for (const k of await scanKeys((a) => s.send(a), target.prefix)) this.keys.add(db, k);
    }
    return completeKeys(before, target, this.keys.keys(db));
  }

  /** The server's own COMMAND DOCS, fetched once per server in the background when idle. */
  private fetchDocs(): void {
    const s = this.ctx.session;
    if (this.docsFor === s || !s.isConnected || this.ctx.state.inMulti) return;
    this.docsFor = s;
    s.send(['COMMAND', 'DOCS']).then(
      (reply) => {
        if (s !== this.ctx.session) return;
        const docs = parseCommandDocs(reply);
        if (docs.length > 0) {
          this.table = buildTable(docs, 'server');
          this.editor.setPrompt(this.promptText()); // redraws the hint
        }
      },
      () => {
        if (this.docsFor === s) this.docsFor = undefined; // the connection failed: try again later
      },
    );
  }

  /** When the connection drops while the prompt is shown, the prompt says so at once. */
  private watchClose(): void {
    const s = this.ctx.session;
    if (!s.isConnected || (this.watched === s && this.watchedConnects === s.connects)) return;
    this.watched = s;
    this.watchedConnects = s.connects;
    void s.whenClosed().then(() => {
      if (s === this.ctx.session && this.editor.isReading) this.editor.setPrompt(this.promptText());
    });
  }

  private remember(line: string, action: LineAction): void {
    if (action.kind === 'skip') return;
    if (action.kind === 'print' && action.text === REPEAT_INVALID) return; // redis-cli skips these
    if (!isLineRememberable(line)) return;
    if (this.history.add(line)) this.histFile?.save(this.history.entries);
  }

  private async dispatch(action: LineAction): Promise<void> {
    const ctx = this.ctx;
    switch (action.kind) {
      case 'skip':
      case 'quit':
        return;
      case 'print':
        ctx.out.write(action.text);
        return;
      case 'set':
        await this.meta(action.args);
        return;
      case 'clear':
        await ctx.out.flush();
        this.editor.clearScreen();
        return;
      case 'connect':
        await this.reconnect(action.host, action.port, []);
        return;
      case 'command': {
        const a = action.args;
        // tredis-cli: `connect HOST PORT --tls …` (redis-cli knows only the 3-word form).
        if (action.repeat === 1 && a.length > 3 && isCommand(a[0], 'connect') && a[3]![0] === 0x2d) {
          await this.reconnect(a[1]!.toString(), Number.parseInt(a[2]!.toString(), 10) | 0, a.slice(3).map((w) => w.toString()));
          return;
        }
        await this.runCommand(a, action.repeat);
      }
    }
  }

  /** A `:word …` line. */
  private async meta(args: Buffer[]): Promise<void> {
    const mc = { prefs: this.prefs, session: this.ctx.session, print: (t: string) => this.ctx.out.write(t), color: this.color, width: this.term.columns };
    await runMeta(mc, args.map((a) => a.toString('utf8')));
  }

  /** `connect HOST PORT [OPTIONS]`: the shared path to another server, then a fresh key cache and table. */
  private async reconnect(host: string, port: number, words: string[]): Promise<void> {
    await this.ctx.out.flush();
    await this.ctx.moveTo({ host, port }, words);
    this.keys.clear();
    this.table = bundledTable();
    this.fetchDocs();
  }

  /** A command typed at the prompt: confirmation when dangerous, Ctrl-C to stop it, timing. */
  private async runCommand(args: Buffer[], repeat: number): Promise<void> {
    const ctx = this.ctx;
    if (!(await this.confirmed(args))) return;
    const streaming = isStreaming(args);
    const ac = new AbortController();
    this.current = ac;
    ctx.signal = ac.signal;
    const t0 = Date.now();
    try {
      // A reply that cannot be parsed ends redis-cli with exit status 1, in the REPL too.
      if ((await runCommand(ctx, args, repeat)) === 'fatal') this.fatal = true;
    } finally {
      this.current = undefined;
      ctx.signal = undefined;
    }
    if (!ac.signal.aborted && !streaming) printElapsed(ctx, Date.now() - t0);
    // Ctrl-C dropped the connection (its reply or stream would still come): start a fresh one.
    if ((ac.signal.aborted || streaming) && !ctx.session.isConnected) {
      await ctx.out.flush();
      await ctx.connect();
    }
    this.fetchDocs();
  }

  /** Asks before a dangerous command when `:set confirm` is on; true to send it. */
  private async confirmed(args: Buffer[]): Promise<boolean> {
    const danger = this.prefs.confirm ? dangerOf(args) : null;
    if (danger === null) return true;
    await this.ctx.out.flush();
    const cfg = this.ctx.session.config;
    const where = cfg.socketPath ?? formatAddress(cfg.host, cfg.port);
    const answer = await this.editor.readLine(confirmQuestion(danger, where), { history: false, hints: false, complete: false });
    if (answer !== null && isYes(answer)) return true;
    this.term.write('Not sent.\n');
    return false;
  }
}
