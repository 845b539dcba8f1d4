import type { Readable } from 'node:stream';
import { isHelp, runsAlone } from '../commands/traits.js';
import type { RespValue } from '../resp/value.js';
import type { ModeContext } from './context.js';
import { isCommand, isFatalReadError, printConnectionError, printElapsed, printReply, runCommand, trackState } from './execute.js';
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

/** Reads lines from a stream as linenoise does without a terminal: split on \n, \r kept, last line without \n counts. */
export async function* readLines(input: Readable): AsyncGenerator<Buffer> {
  let rest: Buffer | undefined;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    let nl: number;
    while ((nl = buf.indexOf(0x0a, start)) !== -1) {
      yield buf.subarray(start, nl);
      start = nl + 1;
    }
    rest = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
    buf = Buffer.alloc(0);
  }
  if (rest && rest.length > 0) yield rest;
}

/** Largest number of commands sent ahead of the replies printed. */
const WINDOW = 4096;

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
 */
export async function runStdin(ctx: ModeContext, input: Readable, hooks: StdinHooks = {}): Promise<number> {
  // In TTY format redis-cli prints the elapsed time of slow commands: keep commands sequential then.
  const pipeline = ctx.format.mode !== 'tty' && !ctx.cluster;
  const queue: Array<Promise<void>> = [];
  let failedEpoch = -1;
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
      if (!pipeline || runsAlone(args) || !ctx.session.isConnected || repeat !== 1) {
        await settle();
        if (fatal) break;
        const t0 = Date.now();
        if ((await runCommand(ctx, args, repeat)) === 'fatal') {
          fatal = true;
          break;
        }
        printElapsed(ctx, Date.now() - t0);
        continue;
      }
      const epoch = ctx.session.connects;
      const reply = ctx.session.send(args);
      gate.sent();
      reply.catch(() => undefined);
      const printed = tail.then(() => reply).then(
        (v: RespValue) => {
          printReply(ctx, args, v);
          gate.done();
          trackState(ctx, args, v);
        },
        // The connection failed under pipelined commands: the first prints the error as redis-cli
        // does; those sent after it go again the sequential way (reconnecting, as redis-cli would).
        async (err: unknown) => {
          gate.done();
          if (fatal) return;
          if (failedEpoch !== epoch) {
            failedEpoch = epoch;
            printConnectionError(ctx, err);
            ctx.session.close();
            fatal = isFatalReadError(err);
          } else if ((await runCommand(ctx, args, 1)) === 'fatal') {
            fatal = true;
          }
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
