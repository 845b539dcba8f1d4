import { existsSync, openSync, readFileSync, readdirSync, statSync, writeSync } from 'node:fs';
import type { Interface as ReadlineInterface } from 'node:readline';
import { NodePool } from '../client/node-pool.js';
import { Session, type SessionSetup } from '../client/session.js';
import { isHelp } from '../commands/traits.js';
import type { ConnectionConfig } from '../connection/config.js';
import { planTls, type FileReader, type Target, type TlsPlan } from '../connection/options.js';
import { errorLines, IoError, TlsError, TredisError, UsageError } from '../errors.js';
import type { ModeContext } from '../modes/context.js';
import { runOneShot } from '../modes/oneshot.js';
import { runStdin } from '../modes/stdin.js';
import { isFatalReadError, printConnectionError } from '../modes/execute.js';
import { formatPush } from '../format/reply.js';
import { parseArgs, type Flags } from './args.js';
import { buildConfig, type RunConfig } from './config.js';
import { StreamSink } from './output.js';
import { usageText, versionLine } from './usage.js';
import { askSecret, readAllStdin } from './prompt.js';
import { createHandshakeReporter } from './show-handshake.js';
import { SPECIAL_MODES, type SpecialMode } from './special-modes.js';

const nodeFs: FileReader = {
  readFile: (p) => readFileSync(p),
  readDir: (p) => readdirSync(p),
  exists: (p) => existsSync(p),
  mode: (p) => {
    try {
      return statSync(p).mode & 0o777;
    } catch {
      return undefined;
    }
  },
};

/** Before there is a mode context (bad flags, a plan that cannot be made): straight to stderr. */
function printError(err: unknown): void {
  for (const line of errorLines(err)) process.stderr.write(`${line}\n`);
}

/** A failed connect, once there is a context: stdout flushed first, so that `2>&1` keeps the order. */
async function reportFailure(ctx: ModeContext, err: unknown): Promise<void> {
  await ctx.out.flush();
  printConnectionError(ctx, err);
}

/**
 * `help …` for one-shot and piped modes. The command table (~100 KB of the bundle) is loaded on the
 * first `help` only, so that ordinary commands do not pay for parsing it at start-up.
 */
function lazyHelp(ctx: ModeContext, out: StreamSink): (args: Buffer[]) => Promise<void> {
  let help: ((args: Buffer[]) => Promise<void>) | undefined;
  return async (args) => {
    help ??= (await import('../repl/help-table.js')).makeHelp(() => ctx.session, (t) => out.write(t));
    await help(args);
  };
}

/** Warnings already printed: a plan is made again at every `connect` and redirect. */
const warned = new Set<string>();

/**
 * The TLS plan of one connection (planTls: SNI, name verified, identity), asking for a key
 * passphrase once when the key is encrypted. `lendTerminal` gives the terminal to the question
 * (the REPL's line editor steps aside).
 */
async function makeTlsPlan(conn: ConnectionConfig, lendTerminal?: ModeContext['lendTerminal']): Promise<TlsPlan | undefined> {
  const tls = conn.tls;
  try {
    return planFor(conn);
  } catch (err) {
    // Asked once, masked, on a terminal only; a wrong answer fails at connect (BAD_PASSPHRASE), never re-asks.
    if (!(tls && err instanceof TredisError && err.code === 'TLS_KEY_ENCRYPTED' && process.stdin.isTTY)) throw err;
    const question = tls.p12 !== undefined ? `Enter password for ${tls.p12}: ` : `Enter PEM pass phrase for ${tls.key}: `;
    const ask = () => askSecret(question);
    tls.keyPassphrase = await (lendTerminal ? lendTerminal(ask) : ask());
    return planFor(conn);
  }
}

/** planTls for a connection's own target, printing each warning once. */
function planFor(conn: ConnectionConfig): TlsPlan | undefined {
  if (!conn.tls) return undefined;
  const made = planTls(conn, conn.tls, process.env, nodeFs);
  for (const w of made.warnings) {
    if (!warned.has(w)) process.stderr.write(`${w}\n`);
    warned.add(w);
  }
  return made;
}

/**
 * Opens the TLS key log (--tls-keylog or SSLKEYLOGFILE) for appending, mode 0600, before any
 * connection: a path that cannot be written is an error now, not a crash at the first handshake.
 */
