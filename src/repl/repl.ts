/**
 * The interactive REPL (redis-cli 7.0.15's repl()): prompt, line editing with hints and completion,
 * history, `:set` preferences and the rc file, `help`, `connect`, `clear`, `quit`; commands run
 * through modes/execute.ts exactly as in the other modes. What tredis-cli adds — Ctrl-R, key
 * completion, the TLS badge, `:tls`, confirmation of dangerous commands, Ctrl-C that stops a
 * blocking or streaming command and returns to the prompt — is described in the man page.
 */
import { readFileSync } from 'node:fs';
import type { ReadStream, WriteStream } from 'node:tty';
import type { Flags } from '../cli/args.js';
import type { RunConfig } from '../cli/config.js';
import { dangerOf, isStreaming } from '../commands/traits.js';
import type { ConnectionConfig } from '../connection/config.js';
import type { TlsPlan } from '../connection/options.js';
import { formatPush } from '../format/reply.js';
import type { ModeContext } from '../modes/context.js';
import { isCommand, printConnectionError, runCommand } from '../modes/execute.js';
import { classifyLine, type LineAction } from '../modes/stdin.js';
import { buildTable, parseCommandDocs, type CommandTable } from './command-docs.js';
import { completeCommand, completeKeys, keyTarget } from './completion.js';
import { confirmQuestion, isYes } from './danger.js';
import { bundledTable, helpText } from './help-table.js';
import { computeHint } from './hints.js';
import { HistoryFile, loadHistoryFile } from './history-file.js';
import { dotfilePath, HistoryList, isLineRememberable } from './history.js';
import { KeyCache, scanKeys } from './key-cache.js';
import { LineEditor } from './line-editor.js';
import { runMeta } from './meta-commands.js';
import { defaultPreferences, loadPreferences } from './preferences.js';
import { formatAddress, formatPrompt } from './prompt.js';

export interface ReplOptions {
  flags: Flags;
  config: RunConfig;
  /**
   * Connection settings for `connect HOST PORT [OPTIONS]`, from the words `-h HOST -p PORT
   * OPTIONS…` read as command-line options on top of the original ones (TLS settings carry over).
   */
  planConnect?: ((words: string[]) => Promise<{ connection: ConnectionConfig; tlsPlan?: TlsPlan | undefined }>) | undefined;
  /** For tests: the terminal and the environment (default: process.stdin/stdout, process.env). */
  input?: ReadStream | undefined;
  output?: WriteStream | undefined;
  env?: Record<string, string | undefined> | undefined;
}

const REPEAT_INVALID = 'Invalid redis-cli repeat command option value.\n';
const HELP_EXTRA = '\ntredis-cli: ":help" lists its keys and settings (:set keycomplete, tlsprompt, confirm) and :tls\n';

