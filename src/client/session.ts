import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { commandKey, mayBeSlow, replyAllowanceMs } from '../commands/traits.js';
import { ConnectError, IoError, ProtocolError, ReplyTimeoutError, TlsError, type TredisError } from '../errors.js';
import type { ConnectionConfig } from '../connection/config.js';
import type { TlsPlan } from '../connection/options.js';
import { openTransport, probeTls, describeEndpoint, type TlsSettled, type TransportTimings } from '../connection/transport.js';
import { explainHandshakeError } from '../connection/tls-errors.js';
import { strerror } from '../connection/errno.js';
import { buildHandshakeReport, captureTlsFacts, refreshTlsFacts, type HandshakeReport, type TlsFacts } from '../connection/handshake.js';
import type { TlsProbes } from '../connection/weak-settings.js';
import { RESP_EVENT, RespDecoder } from '../resp/decoder.js';
import { CommandBatch } from '../resp/encoder.js';
import { RESP_TYPE, type RespValue } from '../resp/value.js';

export type CommandArgs = ReadonlyArray<Buffer | string>;

/** The setup commands (AUTH, SELECT, HELLO 3) the session sends after each (re)connect, as redis-cli's cliConnect does. */
export interface SessionSetup {
  user?: string | undefined;
  password?: string | undefined;
  /** Database to SELECT (0 = none). Updated by the modes after a successful SELECT. */
  db: number;
  /**
   * Send HELLO 3 after AUTH and SELECT (-3, --json): on an error reply the session prints
   * `HELLO 3 failed: …` (cliSwitchProto's words) and goes on in RESP2.
   */
  switchToResp3: boolean;
}

export interface SessionTimings extends TransportTimings {
  authMs?: number;
  selectMs?: number;
  helloMs?: number;
  /** From writing the first command after AUTH/SELECT/HELLO to its reply. */
  firstReplyMs?: number;
}

export interface SessionHooks {
  /** RESP3 pushes, and replies that arrive with no request waiting (RESP2 pub/sub, MONITOR). */
  onPush?: ((v: RespValue) => void) | undefined;
  /** One line for stderr (`AUTH failed: …`), as redis-cli prints during connect. */
  onNotice?: ((line: string) => void) | undefined;
  onTlsSettled?: ((s: TlsSettled) => void) | undefined;
  onKeylog?: ((line: Buffer) => void) | undefined;
  /** A connect attempt starts (for --show-handshake: one report per attempt). */
  onConnectStart?: (() => void) | undefined;
  /**
   * Awaited once the transport is open and verified, before AUTH/SELECT/HELLO: --show-handshake
   * makes its probe handshakes (connection/tls-probe.ts) here, so that they are in the report.
   */
  onTransportOpen?: ((t: { address: string; family: number }, session: Session) => Promise<void>) | undefined;
  /** The first reply after AUTH/SELECT/HELLO arrived; called before it is handed to anyone. */
  onFirstReply?: (() => void) | undefined;
  /** A connect attempt failed, or the connection failed; may be called twice for one error. */
  onConnectionFailed?: ((err: unknown) => void) | undefined;
}

interface Pending {
  resolve: (v: RespValue, args: CommandArgs) => void;
  reject: (e: Error, args: CommandArgs) => void;
  stream: ReplyStream | undefined;
  /** The command, for the --reply-timeout message. */
  args: CommandArgs;
  /** --reply-timeout: how long its reply may take once it is the oldest awaited (ms). */
  allowanceMs: number;
}

/**
 * Takes a reply as decoder events while it arrives (a formatter printing it element by element),
 * instead of the session building it whole. Pushes met before the reply are still built whole.
 */
export interface ReplyStream {
  /**
   * The decoder holds the next event of this reply (the first one on the first call): consume it and
   * the following ones (`read()`); return the value `send()` resolves with once the reply is complete,
   * or `undefined` after `read()` returned NONE. It may instead have the reply built whole from its
   * first event (`decoder.adopt()`): the session then finishes it with `next()`. `args`: the command.
   */
  take(decoder: RespDecoder, args: CommandArgs): RespValue | undefined;
  /** Output cannot take more for now: the socket is paused until the promise settles. */
  congestion(): Promise<void> | undefined;
}

/**
 * One connection to one server: commands are written at once and replies matched in order, so many
 * can be in flight. Error replies resolve as values; transport and protocol failures reject.
 */