function openKeylog(path: string, fromEnv: boolean): (line: Buffer) => void {
  let fd: number;
  try {
    fd = openSync(path, 'a', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    throw new TlsError(`Could not open the TLS key log ${path}${fromEnv ? ' (SSLKEYLOGFILE)' : ''}: ${why}`, {
      code: 'TLS_FILE',
      hint: fromEnv ? 'unset SSLKEYLOGFILE, or point it at a file that can be written' : 'give --tls-keylog a file in a folder that exists and can be written',
      cause: err,
    });
  }
  return (line) => void writeSync(fd, line);
}

/** The connection settings of a target: the current ones with another host and port (piped `connect`, -c). */
function retarget(conn: ConnectionConfig, target: Target): ConnectionConfig {
  return { ...conn, host: target.host, port: target.port, socketPath: target.socketPath };
}

/** Connects the session and resets the prompt state; the error, if it failed. */
async function tryConnect(ctx: ModeContext): Promise<unknown> {
  try {
    await ctx.session.connect();
    ctx.state.db = ctx.session.currentDb;
    ctx.state.inMulti = false;
    return undefined;
  } catch (e) {
    return e ?? new Error('connect failed');
  }
}

/**
 * The connect at start (cliConnect). Failures are printed and give 'failed', except a reply that
 * could not be read during AUTH, SELECT or HELLO: redis-cli prints only "\nI/O error" there (the
 * session does) and keeps the broken connection, so the first command reconnects and reports the
 * error ('quiet'), or, for a protocol error (`broken`), reports it and exits 1.
 */
async function connectAtStart(ctx: ModeContext): Promise<'ok' | 'failed' | 'quiet' | { broken: unknown }> {
  const e = await tryConnect(ctx);
  if (e === undefined) return 'ok';
  if (isFatalReadError(e)) return { broken: e };
  if (e instanceof IoError && e.hint === undefined) return 'quiet';
  await reportFailure(ctx, e);
  return 'failed';
}

/** The program: parse, connect, run the chosen mode, set the exit code. Only place that reads process.* */
export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(141); // like redis-cli killed by SIGPIPE under `| head`
    throw err;
  });
  try {
    process.exitCode = await run(argv);
  } catch (err) {
    printError(err);
    process.exitCode = err instanceof TredisError ? err.exitCode : 1;
  }
}

