import type { CommandArgs, ReplyStream } from '../client/session.js';
import { ClusterError, ConnectError, errorLines, IoError, ProtocolError, ReplyTimeoutError, TredisError } from '../errors.js';
import { endsServer, isForcedRaw, isHelp, isStreaming, isWord, startsReplication } from '../commands/traits.js';
import { formatReply, formatReplyChunks } from '../format/reply.js';
import { ReplyFormatter } from '../format/stream.js';
import { BatchWriter } from '../format/writer.js';
import { RESP_EVENT, type RespDecoder } from '../resp/decoder.js';
import { RESP_TYPE, type RespValue } from '../resp/value.js';
import type { ModeContext } from './context.js';
import { gatePushes } from './push-order.js';
import { unansweredMessage } from './unanswered.js';

/** ASCII case-insensitive comparison of an argument with a lower-case word. */
export function isCommand(arg: Buffer | undefined, word: string): boolean {
  return isWord(arg, word);
}

/**
 * 'failed': what redis-cli survives when reading stdin or in its REPL (an error reply with -e, a
 * refused connection, EOF or a reset: it reconnects for the next command). 'fatal': what
 * cliReadReply exits 1 on even then (a protocol error).
 */
export type Outcome = 'ok' | 'failed' | 'fatal';

/** Errors after which redis-cli 7.0.15 exits 1 even interactively (cliReadReply). */
export function isFatalReadError(err: unknown): boolean {
  // --reply-timeout is asked for to bound a run: it ends it (exit 1), in the REPL too.
  return err instanceof ProtocolError || err instanceof ReplyTimeoutError;
}

/** Prints a reply of `args` in the configured format (redis-cli's cliReadReply output step). */
export function printReply(ctx: ModeContext, args: Buffer[], reply: RespValue): void {
  // In pieces: a large payload goes to stdout without another copy.
  for (const chunk of formatReplyChunks(reply, ctx.format, isForcedRaw(args))) ctx.out.write(chunk);
}

/**
 * Prints a reply while it decodes: an aggregate element by element, a large bulk string piece by
 * piece, in large batches. A top-level scalar is not printed here: it comes back whole, for the
 * checks that need it (-e, cluster redirects) and `printReply`; so does a small aggregate the mode
 * wants whole (`ctx.keepsWhole`: the REPL learns key names from KEYS and SCAN replies).
 *
 * One printer may serve many commands in a row (piped stdin: the replies of a pipeline come in
 * order, so at most one is being streamed at a time): `printed` tells about the reply just taken.
 */
export class PrintingStream implements ReplyStream {
  private formatter: ReplyFormatter | undefined;
  /** Made at the first streamed reply (most replies are scalars, printed whole), then reused. */
  private writer: BatchWriter | undefined;
  private outline: RespValue | undefined;
  /** The reply just taken went to the output as it came (the value `send()` gave is only its outline). */
  printed = false;

  constructor(private readonly ctx: ModeContext) {}

  take(d: RespDecoder, args: CommandArgs): RespValue | undefined {
    if (this.formatter === undefined) {
      this.printed = false;
      if (d.event === RESP_EVENT.SCALAR && d.depth === 0) return d.scalarValue();
      if (d.event === RESP_EVENT.AGGREGATE && this.ctx.keepsWhole?.(args, d.count) === true) return d.adopt();
      this.writer ??= new BatchWriter((chunk) => this.ctx.out.write(chunk));
      this.formatter = new ReplyFormatter(this.writer, this.ctx.format, isForcedRaw(args));
      this.outline = outlineOf(d);
    }
    if (!this.formatter.take(d)) return undefined;
    this.writer!.flush();
    this.formatter = undefined;
    this.printed = true;
    return this.outline;
  }

  /**
   * The connection failed: a reply cut short is dropped with what of it is still batched (as
   * redis-cli prints nothing of a reply it could not read whole), and the next starts afresh.
   */
  reset(): void {
    this.formatter = undefined;
    this.writer = undefined;
    this.printed = false;
  }

  congestion(): Promise<void> | undefined {
    return this.ctx.out.needsDrain ? this.ctx.out.flush() : undefined;
  }
}

/** The kind of a streamed reply, without its elements (what trackState and friends look at). */
function outlineOf(d: RespDecoder): RespValue {
  if (d.event === RESP_EVENT.BULK_START) return { kind: 'bulk', value: Buffer.alloc(0) };
  switch (d.type) {
    case RESP_TYPE.MAP:
      return { kind: 'map', entries: [] };
    case RESP_TYPE.SET:
      return { kind: 'set', items: [] };
    default:
      return { kind: 'array', items: [] };
  }
}