export class Session {
  readonly config: ConnectionConfig;
  readonly setup: SessionSetup;
  readonly tlsPlan: TlsPlan | undefined;
  private readonly hooks: SessionHooks;
  private socket: Socket | undefined;
  private tlsSocket: TLSSocket | undefined;
  private decoder = new RespDecoder();
  /** The reply at the head of `pending` is being streamed (its stream has taken its first event). */
  private streaming = false;
  private pending: Pending[] = [];
  private head = 0;
  /** Commands written in this tick, encoded into shared slabs; sent to `batchSocket` at the next tick. */
  private readonly batch = new CommandBatch();
  private batchSocket: Socket | undefined;
  private failure: TredisError | undefined;
  private repliesSeen = 0;
  private tlsSession: Buffer | undefined;
  /** The endpoint `tlsSession` belongs to: a session is offered only to the server that issued it. */
  private tlsSessionKey = '';
  private closeWaiters: Array<() => void> = [];
  /** AUTH/SELECT/HELLO are done: the next write is the first command of the user. */
  private setupDone = false;
  private firstWriteAt: bigint | undefined;
  timings: SessionTimings = {};
  /** The protocol actually in use after connect. */
  protocol: 2 | 3 = 2;
  /** The database actually selected (redis-cli's config.dbnum): 0 when SELECT failed. */
  currentDb = 0;
  private silenceTimer: NodeJS.Timeout | undefined;
  private replyTimer: NodeJS.Timeout | undefined;
  /** Number of connects that succeeded (for resumption reports). */
  connects = 0;
  /** The TLS outcome of the latest connect (for --show-handshake and :tls). */
  lastTls: TlsSettled | undefined;
  /**
   * The server chain from the first full handshake: a resumed TLS 1.3 session has no peer
   * certificate in Node, so reports of resumed sessions show this one.
   */
  firstPeerCertificate: import('node:tls').DetailedPeerCertificate | undefined;
  /** What the TLS socket of the latest connect reported, kept after the socket is gone. */
  tlsFacts: TlsFacts | undefined;
  /** What the probe handshakes of the latest connect found (set by the onTransportOpen hook), if they ran. */
  tlsProbes: TlsProbes | undefined;
  /** The address of the latest successful connect. */
  remote: { address: string; family: number } | undefined;

  constructor(config: ConnectionConfig, setup: SessionSetup, hooks: SessionHooks = {}, tlsPlan?: TlsPlan) {
    this.config = config;
    this.setup = setup;
    this.hooks = hooks;
    this.tlsPlan = tlsPlan;
  }

  /**
   * A session to another endpoint that reports to the same hooks and sends the same setup commands
   * (the same setup object: AUTH, db, protocol), or those given: the REPL's `connect HOST PORT
   * [options]` passes its own, so that a password typed for one server never goes to another.
   */
  derive(config: ConnectionConfig, tlsPlan?: TlsPlan, setup: SessionSetup = this.setup): Session {
    return new Session(config, setup, this.hooks, tlsPlan);
  }

  get isConnected(): boolean {
    return this.socket !== undefined && this.failure === undefined;
  }

  /** The TLS socket of the live connection, for reports. */
  get tls(): TLSSocket | undefined {
    return this.tlsSocket;
  }

  get inFlight(): number {
    return this.pending.length - this.head;
  }