async function run(argv: string[]): Promise<number> {
  const { flags, command, warnings } = parseArgs(argv);
  for (const w of warnings) process.stderr.write(`${w}\n`);
  if (flags.help) {
    process.stdout.write(usageText());
    return 0;
  }
  if (flags.version) {
    process.stdout.write(versionLine());
    return 0;
  }
  if (flags.unsupported) {
    throw new UsageError(`tredis-cli: ${flags.unsupported} is not supported yet (use redis-cli for it)`);
  }
  const cfg = buildConfig(flags, process.env, process.stdout.isTTY === true);
  if (flags.askpass) {
    cfg.setup.password = await askSecret('Please input password: ');
  }
  // What the command line authenticates with (a typed AUTH changes cfg.setup, not this).
  const startAuth = { user: cfg.setup.user, password: cfg.setup.password };
  if (flags.keyPassEnv !== undefined && cfg.connection.tls) {
    const v = process.env[flags.keyPassEnv];
    if (v === undefined) throw new UsageError(`--key-pass-env ${flags.keyPassEnv}: that environment variable is not set`);
    cfg.connection.tls.keyPassphrase = v;
  }
  const tlsPlan = await makeTlsPlan(cfg.connection);
  if (flags.clusterCommand) return runCluster(flags, cfg);
  const handshake = await createHandshakeReporter({ mode: flags.showHandshake, stderr: process.stderr, preloadTable: command.length === 0 && process.stdin.isTTY === true });
  const out = new StreamSink(process.stdout);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const keylog = cfg.connection.tls?.keylogFile;
  const writeKeylog = keylog !== undefined ? openKeylog(keylog, flags.tlsKeylog === undefined) : undefined;
  const ctx: ModeContext = {
    session: undefined as unknown as Session,
    format: cfg.format,
    showPushes: cfg.showPushes,
    out,
    err,
    interactive: command.length === 0,
    cluster: flags.cluster,
    failOnErrorReply: flags.failOnErrorReply,
    intervalMs: flags.intervalSec * 1000,
    state: { db: 0, inMulti: false, preMultiDb: 0 },
    onPush: (v) => {
      if (ctx.showPushes) out.write(formatPush(v, ctx.format));
    },
    connect: async () => {
      const e = await tryConnect(ctx);
      if (e === undefined) return true;
      await reportFailure(ctx, e);
      return false;
    },
    // The one way to another server: a TLS plan made for the new target, a new session, connect.
    // The new server is asked for the credentials of the command line (or of `connect`'s own
    // options), never for a password typed with AUTH for the old one (redis-cli keeps no typed AUTH
    // either); the database and protocol carry over, as in redis-cli.
    moveTo: async (target, words) => {
      let next: Session;
      try {
        const moved = words === undefined ? { connection: retarget(ctx.session.config, target), auth: startAuth } : connectionFromWords(target, words);
        const conn = moved.connection;
        next = ctx.session.derive(conn, await makeTlsPlan(conn, ctx.lendTerminal), { ...ctx.session.setup, ...moved.auth });
      } catch (e) {
        await reportFailure(ctx, e);
        return false;
      }
      ctx.session.close();
      ctx.session = next;
      return ctx.connect();
    },
  };
  // `connect HOST PORT [OPTIONS]` in the REPL: the words read as options after the original ones,
  // so TLS settings carry over; a unix socket is left unless -s is given again.
  const connectionFromWords = (target: Target, extra: string[]): { connection: ConnectionConfig; auth: Pick<SessionSetup, 'user' | 'password'> } => {
    const words = ['-h', target.host, '-p', String(target.port), ...extra];
    const p = parseArgs([...argv, ...words]);
    if (p.command.length > 0) throw new UsageError(`connect: unexpected argument '${p.command[0]}'`);
    const built = buildConfig(p.flags, process.env, process.stdout.isTTY === true);
    const c = built.connection;
    // -a/--user among `connect`'s options apply; otherwise those of the command line (or --askpass's answer)
    const auth = extra.some((w) => /^(-a|--pass|--user|-u)$/.test(w)) ? { user: built.setup.user, password: built.setup.password } : startAuth;
    if (!extra.includes('-s')) c.socketPath = undefined;
    const was = ctx.session.config.tls;
    if (c.tls && was && c.tls.key === was.key && c.tls.p12 === was.p12) c.tls.keyPassphrase ??= was.keyPassphrase;
    if (c.tls && p.flags.keyPassEnv !== undefined) c.tls.keyPassphrase = process.env[p.flags.keyPassEnv];
    return { connection: c, auth };
  };
  const handshakeHooks = handshake.hooks(() => ctx.session);
  ctx.session = new Session(cfg.connection, cfg.setup, {
    onPush: (v) => ctx.onPush(v),
    onNotice: err,
    ...handshakeHooks,
    onTlsSettled: handshakeHooks.onTlsSettled,
    onKeylog: writeKeylog,
  }, tlsPlan);
  if (flags.cluster) {
    // -c: each node gets its own connection and TLS plan (SNI and name check for the host name it
    // announces), made from the same flags, client certificate and AUTH as the first one.
    ctx.nodes = new NodePool((host, port) => {
      const connection = retarget(ctx.session.config, { host, port });
      return ctx.session.derive(connection, planFor(connection));
    });
  }
  try {
    return await runMode(ctx, out, { flags, command });
  } finally {
    ctx.nodes?.closeAll();
  }
}

/** Runs the one-shot command, the REPL or piped input on a prepared context. */
async function runMode(ctx: ModeContext, out: StreamSink, { flags, command }: { flags: Flags; command: string[] }): Promise<number> {
  const special = SPECIAL_MODES.find((m) => m.active(flags));
  if (special) return runSpecial(special, ctx, out, flags, command);
  if (command.length > 0) {
    // `help …` needs no server: redis-cli 7.0.15 prints it without connecting.
    if (!isHelp(command)) {
      const start = await connectAtStart(ctx);
      if (start === 'failed') return 1;
      if (typeof start === 'object') {
        printConnectionError(ctx, start.broken);
        return 1;
      }
    }
    ctx.help = lazyHelp(ctx, out);
    const code = await runOneShot(ctx, {
      words: command,
      quotedInput: flags.quotedInput,
      stdinLastArg: flags.stdinLastArg,
      stdinTag: flags.stdinTag,
      repeat: flags.repeat,
      readStdin: () => readAllStdin(process.stdin),
    });
    await out.flush();
    ctx.session.close();
    return code;
  }
  if (process.stdin.isTTY) {
    const { runRepl } = await import('../repl/repl.js').catch(() => ({ runRepl: undefined }));
    if (runRepl) {
      return await runRepl(ctx, { confirm: !flags.noConfirm });
    }
  }
  // Piped commands: redis-cli tries to connect once up front, reports, and goes on regardless.
  // A long pipeline keeps a window of commands in flight at every scavenge, which makes V8 grow the
  // young generation step by step to 16 MiB; a small young space costs nothing measurable here (npm
  // run bench, "SET lines piped on stdin": about 8 MiB less peak RSS, same time), so it stays small.
  (await import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');
  ctx.help = lazyHelp(ctx, out);
  const start = await connectAtStart(ctx);
  const brokenBy = typeof start === 'object' ? start.broken : undefined;
  const code = await runStdin(ctx, process.stdin, {
    brokenBy,
    onConnect: async (host, port) => void (await ctx.moveTo({ host, port })),
  });
  await out.flush();
  ctx.session.close();
  return code;
}

/** A mode chosen by a flag (--rdb, --stat, ...): connect as cliConnect(0) does (exit 1 on failure), then run it. */
async function runSpecial(mode: SpecialMode, ctx: ModeContext, out: StreamSink, flags: Flags, command: string[]): Promise<number> {
  if (mode.connects !== false) {
    const start = await connectAtStart(ctx);
    if (start === 'failed') return 1;
    if (typeof start === 'object') {
      printConnectionError(ctx, start.broken);
      return 1;
    }
  }
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  if (mode.stopsOnSigint) {
    ctx.signal = stop.signal;
    process.on('SIGINT', onSigint);
  }
  try {
    return await mode.run(ctx, flags, command, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, readFile: (p) => readFileSync(p) });
  } finally {
    process.off('SIGINT', onSigint);
    await out.flush();
    ctx.session.close();
  }
}