/** Follows the prompt state redis-cli tracks after each reply (SELECT, MULTI, EXEC, DISCARD, RESET). */
export function trackState(ctx: ModeContext, args: Buffer[], reply: RespValue): void {
  const isErr = reply.kind === 'error';
  const argc = args.length;
  const st = ctx.state;
  if (isCommand(args[0], 'select') && argc === 2 && !isErr) {
    st.db = ctx.session.setup.db = ctx.session.currentDb = Number.parseInt(args[1]!.toString('latin1'), 10) | 0;
  } else if (isCommand(args[0], 'multi') && argc === 1 && !isErr) {
    st.inMulti = true;
    st.preMultiDb = st.db;
  } else if (isCommand(args[0], 'exec') && argc === 1 && st.inMulti) {
    st.inMulti = false;
    if (isErr || reply.kind === 'null') st.db = ctx.session.setup.db = ctx.session.currentDb = st.preMultiDb;
  } else if (isCommand(args[0], 'discard') && argc === 1 && !isErr) {
    st.inMulti = false;
    st.db = ctx.session.setup.db = ctx.session.currentDb = st.preMultiDb;
  } else if (isCommand(args[0], 'reset') && argc === 1 && !isErr) {
    st.inMulti = false;
    st.db = ctx.session.setup.db = ctx.session.currentDb = 0;
  } else if (isCommand(args[0], 'auth') && (argc === 2 || argc === 3) && !isErr) {
    // Reconnects to this server authenticate the same way (redis-cli 7.0.15 forgets a typed AUTH and
    // is refused with NOAUTH after a reconnect); `connect` to another server does not take it along.
    // AUTH with a password only is the default user's.
    ctx.session.setup.user = argc === 3 ? args[1]!.toString() : undefined;
    ctx.session.setup.password = args[argc - 1]!.toString();
  }
}

/** Where a MOVED or ASK error sends the command (-c). */
export interface Redirect {
  ask: boolean;
  slot: number;
  host: string;
  port: number;
}

/**
 * `MOVED 3999 127.0.0.1:6381` / `ASK …` → where to go, for -c. The host is what follows the
 * second space up to the last ':' (cliReadReply, redis-cli 7.0.15), so IPv6 addresses keep their
 * colons; an empty host (a node that does not know its address) means the current one.
 */
export function parseRedirect(reply: RespValue): Redirect | null {
  if (reply.kind !== 'error') return null;
  const m = /^(MOVED|ASK) (\d+) (.*):(\d+)$/.exec(reply.value.toString('latin1'));
  if (!m) return null;
  return { ask: m[1] === 'ASK', slot: Number(m[2]), host: m[3]!, port: Number(m[4]) };
}

/** Hops followed for one command before giving up (redis-cli follows forever). */
export const MAX_REDIRECTS = 16;

/** Makes sure there is a connection, as issueCommandRepeat does before each command. */
async function ensureConnected(ctx: ModeContext): Promise<boolean> {
  if (ctx.session.isConnected) return true;
  return ctx.connect();
}

/** Prints the error that ended the connection, as cliPrintContextError does. */
export function printConnectionError(ctx: ModeContext, err: unknown): void {
  for (const line of errorLines(err)) ctx.err(line);
}

/** The `(N.NNs)` line redis-cli prints after a command that took 0.5 s or more (TTY output only). */
export function printElapsed(ctx: ModeContext, ms: number): void {
  if (ms >= 500 && ctx.format.mode === 'tty') ctx.out.write(`(${(ms / 1000).toFixed(2)}s)\n`);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      r();
    }, { once: true });
  });

const ABORTED: unique symbol = Symbol('aborted');

/** Resolves with the reply, or ABORTED once `signal` aborts (Ctrl-C in the REPL). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof ABORTED> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Runs one command `repeat` times (negative: forever) and prints the replies: issueCommandRepeat +
 * cliSendCommand of redis-cli 7.0.15. Returns 'failed' where redis-cli would return an error (the
 * caller picks the exit code). Streams SUBSCRIBE and MONITOR until Ctrl-C or the connection ends.
 */