  /** Opens the connection and replays AUTH, SELECT and HELLO. Throws ConnectError/TlsError. */
  async connect(): Promise<void> {
    this.close();
    this.failure = undefined;
    this.decoder = new RespDecoder();
    this.streaming = false;
    this.pending = [];
    this.head = 0;
    this.repliesSeen = 0;
    this.setupDone = false;
    clearTimeout(this.silenceTimer);
    this.silenceTimer = undefined;
    this.firstWriteAt = undefined;
    this.lastTls = undefined;
    this.tlsFacts = undefined;
    this.tlsProbes = undefined;
    this.remote = undefined;
    this.timings = {};
    this.hooks.onConnectStart?.();
    // -t bounds the whole connect: resolution, TCP, TLS and AUTH/SELECT/HELLO share one budget.
    const deadline = Date.now() + this.config.timeoutMs;
    try {
      const t = await openTransport(this.config, {
        deadline,
        tlsPlan: this.tlsPlan,
        timings: this.timings,
        onTlsSettled: (st) => {
          this.lastTls = st;
          // Read now: on a verification failure the socket is destroyed right after this call.
          this.tlsFacts = st.socket ? captureTlsFacts(st.socket, st.peerCertificate) : undefined;
          // The chain of the latest full handshake: a resumed session (no peer certificate) shows it.
          if (this.tlsFacts?.peer) this.firstPeerCertificate = this.tlsFacts.peer;
          this.hooks.onTlsSettled?.(st);
        },
        onKeylog: this.hooks.onKeylog,
        session: this.tlsSessionKey === this.endpointKey() ? this.tlsSession : undefined,
        resumedPeerCertificate: this.firstPeerCertificate,
        onSession: (s) => {
          this.tlsSession = s;
          this.tlsSessionKey = this.endpointKey();
        },
      });
      this.socket = t.socket;
      this.tlsSocket = t.tls;
      this.remote = { address: t.address, family: t.family };
      const sock = t.socket;
      sock.on('data', (chunk: Buffer) => this.onData(chunk));
      sock.on('error', (err) => this.onSocketEnd(err));
      sock.on('close', () => this.onSocketEnd(undefined));
      this.connects++;
      this.currentDb = 0;
      await this.hooks.onTransportOpen?.({ address: t.address, family: t.family }, this);
      await this.sendSetupCommandsWithin(Math.max(1, deadline - Date.now()));
      this.setupDone = true;
    } catch (err) {
      this.hooks.onConnectionFailed?.(err);
      throw err;
    }
  }

  private endpointKey(): string {
    return `${this.config.socketPath ?? `${this.config.host}:${this.config.port}`}|${this.config.tls?.sni ?? ''}`;
  }

  /**
   * The latest connect as plain data: timings, TLS facts, chain, verdict (--show-handshake, `:tls`).
   * `error` is the error that ended the attempt, when the session does not hold it.
   */
  handshakeReport(error?: unknown): HandshakeReport {
    return buildHandshakeReport({
      config: this.config,
      tlsPlan: this.tlsPlan,
      settled: this.lastTls,
      facts: this.tlsFacts ? refreshTlsFacts(this.tlsFacts, this.tlsSocket) : undefined,
      firstPeerCertificate: this.firstPeerCertificate,
      timings: this.timings,
      remote: this.remote,
      probes: this.tlsProbes,
      error: error ?? this.failure,
    });
  }

