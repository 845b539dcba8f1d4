import type { Readable } from 'node:stream';
import { isHelp, runsAlone } from '../commands/traits.js';
import { ProtocolError } from '../errors.js';
import type { RespValue } from '../resp/value.js';
import type { ModeContext } from './context.js';
import { isCommand, isFatalReadError, PrintingStream, printConnectionError, printElapsed, printReply, runCommand, trackState } from './execute.js';
import { unansweredMessage } from './unanswered.js';
import { gatePushes } from './push-order.js';
import { parseRepeatPrefix, splitArgs } from './split-line.js';

/** What a line of input asks for, decided without any I/O (redis-cli's repl() loop body). */
export type LineAction =
  | { kind: 'skip' }
  | { kind: 'print'; text: string }
  | { kind: 'quit' }
  | { kind: 'set'; args: Buffer[] }
  | { kind: 'connect'; host: string; port: number; args: Buffer[] }
  | { kind: 'clear' }
  | { kind: 'command'; args: Buffer[]; repeat: number };

/** Classifies one input line the way redis-cli's repl() does. */
export function classifyLine(line: Buffer, start = 0, end = line.length): LineAction {
  if (end === start || line[start] === 0) return { kind: 'skip' };
  const argv = splitArgs(line, start, end);
  if (argv === null) return { kind: 'print', text: 'Invalid argument(s)\n' };
  if (argv.length === 0) return { kind: 'skip' };
  const rep = parseRepeatPrefix(argv);
  if (rep === 'invalid') return { kind: 'print', text: 'Invalid redis-cli repeat command option value.\n' };
  if (isCommand(argv[0], 'quit') || isCommand(argv[0], 'exit')) return { kind: 'quit' };
  if (argv[0]![0] === 0x3a) return { kind: 'set', args: argv }; // ':'
  // redis-cli restarts a --ldb session on `restart`; anywhere else it only says so, never sends it
  if (isCommand(argv[0], 'restart')) return { kind: 'print', text: "Use 'restart' only in Lua debugging mode.\n" };
  if (argv.length === 3 && isCommand(argv[0], 'connect')) {
    return { kind: 'connect', host: argv[1]!.toString(), port: Number.parseInt(argv[2]!.toString(), 10) | 0, args: argv };
  }
  if (argv.length === 1 && isCommand(argv[0], 'clear')) return { kind: 'clear' };
  return rep === null ? { kind: 'command', args: argv, repeat: 1 } : { kind: 'command', args: argv.slice(1), repeat: rep };
}

/**
 * What redis-cli's cliSetPreferences prints (to stdout) for a `:…` line read interactively or piped:
 * nothing for `:set hints` / `:set nohints`, else an "unknown" line naming the word.
 */
export function preferenceMessage(args: Buffer[]): Buffer | undefined {
  if (isCommand(args[0], ':set') && args.length >= 2) {
    if (isCommand(args[1], 'hints') || isCommand(args[1], 'nohints')) return undefined;
    return Buffer.concat([Buffer.from("unknown redis-cli preference '"), args[1]!, Buffer.from("'\n")]);
  }
  return Buffer.concat([Buffer.from("unknown redis-cli internal command '"), args[0]!, Buffer.from("'\n")]);
}

const NO_BYTES = Buffer.alloc(0);

/**
 * Splits input into lines as linenoise does without a terminal: split on \n, \r kept, a last line
 * without \n counts. Synchronous, so a caller can take every line of a chunk without a promise per
 * line. Linear in the input: the pieces of a line not ended yet are kept in a list and joined once,
 * when its newline comes (a 64 MiB line is one copy, not one per chunk); a line inside one chunk is
 * a view of it, not a copy.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private chunk: Buffer = NO_BYTES;
  private start = 0;

  /** The next chunk of input; take its lines with `next()` until it returns undefined. */
  feed(chunk: Buffer): void {
    this.chunk = chunk;
    this.start = 0;
  }

  /** The next complete line of the chunk fed, or undefined (its unfinished tail is kept). */
  next(): Buffer | undefined {
    if (!this.nextRange()) return undefined;
    const { line, lineStart, lineEnd } = this;
    return lineStart === 0 && lineEnd === line.length ? line : line.subarray(lineStart, lineEnd);
  }

  /** After `nextRange()` returned true: the line is `line[lineStart, lineEnd)`. */
  line: Buffer = NO_BYTES;
  lineStart = 0;
  lineEnd = 0;

  /**
   * `next()` without making a Buffer for a line that lies inside the chunk (the piped-stdin loop
   * takes 100,000s of them): false when there is no complete line.
   */
  nextRange(): boolean {
    const { chunk, start } = this;
    const nl = findNewline(chunk, start);
    if (nl === -1) {
      if (start < chunk.length) this.pending.push(start === 0 ? chunk : chunk.subarray(start));
      this.chunk = NO_BYTES;
      this.start = 0;
      return false;
    }
    this.start = nl + 1;
    if (this.pending.length === 0) {
      this.line = chunk;
      this.lineStart = start;
      this.lineEnd = nl;
      return true;
    }
    this.pending.push(chunk.subarray(start, nl));
    const line = Buffer.concat(this.pending);
    this.pending = [];
    this.line = line;
    this.lineStart = 0;
    this.lineEnd = line.length;
    return true;
  }

  /** At the end of input: the last line when it had no \n. */
  end(): Buffer | undefined {
    const p = this.pending;
    this.pending = [];
    return p.length === 0 ? undefined : p.length === 1 ? p[0] : Buffer.concat(p);
  }
}