export async function runCommand(ctx: ModeContext, args: Buffer[], repeat: number): Promise<Outcome> {
  if (isHelp(args)) {
    await ctx.help?.(args.slice(1));
    return 'ok';
  }
  if (!(await ensureConnected(ctx))) return 'failed';
  if (isStreaming(args)) return streamCommand(ctx, args);
  if (startsReplication(args)) return replicaOutput(ctx, args);
  const isShutdown = endsServer(args);
  // Pipeline the repeats when nothing must happen between them...
  const pipelineWindow = ctx.intervalMs === 0 && !ctx.cluster && !isShutdown && repeat !== 1 ? 1024 : 1;
  // ...but first send one alone, its reply printed as it decodes. Pipelined repeats are printed
  // whole and in order, so they are used only when that first reply was a scalar: an aggregate or a
  // large bulk string (which `-r 3 GET big` would hold three times over) keeps one in flight, each
  // streamed, as redis-cli runs repeats.
  let window = 1;
  let streams = true;
  let remaining = repeat;
  const inflight: Array<Promise<RespValue>> = [];
  const printers: Array<PrintingStream | undefined> = [];
  // Sends written to the connection whose reply has not been taken yet. A send on a connection
  // that already failed is rejected without being written and is not counted. Nothing is ever
  // sent again after a failure (at most once): the repeats left are dropped, as in redis-cli.
  let onWire = 0;
  const more = () => remaining < 0 || remaining > 0;
  const gate = gatePushes(ctx);
  try {
    while (more() || inflight.length > 0) {
      while (more() && inflight.length < window) {
        if (remaining > 0) remaining--;
        const printer = streams ? new PrintingStream(ctx) : undefined;
        if (ctx.session.isConnected) onWire++;
        const p = ctx.session.send(args, printer);
        printers.push(printer);
        gate.sent();
        p.catch(() => undefined); // handled when awaited in order
        inflight.push(p);
      }
      const printer = printers.shift();
      const next = await untilAborted(inflight.shift()!, ctx.signal);
      onWire--; // only a written command gets a reply
      if (next === ABORTED) {
        ctx.session.close(); // Ctrl-C on a blocking command: its reply would come on this connection
        return 'ok';
      }
      let reply = next;
      const redirect = ctx.cluster ? parseRedirect(reply) : null;
      if (redirect) {
        const followed = await followRedirect(ctx, args, redirect);
        if (followed === null) return 'failed';
        reply = followed;
      }
      if (ctx.failOnErrorReply && !ctx.interactive && reply.kind === 'error') {
        await ctx.out.flush();
        ctx.err(reply.value.toString('latin1'));
        return 'failed';
      }
      if (printer === undefined || !printer.printed || redirect) printReply(ctx, args, reply);
      if (streams && pipelineWindow > 1 && printer !== undefined && !printer.printed) {
        window = pipelineWindow;
        streams = false;
      }
      gate.done();
      trackState(ctx, args, reply);
      ctx.onReply?.(args, reply);
      if (ctx.intervalMs > 0 && more()) {
        await ctx.out.flush();
        await sleep(ctx.intervalMs, ctx.signal);
        if (ctx.signal?.aborted) return 'ok';
      }
    }
  } catch (err) {
    if (isShutdown && err instanceof IoError) {
      ctx.session.close(); // SHUTDOWN closes the connection: not an error (config.shutdown)
      return 'ok';
    }
    ctx.session.close();
    if (!(err instanceof TredisError)) throw err; // a bug: main prints it
    await ctx.out.flush();
    printConnectionError(ctx, err);
    // The awaited command and those written behind it (after a protocol error, the server does not
    // speak RESP: nothing to count).
    const msg = err instanceof ProtocolError ? undefined : unansweredMessage(onWire, args);
    if (msg !== undefined) ctx.err(msg);
    return isFatalReadError(err) ? 'fatal' : 'failed';
  } finally {
    gate.release();
  }
  return 'ok';
}

/**
 * -c: goes to the node named by MOVED/ASK and sends the command again there (ASKING first for ASK),
 * as issueCommandRepeat does; the session stays on that node afterwards, as redis-cli's does. The
 * "-> Redirected" line is printed when redis-cli prints it (config.interactive: REPL and piped
 * input). Returns null when the node could not be reached (the error is printed).
 */
