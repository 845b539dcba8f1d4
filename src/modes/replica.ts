/**
 * --replica (--slave): pose as a replica and print every command the master propagates. Mirrors
 * slaveMode and the --replica branch of main() (redis-cli 7.0.15): `REPLCONF capa eof`,
 * `REPLCONF rdb-filter-only ""` (an empty filter: the master sends an RDB without keys or functions),
 * SYNC, the payload discarded, then each command printed in CSV whatever the output mode.
 *
 * One difference: after a diskless transfer redis-cli sends `REPLCONF ACK 0` through hiredis, which
 * waits for a reply the master never sends, so the first propagated command is swallowed as that
 * "reply". Here the ACK is written without waiting, and every command is printed.
 */
import { encodeCommand } from '../resp/encoder.js';
import { RespDecoder } from '../resp/decoder.js';
import { formatReply } from '../format/reply.js';
import { IoError, ModeError, ProtocolError } from '../errors.js';
import type { ModeContext } from './context.js';
import { EOF_MARK_SIZE, readPayload, sendReplconf, startSync, type SyncStart } from './sync.js';

export interface ReplicaOptions {
  /** Longest silence of the master while the RDB comes (ms); none once commands stream. */
  idleMs: number;
  /** redis-cli waits 1 s after a diskless transfer before its ACK (the master must see the end first). */
  ackDelayMs?: number;
}

const CSV = { mode: 'csv', mbDelim: '\n', cmdDelim: '\n' } as const;

/** Runs --replica on a connected session. Returns the exit code when the stream ends; throws on failure. */
export async function runReplica(ctx: ModeContext, opts: ReplicaOptions): Promise<number> {
  return stopOnCtrlC(ctx, async () => {
    await sendReplconf(ctx, 'capa', 'eof');
    await sendReplconf(ctx, 'rdb-filter-only', '');
    return streamReplication(ctx, opts, await startSync(ctx, opts.idleMs));
  });
}

/**
 * Ctrl-C while the master prepares the RDB (a diskless master waits `repl-diskless-sync-delay`
 * seconds first) ends the mode with 130, as it does once commands stream; never the AbortError.
 */
async function stopOnCtrlC(ctx: ModeContext, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (ctx.signal?.aborted) {
      await ctx.out.flush();
      return 130;
    }
    throw err;
  }
}

/**
 * SYNC or PSYNC typed as a command (one-shot, piped or in the REPL): redis-cli's cliSendCommand
 * enters the same replica output, announced on stdout, without the REPLCONFs of --replica.
 */
export async function runTypedSync(ctx: ModeContext, args: Buffer[], opts: ReplicaOptions): Promise<number> {
  ctx.out.write('Entering replica output mode...  (press Ctrl-C to quit)\n');
  await ctx.out.flush();
  return stopOnCtrlC(ctx, async () => streamReplication(ctx, opts, await startSync(ctx, opts.idleMs, Buffer.concat(encodeCommand(args)))));
}

async function streamReplication(ctx: ModeContext, opts: ReplicaOptions, start: SyncStart): Promise<number> {
  const { source } = start;
  try {
    const eof = start.payload.kind === 'eof-mark';
    if (start.payload.kind === 'eof-mark') {
      ctx.err('SYNC with master, discarding bytes of bulk transfer until EOF marker...');
    } else {
      ctx.err(`SYNC with master, discarding ${start.payload.bytes} bytes of bulk transfer...`);
    }
    const bytes = await readPayload(ctx, start, opts.idleMs, () => undefined, 'Error reading RDB payload while SYNCing');
    if (eof) {
      // redis-cli counts the 40 bytes of the mark here (and not in --rdb's message).
      ctx.err(`SYNC done after ${bytes + BigInt(EOF_MARK_SIZE)} bytes. Logging commands from master.`);
      await sleep(opts.ackDelayMs ?? 1000, ctx.signal);
      ctx.err('sending REPLCONF ACK 0');
      source.write(Buffer.concat(encodeCommand(['REPLCONF', 'ACK', '0'])));
    } else {
      ctx.err('SYNC done. Logging commands from master.');
    }
    const decoder = new RespDecoder();
    for (;;) {
      const chunk = await source.read(0, () => new Error('unreachable'), ctx.signal);
      if (chunk === null) break;
      decoder.feed(chunk);
      let v;
      while ((v = decoder.next()) !== undefined) ctx.out.write(formatReply(v, CSV));
      await ctx.out.flush();
    }
    await ctx.out.flush();
    const why = source.failure;
    // cliReadReply reports the end of the stream in hiredis' words.
    throw new IoError(why ? `Error: ${why.message}` : 'Error: Server closed the connection', { code: 'EOF', cause: why });
  } catch (err) {
    if (ctx.signal?.aborted) {
      await ctx.out.flush();
      return 130;
    }
    if (err instanceof ProtocolError) throw new ModeError(`Error: ${err.message}`);
    throw err;
  } finally {
    source.destroy();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });
}
