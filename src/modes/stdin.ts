import type { Readable } from 'node:stream';
import { isHelp, runsAlone } from '../commands/traits.js';
import { ProtocolError } from '../errors.js';
import type { RespValue } from '../resp/value.js';
import type { ModeContext } from './context.js';
import { isCommand, isFatalReadError, printConnectionError, printElapsed, printReply, runCommand, trackState } from './execute.js';
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
export function classifyLine(line: Buffer): LineAction {
  if (line.length === 0 || line[0] === 0) return { kind: 'skip' };
  const argv = splitArgs(line);
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

/**
 * Reads lines from a stream as linenoise does without a terminal: split on \n, \r kept, last line
 * without \n counts. Linear in the input: the pieces of a line not ended yet are kept in a list and
 * joined once, when its newline comes (a 64 MiB line is one copy, not one per chunk); a line inside
 * one chunk is a view of it, not a copy.
 */
export async function* readLines(input: Readable): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(0x0a, start)) !== -1) {
      const piece = chunk.subarray(start, nl);
      if (pending.length === 0) {
        yield piece;
      } else {
        pending.push(piece);
        const line = Buffer.concat(pending);
        pending = [];
        yield line;
      }
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(start === 0 ? chunk : chunk.subarray(start));
  }
  if (pending.length > 0) yield pending.length === 1 ? pending[0]! : Buffer.concat(pending);
}

/** Largest number of commands sent ahead of the replies printed. */
const WINDOW = 1024;

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
 * At most once: a line is written to a connection once at most. When the connection drops under
 * pipelined commands, redis-cli's error is printed once (stdout flushed first, so `2>&1` keeps the
 * order), then how many commands got no reply (see unanswered.ts); none of them is sent again, and
 * the next unread line goes on a new connection, as redis-cli does after a failed command.
 */
export async function runStdin(ctx: ModeContext, input: Readable, hooks: StdinHooks = {}): Promise<number> {
  // In TTY format redis-cli prints the elapsed time of slow commands: keep commands sequential then.
  const pipeline = ctx.format.mode !== 'tty' && !ctx.cluster;
  const queue: Array<Promise<void>> = [];
  let failedEpoch = -1;
  // Commands written whose reply is not printed yet (all on the current connection: see below).
  let unanswered = 0;
  // The connection (its `connects` number) that answered a command sent alone: pipelining is allowed on it.
  let provenOn = -1;
  // A protocol error ends redis-cli (exit 1) even here: nothing after it is printed or sent.
  let fatal = false;
  let brokenBy = hooks.brokenBy;
  let tail: Promise<void> = Promise.resolve();
  const settle = async () => {
    await tail;
    queue.length = 0;
  };
  const gate = gatePushes(ctx);
  try {
    for await (const line of readLines(input)) {
      if (fatal) break;
      const action = classifyLine(line);
      switch (action.kind) {
        case 'skip':
          continue;
        case 'print':
          tail = tail.then(() => void (fatal || ctx.out.write(action.text)));
          continue;
        case 'quit':
          await settle();
          return fatal ? 1 : 0;
        case 'set':
          await settle();
          if (hooks.onSet) hooks.onSet(action.args);
          else {
            const msg = preferenceMessage(action.args);
            if (msg) ctx.out.write(msg);
          }
          continue;
        case 'clear':
          // linenoiseClearScreen writes this to stdout even when it is not a terminal
          tail = tail.then(() => void (fatal || ctx.out.write('\x1b[H\x1b[2J')));
          continue;
        case 'connect':
          await settle();
          brokenBy = undefined;
          failedEpoch = -1; // a new session counts its connects from 0
          if (hooks.onConnect) await hooks.onConnect(action.host, action.port);
          continue;
        case 'command':
          break;
      }
      const { args, repeat } = action;
      if (brokenBy !== undefined && !isHelp(args)) {
        await settle();
        printConnectionError(ctx, brokenBy);
        fatal = true;
        break;
      }
      // A command is pipelined only on a connection that has already answered one sent alone, and
      // not right after one that may end or change it (QUIT, CLIENT KILL…). A connection that the
      // server drops at once (a closed port, QUIT) then costs one command, as in redis-cli, and not
      // a window of commands whose fate is unknown.
      if (!pipeline || runsAlone(args) || !ctx.session.isConnected || repeat !== 1 || provenOn !== ctx.session.connects) {
        await settle();
        if (fatal) break;
        const t0 = Date.now();
        const outcome = await runCommand(ctx, args, repeat);
        if (outcome === 'fatal') {
          fatal = true;
          break;
        }
        provenOn = outcome === 'ok' && !runsAlone(args) && ctx.session.isConnected ? ctx.session.connects : -1;
        printElapsed(ctx, Date.now() - t0);
        continue;
      }
      const epoch = ctx.session.connects;
      // isConnected was true just above and send() writes synchronously: this command is on the wire.
      const reply = ctx.session.send(args);
      unanswered++;
      gate.sent();
      reply.catch(() => undefined);
      const printed = tail.then(() => reply).then(
        (v: RespValue) => {
          unanswered--;
          printReply(ctx, args, v);
          gate.done();
          trackState(ctx, args, v);
        },
        // The connection failed under pipelined commands. At most once: none of them is sent again,
        // whatever their fate. The first prints redis-cli's error and how many were left without a
        // reply; the next unread line goes on a new connection (the sequential path reconnects).
        async (err: unknown) => {
          gate.done();
          const lost = unanswered;
          unanswered--;
          if (fatal || failedEpoch === epoch) return;
          failedEpoch = epoch;
          await ctx.out.flush();
          printConnectionError(ctx, err);
          ctx.session.close();
          fatal = isFatalReadError(err);
          // A protocol error ends the run as in redis-cli (the server does not speak RESP): no count.
          const msg = err instanceof ProtocolError ? undefined : unansweredMessage(lost, args);
          if (msg !== undefined) ctx.err(msg);
        },
      );
      tail = printed;
      queue.push(printed);
      if (queue.length >= WINDOW) {
        await queue[queue.length - WINDOW / 2];
        queue.splice(0, queue.length - WINDOW / 2);
        await ctx.out.flush();
      }
    }
    await settle();
  } finally {
    gate.release();
  }
  return fatal ? 1 : 0;
}