/** Runs the REPL until quit/exit or Ctrl-D; returns the exit code (0, as redis-cli). */
export async function runRepl(ctx: ModeContext, opts: ReplOptions): Promise<number> {
  const env = opts.env ?? process.env;
  const input = opts.input ?? process.stdin;
  // linenoise writes to stdout; when stdout is redirected the editing goes to the terminal on stderr.
  const term = opts.output ?? (process.stdout.isTTY ? process.stdout : process.stderr);
  const color = term.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';

  // redis-cli connects before repl(): a failure is printed and the REPL starts "not connected".
  await ctx.connect();

  const prefs = defaultPreferences();
  prefs.confirm = !opts.flags.noConfirm;
  const rcPath = dotfilePath(env, 'REDISCLI_RCFILE', '.redisclirc');
  if (rcPath !== null) {
    let text = '';
    try {
      text = readFileSync(rcPath, 'utf8');
    } catch {
      // no rc file: defaults
    }
    for (const msg of loadPreferences(prefs, text)) ctx.out.write(msg);
  }

  const histPath = dotfilePath(env, 'REDISCLI_HISTFILE', '.rediscli_history');
  // Lines an older client saved with secrets in them are dropped here and at the next save.
  const history = new HistoryList(histPath !== null ? loadHistoryFile(histPath).filter(isLineRememberable) : []);
  const histFile = histPath !== null ? new HistoryFile(histPath, (m) => ctx.err(`tredis-cli: ${m}`)) : undefined;

  let table: CommandTable = bundledTable();
  const keys = new KeyCache();
  let current: AbortController | undefined;

  const promptText = () =>
    formatPrompt({
      host: ctx.session.config.host,
      port: ctx.session.config.port,
      socketPath: ctx.session.config.socketPath,
      db: ctx.state.db,
      inMulti: ctx.state.inMulti,
      connected: ctx.session.isConnected,
      tls: ctx.session.tls !== undefined,
      tlsBadge: prefs.tlsprompt,
      color,
    });

  const complete = async (before: string): Promise<string[]> => {
    const found = completeCommand(before, table.commands, table.groups);
    if (found.length > 0 || !prefs.keycomplete) return found;
    const target = keyTarget(before, table.commands);
    if (!target) return [];
    const db = ctx.state.db;
    const s = ctx.session;
    // Never inside MULTI: the SCAN would be queued, not answered.
    if (s.isConnected && !ctx.state.inMulti) {
      for (const k of await scanKeys((a) => s.send(a), target.prefix)) keys.add(db, k);
    }
    return completeKeys(before, target, keys.keys(db));
  };

  const editor = new LineEditor(input, term, history, {
    hint: (text) => (prefs.hints ? computeHint(text, table.commands) : null),
    complete,
    onInterrupt: () => current?.abort(),
  });

  // The server's own COMMAND DOCS, fetched once per server in the background when idle.
  let docsFor: unknown;
  const fetchDocs = () => {
    const s = ctx.session;
    if (docsFor === s || !s.isConnected || ctx.state.inMulti) return;
    docsFor = s;
    s.send(['COMMAND', 'DOCS']).then(
      (reply) => {
        if (s !== ctx.session) return;
        const docs = parseCommandDocs(reply);
        if (docs.length > 0) {
          table = buildTable(docs, 'server');
          editor.setPrompt(promptText()); // redraws the hint
        }
      },
      () => {
        if (docsFor === s) docsFor = undefined; // the connection failed: try again later
      },
    );
  };

  ctx.help = (args) => ctx.out.write(helpText(args, table, args.length === 0 ? HELP_EXTRA : ''));
  ctx.onReply = (args, reply) => keys.noteReply(ctx.state.db, args, reply, table.commands);
  const basePush = ctx.onPush;
  ctx.onPush = (v) => {
    if (!editor.isReading) return basePush(v);
    // A push while the prompt is shown (RESP3 tracking invalidations): print it above the line.
    if (ctx.showPushes) editor.printAbove(() => process.stdout.write(formatPush(v, ctx.format)));
  };

  // When the connection drops while the prompt is shown, the prompt says so at once.
  let watched: unknown;
  let watchedConnects = -1;
  const watchClose = () => {
    const s = ctx.session;
    if (!s.isConnected || (watched === s && watchedConnects === s.connects)) return;
    watched = s;
    watchedConnects = s.connects;
    void s.whenClosed().then(() => {
      if (s === ctx.session && editor.isReading) editor.setPrompt(promptText());
    });
  };

  const remember = (line: string, action: LineAction) => {
    if (action.kind === 'skip') return;
    if (action.kind === 'print' && action.text === REPEAT_INVALID) return; // redis-cli skips these
    if (!isLineRememberable(line)) return;
    if (history.add(line)) histFile?.save(history.entries);
  };

  const connectTo = async (host: string, port: number, extra: string[]) => {
    await ctx.out.flush();
    if (opts.planConnect) {
      let plan: Awaited<ReturnType<NonNullable<ReplOptions['planConnect']>>>;
      editor.suspend(); // a key passphrase may be asked for
      try {
        plan = await opts.planConnect(['-h', host, '-p', String(port), ...extra]);
      } catch (err) {
        printConnectionError(ctx, err);
        return;
      } finally {
        editor.resume();
      }
      const next = ctx.session.derive(plan.connection, plan.tlsPlan);
      ctx.session.close();
      ctx.session = next;
    } else {
      ctx.session.close();
      ctx.session.config.host = host;
      ctx.session.config.port = port;
      ctx.session.config.socketPath = undefined;
    }
    keys.clear();
    table = bundledTable();
    await ctx.connect();
    fetchDocs();
  };

  let fatal = false;
  const runUserCommand = async (args: Buffer[], repeat: number) => {
    const danger = prefs.confirm ? dangerOf(args) : null;
    if (danger !== null) {
      await ctx.out.flush();
      const cfg = ctx.session.config;
      const where = cfg.socketPath ?? formatAddress(cfg.host, cfg.port);
      const answer = await editor.readLine(confirmQuestion(danger, where), { history: false, hints: false, complete: false });
      if (answer === null || !isYes(answer)) {
        term.write('Not sent.\n');
        return;
      }
    }
    const streaming = isStreaming(args);
    const ac = new AbortController();
    current = ac;
    ctx.signal = ac.signal;
    const t0 = Date.now();
    try {
      // A reply that cannot be parsed ends redis-cli with exit status 1, in the REPL too.
      if ((await runCommand(ctx, args, repeat)) === 'fatal') fatal = true;
    } finally {
      current = undefined;
      ctx.signal = undefined;
    }
    const elapsed = Date.now() - t0;
    if (!ac.signal.aborted && !streaming && elapsed >= 500 && ctx.format.mode === 'tty') {
      ctx.out.write(`(${(elapsed / 1000).toFixed(2)}s)\n`);
    }
    // Ctrl-C dropped the connection (its reply or stream would still come): start a fresh one.
    if ((ac.signal.aborted || streaming) && !ctx.session.isConnected) {
      await ctx.out.flush();
      await ctx.connect();
    }
    fetchDocs();
  };

  const perform = async (action: LineAction) => {
    switch (action.kind) {
      case 'skip':
      case 'quit':
        return;
      case 'print':
        ctx.out.write(action.text);
        return;
      case 'set':
        await runMeta(
          {
            prefs,
            session: ctx.session,
            print: (t) => ctx.out.write(t),
            color,
            width: term.columns,
          },
          action.args.map((a) => a.toString('utf8')),
        );
        return;
      case 'clear':
        await ctx.out.flush();
        editor.clearScreen();
        return;
      case 'connect':
        await connectTo(action.host, action.port, []);
        return;
      case 'command': {
        const a = action.args;
        // tredis-cli: `connect HOST PORT --tls …` (redis-cli knows only the 3-word form).
        if (action.repeat === 1 && a.length > 3 && isCommand(a[0], 'connect') && a[3]![0] === 0x2d) {
          await connectTo(a[1]!.toString(), Number.parseInt(a[2]!.toString(), 10) | 0, a.slice(3).map((w) => w.toString()));
          return;
        }
        await runUserCommand(a, action.repeat);
      }
    }
  };

  fetchDocs();
  editor.start();
  try {
    for (;;) {
      await ctx.out.flush();
      watchClose();
      const line = await editor.readLine(promptText());
      if (line === null) break;
      const action = classifyLine(Buffer.from(line, 'utf8'));
      remember(line, action);
      if (action.kind === 'quit') break;
      await perform(action);
      if (fatal) break;
    }
  } finally {
    editor.stop();
    await ctx.out.flush();
    ctx.session.close();
  }
  return fatal ? 1 : 0;
}
