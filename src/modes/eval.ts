import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { strerror } from '../connection/errno.js';
import { ModeError, TredisError } from '../errors.js';
import { formatLdbReply, type LdbFormatState } from '../format/ldb.js';
import { formatReply } from '../format/reply.js';
import type { RespValue } from '../resp/value.js';
import type { ModeContext } from './context.js';
import { isCommand, printConnectionError, printElapsed, runCommand } from './execute.js';
import { parseRepeatPrefix, splitArgs } from './split-line.js';
import { preferenceMessage, readLines } from './stdin.js';

export interface EvalOptions {
  /** --eval FILE */
  file: string;
  /** The words after the options: KEYS, a lone `,`, then ARGV. */
  words: string[];
  /** --ldb / --ldb-sync-mode */
  ldb: boolean;
  ldbSync: boolean;
  repeat: number;
  readFile: (path: string) => Buffer;
  /** Debugger commands: a terminal (prompted) or piped lines. */
  input: Readable & { isTTY?: boolean };
  /** Where the terminal prompt goes (stdout, as linenoise writes it). */
  promptTo: Writable;
  /** TERM contains "xterm": the debugger's lines are coloured (isColorTerm), terminal or not. */
  color: boolean;
}

const BANNER = 'Lua debugging session started, please use:\nquit    -- End the session.\nrestart -- Restart the script in debug mode again.\nhelp    -- Show Lua script debugging commands.\n\n';

function readScript(o: EvalOptions): Buffer {
  try {
    return o.readFile(o.file);
  } catch (e) {
    throw new ModeError(`Can't open file '${o.file}': ${strerror(e)}`);
  }
}

/** EVAL script numkeys keys… args…: the first lone `,` splits KEYS from ARGV (evalMode). */
export function evalArgs(script: Buffer, words: string[]): Buffer[] {
  const keys: Buffer[] = [];
  const rest: Buffer[] = [];
  let comma = false;
  for (const w of words) {
    if (!comma && w === ',') {
      comma = true;
      continue;
    }
    (comma ? rest : keys).push(Buffer.from(w, 'utf8'));
  }
  return [Buffer.from('EVAL'), script, Buffer.from(String(keys.length)), ...keys, ...rest];
}

/**
 * --eval: mirrors evalMode (redis-cli 7.0.15). Without --ldb, one EVAL printed like any command.
 * With --ldb: the banner, SCRIPT DEBUG yes|sync, the EVAL, then a `lua debugger>` session whose
 * lines go to the server as they are (`e`/`eval` keep the rest of the line whole) and whose replies
 * are printed raw, coloured by kind; `<endsession>` ends it with the script's reply in TTY format;
 * `restart` starts it again on a new connection; `quit` or the end of input exits 0.
 */
export async function runEval(ctx: ModeContext, o: EvalOptions): Promise<number> {
  ctx.interactive = false;
  if (!o.ldb) return (await runCommand(ctx, evalArgs(readScript(o), o.words), o.repeat)) === 'ok' ? 0 : 1;

  ctx.format = { ...ctx.format, mode: 'raw' };
  const state: LdbFormatState = { active: true, color: o.color };
  // Replies nobody asked for: the script's own reply comes right after `<endsession>`.
  const extra: RespValue[] = [];
  let wake: () => void = () => undefined;
  ctx.onPush = (v) => {
    extra.push(v);
    wake();
  };
  const nextExtra = async (): Promise<RespValue> => {
    while (extra.length === 0) {
      if (!ctx.session.isConnected) throw ctx.session.lastFailure ?? new ModeError('Error: Server closed the connection');
      await Promise.race([new Promise<void>((r) => (wake = r)), ctx.session.whenClosed()]);
    }
    return extra.shift()!;
  };
  const lines = lineSource(ctx, o, state);
  try {
    for (;;) {
      ctx.out.write(BANNER);
      const script = readScript(o);
      await ctx.session.send(['SCRIPT', 'DEBUG', o.ldbSync ? 'sync' : 'yes']); // reply not looked at
      state.active = true;
      ctx.format = { ...ctx.format, mode: 'raw' };
      const first = await ctx.session.send(evalArgs(script, o.words));
      ctx.out.write(formatLdbReply(first, state, ctx.format.mbDelim, ctx.format.cmdDelim));
      if (!state.active) {
        // ended at once: the script did not compile
        ctx.out.write("Eval debugging session can't start:\n");
        ctx.out.write(formatReply(await nextExtra(), { ...ctx.format, mode: 'tty' }));
        return 0;
      }
      if ((await ldbRepl(ctx, o, state, lines, nextExtra)) === 'end') return 0;
      await ctx.session.connect(); // restart: a new connection, as cliConnect(CC_FORCE)
      ctx.out.write('\n');
    }
  } finally {
    lines.close();
  }
}