/** `chunk.indexOf(0x0a, from)`: a JS loop over the first bytes first, as most lines are short. */
function findNewline(chunk: Buffer, from: number): number {
  const stop = Math.min(chunk.length, from + 96);
  for (let i = from; i < stop; i++) if (chunk[i] === 0x0a) return i;
  return stop === chunk.length ? -1 : chunk.indexOf(0x0a, stop);
}

/** The lines of a stream (LineSplitter), one at a time. */
export async function* readLines(input: Readable): AsyncGenerator<Buffer> {
  const lines = new LineSplitter();
  for await (const chunk of input as AsyncIterable<Buffer>) {
    lines.feed(chunk);
    let line: Buffer | undefined;
    while ((line = lines.next()) !== undefined) yield line;
  }
  const last = lines.end();
  if (last !== undefined) yield last;
}

/** Largest number of commands sent ahead of the replies printed. */
const WINDOW = 256;

export interface StdinHooks {
  onSet?: (args: Buffer[]) => void;
  onConnect?: (host: string, port: number) => Promise<void>;
  /** The start-up connect failed with an error redis-cli exits on: the first command reports it. */
  brokenBy?: unknown;
}

/**
 * Commands piped on stdin (no command in argv, stdin not a terminal). Output is what redis-cli's
 * line-by-line loop prints, but commands are pipelined: each is sent as soon as it is read and
 * replies are printed in order as they arrive. Anything that changes the connection, streams, or
 * needs timing (TTY output prints "(N.NNs)") runs alone. Exits 0 at the end of input as redis-cli
 * does, or 1 right after a protocol error (cliReadReply exits there even when reading stdin).
 *
 * Lean: the lines of a chunk are taken synchronously, and a pipelined command costs one pair of
 * callbacks (no promise); the loop awaits only when it must (a window full, a command run alone).
 *
 * At most once: a line is written to a connection once at most. When the connection drops under
 * pipelined commands, redis-cli's error is printed once (stdout flushed first, so `2>&1` keeps the
 * order), then how many commands got no reply (see unanswered.ts); none of them is sent again, and
 * the next unread line goes on a new connection, as redis-cli does after a failed command.
 */