/**
 * --cluster: the cluster manager (loaded on demand). Every node gets a session of its own: the
 * address from CLUSTER NODES, AUTH as given, and over TLS the same client certificate with SNI and
 * the name check for the host name the node announces (its address when it announces none).
 */
async function runCluster(flags: Flags, cfg: RunConfig): Promise<number> {
  const { runClusterManager } = await import('../modes/cluster/run.js');
  const { defaultClusterOptions } = await import('../modes/cluster/manager.js');
  const out = new StreamSink(process.stdout);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const setup = { user: cfg.setup.user, password: cfg.setup.password, db: 0, switchToResp3: false };
  // mirrors main(): --cluster-from-askpass asks before anything connects
  if (flags.clusterOpts.fromAskpass) flags.clusterOpts.fromPass = await askSecret('Please input import source node password: ');
  const stdinLines = new StdinLines();
  let sigint: (() => void) | undefined;
  try {
    return await runClusterManager({ ...flags.clusterCommand!, opts: { ...defaultClusterOptions(), ...flags.clusterOpts } }, {
      out,
      err,
      color: (process.env.TERM ?? '').includes('xterm'),
      isTty: process.stdout.isTTY === true,
      tls: cfg.connection.tls !== undefined,
      json: flags.output === 'json',
      handshakeJson: flags.showHandshake === 'json',
      session: (ip, port, hostname, o) => {
        const connection = retarget(cfg.connection, { host: ip, port });
        return new Session(connection, o?.noAuth ? { db: 0, switchToResp3: false } : setup, { onNotice: err }, planFor({ ...connection, host: hostname ?? ip }));
      },
      auth: { user: cfg.setup.user, password: cfg.setup.password },
      readLine: () => stdinLines.next(),
      progress: process.stderr.isTTY ? (line) => process.stderr.write(`\r\x1b[K${line}`) : undefined,
      onInterrupt: (handler) => {
        if (sigint) process.off('SIGINT', sigint);
        sigint = handler;
        if (handler) process.on('SIGINT', handler);
      },
      ask: async (question) => {
        // mirrors confirmWithYes: the first bytes read from stdin must be "yes"
        out.write(`${question} (type 'yes' to accept): `);
        await out.flush();
        return (await readLineFromStdin()).slice(0, 3) === 'yes';
      },
    }, { mbDelim: cfg.format.mbDelim });
  } finally {
    if (sigint) process.off('SIGINT', sigint);
    stdinLines.close();
    await out.flush();
  }
}

/** stdin read line by line on demand (reshard's questions); null once it has ended. */
class StdinLines {
  private rl: ReadlineInterface | undefined;
  private lines: AsyncIterator<string> | undefined;

  async next(): Promise<string | null> {
    if (!this.lines) {
      // node:readline is loaded only here: a one-shot command does not pay for it at start-up
      const { createInterface } = await import('node:readline');
      this.rl = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
      this.lines = this.rl[Symbol.asyncIterator]();
    }
    const r = await this.lines.next();
    return r.done ? null : r.value;
  }

  close(): void {
    this.rl?.close();
  }
}

/** One read from stdin (a line typed on a terminal), '' at end of input. */
function readLineFromStdin(): Promise<string> {
  return new Promise((resolve) => {
    const done = (chunk?: Buffer) => {
      process.stdin.off('data', done);
      process.stdin.off('end', done);
      process.stdin.pause();
      resolve(chunk ? chunk.toString('latin1') : '');
    };
    process.stdin.on('data', done);
    process.stdin.on('end', done);
    process.stdin.resume();
  });
}