async function followRedirect(ctx: ModeContext, args: Buffer[], first: Redirect): Promise<RespValue | null> {
  let r = first;
  for (let hops = 1; ; hops++) {
    if (hops > MAX_REDIRECTS) {
      throw new ClusterError(`Error: too many cluster redirects for slot ${r.slot} (${MAX_REDIRECTS} in a row, the last to ${r.host}:${r.port}): the nodes disagree about who serves it`, {
        code: 'EREDIRECT',
        hint: `compare the nodes' slot tables: tredis-cli --cluster check ${r.host}:${r.port}`,
      });
    }
    const host = r.host === '' ? ctx.session.config.host : r.host;
    if (ctx.interactive) ctx.out.write(`-> Redirected to slot [${r.slot}] located at ${host}:${r.port}\n`);
    if (!(await switchNode(ctx, host, r.port))) return null;
    if (r.ask) await ctx.session.send(['ASKING']);
    const reply = await ctx.session.send(args);
    const next = parseRedirect(reply);
    if (!next) return reply;
    r = next;
  }
}

/**
 * Makes the node at host:port the current one: its pooled connection when it has one, else a new
 * connection with that node's own TLS plan (SNI and name check for its announced host name). Like
 * redis-cli's cliConnect after a redirect, the db and MULTI state start afresh.
 */
async function switchNode(ctx: ModeContext, host: string, port: number): Promise<boolean> {
  if (!ctx.nodes) return ctx.moveTo({ host, port });
  ctx.nodes.adopt(ctx.session);
  const next = ctx.nodes.get(host, port);
  ctx.session = next;
  ctx.state.inMulti = false;
  if (next.isConnected) {
    ctx.state.db = next.currentDb;
    return true;
  }
  try {
    await next.connect();
    ctx.state.db = next.currentDb;
    return true;
  } catch (err) {
    await ctx.out.flush();
    printConnectionError(ctx, err);
    if (err instanceof ConnectError && err.code === 'ENOTFOUND') {
      ctx.err(`hint: the cluster announces ${host}, which does not resolve here; --resolve ${host}:${port}:ADDRESS connects to ADDRESS and still checks the certificate against ${host}`);
    }
    return false;
  }
}

/**
 * SYNC/PSYNC typed as a command: the replica output of --replica until the master closes the link
 * (or Ctrl-C); like redis-cli's cliSendCommand it then counts as a failed command, and the next
 * command connects again.
 */
async function replicaOutput(ctx: ModeContext, args: Buffer[]): Promise<Outcome> {
  try {
    await (await import('./replica.js')).runTypedSync(ctx, args, { idleMs: Math.max(10_000, ctx.session.config.timeoutMs) });
  } catch (err) {
    await ctx.out.flush();
    printConnectionError(ctx, err);
  }
  return 'failed';
}

/**
 * SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE and MONITOR: every reply and push is printed as it comes until
 * Ctrl-C (ctx.signal) or the connection ends (7.0.15 behaviour: "Reading messages..." first when the
 * output is not raw).
 */
async function streamCommand(ctx: ModeContext, args: Buffer[]): Promise<Outcome> {
  const isMonitor = isCommand(args[0], 'monitor');
  if (!isMonitor && ctx.format.mode !== 'raw') ctx.out.write('Reading messages... (press Ctrl-C to quit)\n');
  const prev = ctx.onPush;
  let done: (o: Outcome) => void = () => undefined;
  const finished = new Promise<Outcome>((r) => (done = r));
  ctx.onPush = (v) => {
    ctx.out.write(formatReply(v, ctx.format, false));
    void ctx.out.flush();
    if (v.kind === 'error') done('ok'); // e.g. SUBSCRIBE inside MULTI: leave streaming mode
  };
  const onAbort = () => done('ok');
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (isMonitor) {
      const first = await ctx.session.send(args);
      ctx.out.write(formatReply(first, ctx.format, false));
      await ctx.out.flush();
      if (first.kind === 'error') return 'ok';
    } else {
      ctx.session.writeOnly(args);
    }
    const closed = ctx.session.whenClosed().then((): Outcome => 'failed');
    const outcome = await Promise.race([finished, closed]);
    if (outcome === 'failed') {
      await ctx.out.flush();
      printConnectionError(ctx, ctx.session.lastFailure);
    }
    return outcome;
  } catch (err) {
    printConnectionError(ctx, err);
    return 'failed';
  } finally {
    ctx.onPush = prev;
    ctx.signal?.removeEventListener('abort', onAbort);
    // Leaving a streaming command means a fresh connection, as redis-cli reconnects after Ctrl-C.
    ctx.session.close();
  }
}