  /** AUTH/SELECT/HELLO are part of connecting: a server that does not answer them times out. */
  private async sendSetupCommandsWithin(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = new ConnectError(`Could not connect to Redis at ${describeEndpoint(this.config)}: no reply to AUTH/SELECT/HELLO within ${this.config.timeoutMs / 1000} s`, {
          code: 'ETIMEDOUT',
          hint: 'check that the port is a Redis server (and --tls matches it); -t SECONDS bounds the whole connect',
        });
        this.fail(e);
        reject(e);
      }, ms);
    });
    try {
      await Promise.race([this.sendSetupCommands(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * AUTH → SELECT → HELLO 3 as redis-cli 7.0.15's cliConnect: a failure prints a notice and skips the
   * later steps (cliConnect returns early), but the connection is kept and commands still run.
   */
  private async sendSetupCommands(): Promise<void> {
    const { user, password, db, switchToResp3 } = this.setup;
    const notice = (l: string) => this.hooks.onNotice?.(l);
    // A reply that cannot be read: cliAuth/cliSelect/cliSwitchProto print "\nI/O error" before the
    // error itself. Explained TLS failures (TlsError) say more on their own.
    const send = async (args: CommandArgs): Promise<RespValue> => {
      try {
        return await this.send(args);
      } catch (err) {
        if (!(err instanceof TlsError) && !(err instanceof ConnectError)) notice("\nI/O error");
        throw err;
      }
    };
    this.protocol = 2;
    if (password !== undefined) {
      const t0 = process.hrtime.bigint();
      const r = await send(user !== undefined ? ['AUTH', user, password] : ['AUTH', password]);
      this.timings.authMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.kind === 'error') {
        notice(`AUTH failed: ${r.value.toString('latin1')}`);
        return;
      }
    }
    if (db !== 0) {
      const t0 = process.hrtime.bigint();
      const r = await send(['SELECT', String(db)]);
      this.timings.selectMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.kind === 'error') {
        notice(`SELECT ${db} failed: ${r.value.toString('latin1')}`);
        return;
      }
      this.currentDb = db;
    }
    if (switchToResp3) {
      const t0 = process.hrtime.bigint();
      const r = await send(['HELLO', '3']);
      this.timings.helloMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.kind === 'error') {
        notice(`HELLO 3 failed: ${r.value.toString('latin1')}`);
      } else {
        this.protocol = 3;
      }
    }
  }

  /**
   * Sends a command; resolves with its reply (error replies included). With `stream`, the reply is
   * handed to it as it decodes and the promise resolves with what `stream.take` returns.
   */
  send(args: CommandArgs, stream?: ReplyStream): Promise<RespValue> {
    return new Promise<RespValue>((resolve, reject) => this.sendWith(args, resolve, reject, stream));
  }

  /**
   * send() without a promise: `onReply` gets the reply, `onError` the failure (called at once when
   * not connected). For long pipelines, where a promise per command is most of the cost.
   */
  sendWith<A extends CommandArgs>(args: A, onReply: (v: RespValue, args: A) => void, onError: (e: Error, args: A) => void, stream?: ReplyStream): void {
    if (this.failure || !this.socket) {
      onError(this.failure ?? new IoError('not connected', { code: 'ENOTCONN' }), args);
      return;
    }
    const allowanceMs = this.setupDone && this.config.replyTimeoutMs !== undefined ? replyAllowanceMs(args, this.config.replyTimeoutMs) : Infinity;
    // The callbacks get the command back, so that a long pipeline can pass the same two functions
    // for every command instead of two closures each (Pending holds `args` as given: it is an A).
    this.pending.push({ resolve: onReply as Pending['resolve'], reject: onError as Pending['reject'], stream, args, allowanceMs });
    this.write(args);
    if (this.inFlight === 1) this.armReplyTimer();
    if (this.setupDone && this.repliesSeen === 0 && this.silenceTimer === undefined && this.config.replyTimeoutMs === undefined && !mayBeSlow(args)) this.watchSilence();
  }

  /**
   * --reply-timeout: the oldest awaited reply must start (or go on) arriving within its allowance,
   * counted from when it became the oldest or from the last bytes received. Re-armed on each change.
   */
  private armReplyTimer(): void {
    clearTimeout(this.replyTimer);
    this.replyTimer = undefined;
    if (this.head >= this.pending.length || this.failure) return;
    const head = this.pending[this.head]!;
    if (!Number.isFinite(head.allowanceMs)) return;
    this.replyTimer = setTimeout(() => {
      const ms = head.allowanceMs;
      const asked = ms - (this.config.replyTimeoutMs ?? 0);
      const name = commandKey(head.args).toUpperCase();
      this.fail(new ReplyTimeoutError(`Error: no reply to ${name} from ${describeEndpoint(this.config)} within ${ms / 1000} s${asked > 0 ? ` (${asked / 1000} s it may block plus --reply-timeout ${(this.config.replyTimeoutMs ?? 0) / 1000})` : ''}`, {
        code: 'EREPLYTIMEOUT',
        hint: 'the server is slow, stuck or not a Redis server; raise --reply-timeout SECONDS (a blocking command gets its own timeout plus this)',
      }));
    }, head.allowanceMs);
  }

  /**
   * redis-cli waits forever for a server that accepted the connection but never answers. Replies may
   * legitimately take long, so this does not fail: it says once, on stderr, that nothing came back.
   */
  private watchSilence(): void {
    const ms = this.config.timeoutMs;
    this.silenceTimer = setTimeout(() => {
      if (this.repliesSeen === 0 && this.isConnected) {
        this.hooks.onNotice?.(`Warning: no reply from ${describeEndpoint(this.config)} after ${ms / 1000} s (is it a Redis server?); still waiting, Ctrl-C to stop`);
      }
    }, ms);
    this.silenceTimer.unref();
  }

  /** Writes a command whose replies come as pushes (SUBSCRIBE in RESP3, MONITOR's stream). */
  writeOnly(args: CommandArgs): void {
    if (this.failure || !this.socket) throw this.failure ?? new IoError('not connected', { code: 'ENOTCONN' });
    this.write(args);
  }

  /** Writes pre-encoded protocol bytes (--pipe). */
  writeRaw(chunk: Buffer): boolean {
    if (this.setupDone && this.firstWriteAt === undefined) this.firstWriteAt = process.hrtime.bigint();
    this.sendBatch(); // commands written before these bytes go first
    return this.socket?.write(chunk) ?? false;
  }

  private write(args: CommandArgs): void {
    if (this.setupDone && this.firstWriteAt === undefined) this.firstWriteAt = process.hrtime.bigint();
    // The commands of one tick go out together: encoded back to back into shared slabs (no
    // allocation per command) and written as a few large chunks, in one syscall when they fit.
    if (this.batchSocket === undefined) {
      this.batchSocket = this.socket!;
      process.nextTick(this.sendBatch);
    }
    this.batch.add(args);
  }

  /** Writes the commands batched in this tick to the socket they were written for. */
  private readonly sendBatch = (): void => {
    const sock = this.batchSocket;
    if (sock === undefined) return;
    this.batchSocket = undefined;
    const chunks = this.batch.take();
    // A socket closed or replaced since: its commands were already rejected.
    if (sock !== this.socket || chunks.length === 0) return;
    if (chunks.length === 1) {
      sock.write(chunks[0]!);
      return;
    }
    sock.cork();
    for (const c of chunks) sock.write(c);
    sock.uncork();
  };

  /** Resolves when the socket's write buffer has drained (backpressure for long pipelines). */
  drain(): Promise<void> {
    const s = this.socket;
    if (!s || !s.writableNeedDrain) return Promise.resolve();
    return new Promise((r) => s.once('drain', () => r()));
  }

  private onData(chunk: Buffer): void {
    if (this.silenceTimer !== undefined && this.repliesSeen === 0) {
      clearTimeout(this.silenceTimer);
    }
    if (this.failure) return;
    try {
      this.decoder.feed(chunk);
      this.decode();
      if (this.replyTimer !== undefined || this.inFlight > 0) this.armReplyTimer(); // bytes came: progress
    } catch (err) {
      if (err instanceof ProtocolError) {
        // redis-cli prints hiredis' errstr through cliPrintContextError: "Error: Protocol error, ...".
        this.fail(new ProtocolError(`Error: ${err.message}`, err.hint));
        this.socket?.destroy();
      } else {
        throw err;
      }
    }
  }

  /** Hands every complete reply (or streamed event) in the decoder to its taker. */
  private decode(): void {
    const d = this.decoder;
    let used: ReplyStream | undefined;
    for (;;) {
      const stream = this.head < this.pending.length ? this.pending[this.head]!.stream : undefined;
      let v: RespValue | undefined;
      if (stream === undefined || d.isBuilding) {
        v = d.next();
        if (v !== undefined) this.streaming = false; // a reply the stream had built whole (adopt) is complete
      } else {
        if (d.read() === RESP_EVENT.NONE) break;
        if (!this.streaming && d.event === RESP_EVENT.AGGREGATE && d.type === RESP_TYPE.PUSH && d.depth === 1) {
          // an out-of-band push before the reply: built whole, as without a stream
          v = d.adopt();
          if (v === undefined) continue;
        } else {
          this.streaming = true;
          used = stream;
          v = stream.take(d, this.pending[this.head]!.args);
          if (v !== undefined) this.streaming = false;
        }
      }
      if (v === undefined) break;
      this.dispatch(v);
    }
    // backpressure: stdout is full, so stop reading the socket until it drains
    const wait = used?.congestion();
    const sock = this.socket;
    if (wait !== undefined && sock !== undefined) {
      sock.pause();
      void wait.then(() => {
        if (this.socket === sock) sock.resume();
      });
    }
  }

  private dispatch(v: RespValue): void {
    this.repliesSeen++;
    if (this.firstWriteAt !== undefined && this.timings.firstReplyMs === undefined) {
      this.timings.firstReplyMs = Number(process.hrtime.bigint() - this.firstWriteAt) / 1e6;
      this.hooks.onFirstReply?.();
    }
    if (v.kind === 'push' || this.head === this.pending.length) {
      this.hooks.onPush?.(v);
      return;
    }
    const p = this.pending[this.head]!;
    this.pending[this.head++] = undefined as unknown as Pending;
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    p.resolve(v, p.args);
  }

  private onSocketEnd(err: Error | undefined): void {
    if (this.failure) return;
    if (!this.socket) return;
    const e = err as NodeJS.ErrnoException | undefined;
    const noReplyYet = this.repliesSeen === 0;
    // hiredis wording: EOF is "Server closed the connection", errno errors are strerror().
    const base = e?.code === 'ECONNRESET' ? 'Connection reset by peer' : e?.code === 'EPIPE' ? 'Broken pipe' : e && !e.code?.startsWith('ERR_SSL') ? strerror(e) : 'Server closed the connection';
    if (this.tlsSocket && noReplyYet) {
      const ex = e ? explainHandshakeError(e, 'first-read') : undefined;
      if (ex && ex.code !== 'TLS_RESET_AFTER_HANDSHAKE') {
        this.fail(new TlsError(`Error: TLS ${ex.code === 'CLIENT_CERT_REQUIRED' || ex.code === 'CLIENT_CERT_REJECTED' ? 'client authentication' : 'connection'} failed: ${ex.reason}`, { code: ex.code, hint: ex.hint, cause: err }));
        return;
      }
      // A bare close or reset before the first reply, with no TLS alert: a server dropping a client
      // it does not trust, or just a close (killed, CLIENT KILL, timeout during BLPOP): keep
      // redis-cli's words and only suggest the client certificate.
      this.fail(new IoError(`Error: ${base}`, {
        code: e?.code ?? 'EOF',
        hint: 'the server closed the TLS connection before its first reply; if it requires client certificates (tls-auth-clients), pass --cert FILE and --key FILE',
        cause: err,
      }));
      return;
    }
    if (!this.tlsSocket && noReplyYet && this.config.tls === undefined) {
      // A plaintext client at a TLS port is dropped at once: find out, to say "add --tls".
      const pendingFail = new IoError(`Error: ${base}`, { code: e?.code ?? 'EOF', cause: err });
      this.failure = pendingFail;
      void probeTls(this.config).then((isTls) => {
        const f = isTls
          ? new IoError(`Error: ${base}`, { code: 'NEEDS_TLS', hint: `${describeEndpoint(this.config)} speaks TLS: add --tls (with --cacert FILE, or --insecure)`, cause: err })
          : pendingFail;
        this.failure = undefined;
        this.fail(f);
      });
      return;
    }
    this.fail(new IoError(`Error: ${base}`, { code: e?.code ?? 'EOF', cause: err }));
  }

  /** Resolves when the current connection ends (failure or close). */
  whenClosed(): Promise<void> {
    if (!this.isConnected) return Promise.resolve();
    return new Promise((r) => this.closeWaiters.push(r));
  }

  private notifyClosed(): void {
    const w = this.closeWaiters;
    this.closeWaiters = [];
    for (const r of w) r();
  }

  private fail(err: TredisError): void {
    this.failure = err;
    clearTimeout(this.replyTimer);
    this.replyTimer = undefined;
    this.streaming = false;
    this.hooks.onConnectionFailed?.(err);
    this.notifyClosed();
    const pend = this.pending.slice(this.head);
    this.pending = [];
    this.head = 0;
    for (const p of pend) p.reject(err, p.args);
    this.socket?.destroy();
  }

  /** The error that ended the connection, if any. */
  get lastFailure(): TredisError | undefined {
    return this.failure;
  }

  /**
   * Hands the live socket over to the caller, which reads it from now on (SYNC for --rdb and
   * --replica: the RDB payload that follows is not RESP). Only between replies: nothing may be in
   * flight or buffered. The session is left disconnected.
   */
  detach(): Socket {
    const s = this.socket;
    if (!s || this.failure) throw this.failure ?? new IoError('not connected', { code: 'ENOTCONN' });
    if (this.inFlight > 0 || this.decoder.bufferedBytes > 0) throw new Error('Session.detach: replies still pending');
    clearTimeout(this.silenceTimer);
    clearTimeout(this.replyTimer);
    this.replyTimer = undefined;
    s.removeAllListeners('data');
    s.removeAllListeners('error');
    s.removeAllListeners('close');
    this.socket = undefined;
    this.tlsSocket = undefined;
    this.notifyClosed();
    return s;
  }

  /** Closes the connection; pending commands are rejected. */
  close(): void {
    clearTimeout(this.replyTimer);
    this.replyTimer = undefined;
    const s = this.socket;
    this.socket = undefined;
    this.tlsSocket = undefined;
    if (s) {
      s.removeAllListeners('data');
      s.destroy();
    }
    const pend = this.pending.slice(this.head);
    this.pending = [];
    this.head = 0;
    for (const p of pend) p.reject(new IoError('connection closed', { code: 'ECLOSED' }), p.args);
    this.notifyClosed();
  }
}