export async function runStdin(ctx: ModeContext, input: Readable, hooks: StdinHooks = {}): Promise<number> {
  // In TTY format redis-cli prints the elapsed time of slow commands: keep commands sequential then.
  const pipeline = ctx.format.mode !== 'tty' && !ctx.cluster;
  let failedEpoch = -1;
  // Commands written whose reply is not printed yet (all on the current connection: see below).
  let unanswered = 0;
  // Who waits for `unanswered` to fall to `below` (the window, or every reply before a line run alone).
  let waiter: { below: number; resolve: () => void } | undefined;
  // The report of a connection that failed under pipelined commands, while it is being printed.
  let failing: Promise<void> | undefined;
  // The connection (its `connects` number) that answered a command sent alone: pipelining is allowed on it.
  let provenOn = -1;
  // A protocol error ends redis-cli (exit 1) even here: nothing after it is printed or sent.
  let fatal = false;
  let quit = false;
  let brokenBy = hooks.brokenBy;
  const gate = gatePushes(ctx);
  // Prints the large replies of pipelined commands as they decode (a big bulk string in pieces, an
  // aggregate element by element), so none is held whole; scalars come back whole to `printReply`.
  // One for all: replies come in order, and each is printed when it arrives, after those before it.
  const printer = new PrintingStream(ctx);

  const answered = (): void => {
    unanswered--;
    if (waiter !== undefined && unanswered <= waiter.below) {
      const w = waiter;
      waiter = undefined;
      w.resolve();
    }
  };
  const fallTo = async (below: number): Promise<void> => {
    if (unanswered > below) await new Promise<void>((resolve) => (waiter = { below, resolve }));
    if (failing !== undefined) await failing;
  };
  /** Every pipelined reply printed (or its failure reported). */
  const settle = () => fallTo(0);

  // The same two callbacks for every pipelined command (the session hands each its command back):
  // two closures per command were a fifth of what a window of commands in flight keeps alive.
  const onPipelinedReply = (v: RespValue, args: Buffer[]): void => {
    answered();
    if (!printer.printed) printReply(ctx, args, v);
    gate.done();
    trackState(ctx, args, v);
  };
  // The connection failed under pipelined commands. At most once: none of them is sent again,
  // whatever their fate. The first prints redis-cli's error and how many were left without a
  // reply; the next unread line goes on a new connection (the sequential path reconnects).
  // The session rejects all of a connection's commands at once, before any reconnect, so the
  // connection they were sent on is still `connects`.
  const onPipelinedFailure = (err: unknown, args: Buffer[]): void => {
    const epoch = ctx.session.connects;
    gate.done();
    printer.reset();
    const lost = unanswered;
    if (!fatal && failedEpoch !== epoch) {
      failedEpoch = epoch;
      const report = async () => {
        await ctx.out.flush();
        printConnectionError(ctx, err);
        ctx.session.close();
        fatal = isFatalReadError(err);
        // A protocol error ends the run as in redis-cli (the server does not speak RESP): no count.
        const msg = err instanceof ProtocolError ? undefined : unansweredMessage(lost, args);
        if (msg !== undefined) ctx.err(msg);
      };
      failing = report();
    }
    answered();
  };

  const sendPipelined = (args: Buffer[]): void => {
    unanswered++;
    gate.sent();
    ctx.session.sendWith(args, onPipelinedReply, onPipelinedFailure, printer);
  };

  const runAlone = async (args: Buffer[], repeat: number): Promise<void> => {
    await settle();
    if (fatal) return;
    const t0 = Date.now();
    const outcome = await runCommand(ctx, args, repeat);
    if (outcome === 'fatal') {
      fatal = true;
      return;
    }
    provenOn = outcome === 'ok' && !runsAlone(args) && ctx.session.isConnected ? ctx.session.connects : -1;
    printElapsed(ctx, Date.now() - t0);
  };

  /** Acts on one line: undefined when done at once, else a promise to await before the next line. */
  const step = (line: Buffer, start = 0, end = line.length): Promise<void> | undefined => {
    const action = classifyLine(line, start, end);
    switch (action.kind) {
      case 'skip':
        return undefined;
      case 'print':
        return settle().then(() => void (fatal || ctx.out.write(action.text)));
      case 'clear':
        // linenoiseClearScreen writes this to stdout even when it is not a terminal
        return settle().then(() => void (fatal || ctx.out.write('\x1b[H\x1b[2J')));
      case 'quit':
        quit = true;
        return settle();
      case 'set':
        return settle().then(() => {
          if (hooks.onSet) hooks.onSet(action.args);
          else {
            const msg = preferenceMessage(action.args);
            if (msg) ctx.out.write(msg);
          }
        });
      case 'connect':
        return settle().then(async () => {
          brokenBy = undefined;
          failedEpoch = -1; // a new session counts its connects from 0
          if (hooks.onConnect) await hooks.onConnect(action.host, action.port);
        });
      case 'command':
        break;
    }
    const { args, repeat } = action;
    if (brokenBy !== undefined && !isHelp(args)) {
      const err = brokenBy;
      return settle().then(() => {
        printConnectionError(ctx, err);
        fatal = true;
      });
    }
    // A command is pipelined only on a connection that has already answered one sent alone, and
    // not right after one that may end or change it (QUIT, CLIENT KILL…). A connection that the
    // server drops at once (a closed port, QUIT) then costs one command, as in redis-cli, and not
    // a window of commands whose fate is unknown.
    if (!pipeline || runsAlone(args) || !ctx.session.isConnected || repeat !== 1 || provenOn !== ctx.session.connects) {
      return runAlone(args, repeat);
    }
    // isConnected was true just above and sendWith() writes synchronously: this command is on the wire.
    sendPipelined(args);
    if (unanswered >= WINDOW) return fallTo(WINDOW / 2).then(() => ctx.out.flush());
    return undefined;
  };

  const lines = new LineSplitter();
  try {
    read: for await (const chunk of input as AsyncIterable<Buffer>) {
      lines.feed(chunk);
      while (lines.nextRange()) {
        const wait = step(lines.line, lines.lineStart, lines.lineEnd);
        if (wait !== undefined) await wait;
        if (fatal || quit) break read;
      }
    }
    if (!fatal && !quit) {
      const last = lines.end();
      if (last !== undefined) await step(last);
    }
    await settle();
  } finally {
    gate.release();
  }
  return fatal ? 1 : 0;
}