interface LineSource {
  next(): Promise<Buffer | undefined>;
  close(): void;
}

/** Lines from a terminal (prompted, as linenoise) or from a pipe (no prompt). */
function lineSource(ctx: ModeContext, o: EvalOptions, state: LdbFormatState): LineSource {
  if (!o.input.isTTY) {
    const it = readLines(o.input);
    return { next: async () => (await it.next()).value ?? undefined, close: () => void it.return(undefined) };
  }
  const rl = createInterface({ input: o.input, output: o.promptTo, terminal: true, historySize: 100 });
  const queue: Array<Buffer | undefined> = [];
  let wake: () => void = () => undefined;
  rl.on('line', (l) => {
    queue.push(Buffer.from(l, 'utf8'));
    wake();
  });
  rl.on('close', () => {
    queue.push(undefined);
    wake();
  });
  rl.on('SIGINT', () => rl.close()); // Ctrl-C ends the session, as linenoise returning NULL
  const cfg = ctx.session.config;
  return {
    next: async () => {
      await ctx.out.flush();
      rl.setPrompt(state.active ? 'lua debugger> ' : `${cfg.socketPath ?? `${cfg.host}:${cfg.port}`}${ctx.session.currentDb ? `[${ctx.session.currentDb}]` : ''}> `);
      rl.prompt();
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      return queue.shift();
    },
    close: () => rl.close(),
  };
}

/** redis-cli's repl() loop while --eval is set. */
async function ldbRepl(ctx: ModeContext, o: EvalOptions, state: LdbFormatState, lines: LineSource, nextExtra: () => Promise<RespValue>): Promise<'end' | 'restart'> {
  for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
    if (line.length === 0) continue;
    const argv = splitLdbLine(line, state.active);
    if (argv === null) {
      ctx.out.write('Invalid argument(s)\n');
      continue;
    }
    if (argv.length === 0) continue;
    const rep = parseRepeatPrefix(argv);
    if (rep === 'invalid') {
      ctx.out.write('Invalid redis-cli repeat command option value.\n');
      continue;
    }
    const args = rep === null ? argv : argv.slice(1);
    if (isCommand(argv[0], 'quit') || isCommand(argv[0], 'exit')) return 'end';
    if (argv[0]![0] === 0x3a) {
      const msg = preferenceMessage(argv);
      if (msg) ctx.out.write(msg);
      continue;
    }
    if (isCommand(argv[0], 'restart')) return 'restart';
    const t0 = Date.now();
    if (!state.active) {
      await runCommand(ctx, args, rep ?? 1);
    } else {
      await ldbCommand(ctx, state, args, rep ?? 1, nextExtra, o.ldbSync);
    }
    printElapsed(ctx, Date.now() - t0);
  }
  return 'end';
}

/** One debugger command: its reply raw; at `<endsession>`, the script's reply in TTY format. */
async function ldbCommand(ctx: ModeContext, state: LdbFormatState, args: Buffer[], repeat: number, nextExtra: () => Promise<RespValue>, sync: boolean): Promise<void> {
  try {
    for (let i = 0; i < repeat; i++) {
      if (!ctx.session.isConnected && !(await ctx.connect())) return;
      const r = await ctx.session.send(args);
      ctx.out.write(formatLdbReply(r, state, ctx.format.mbDelim, ctx.format.cmdDelim));
      if (!state.active) {
        ctx.format = { ...ctx.format, mode: 'tty' }; // config.output = OUTPUT_STANDARD
        ctx.out.write(formatReply(await nextExtra(), ctx.format));
        ctx.out.write(`\n(Lua debugging session ended${sync ? '' : ' -- dataset changes rolled back'})\n\n`);
        // The server closes the connection when a session ends (forked or sync); redis-cli finds it
        // closed (its COMMAND DOCS for help fails) and reconnects for the next command.
        ctx.session.close();
        return;
      }
    }
  } catch (err) {
    if (!(err instanceof TredisError)) throw err;
    // interactive: the error is printed and the next line reconnects (issueCommandRepeat)
    await ctx.out.flush();
    printConnectionError(ctx, err);
    ctx.session.close();
  }
}

/** cliSplitArgs: in a debugging session `e <code>` / `eval <code>` keep the code whole. */
function splitLdbLine(line: Buffer, active: boolean): Buffer[] | null {
  if (active) {
    const s = line.toString('latin1');
    if (s.startsWith('eval ') || s.startsWith('e ')) {
      const n = s[1] === ' ' ? 2 : 5;
      return [line.subarray(0, n - 1), line.subarray(n)];
    }
  }
  return splitArgs(line);
}
