import { isIP, Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect, checkServerIdentity, createSecureContext, type PeerCertificate, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { ConnectError, TlsError } from '../errors.js';
import type { ConnectionConfig } from './config.js';
import type { TlsPlan } from './options.js';
import { strerror } from './errno.js';
import { spkiSha256 } from './spki.js';
import { explainContextError, explainHandshakeError, explainHostMismatch, explainVerifyError, type TlsExplanation } from './tls-errors.js';

/** Milliseconds spent in each step of opening the connection. */
export interface TransportTimings {
  resolveMs?: number;
  connectMs?: number;
  tlsMs?: number;
}

/** What happened in the TLS part of `openTransport`, successful or not, for `--show-handshake`. */
export interface TlsSettled {
  socket: TLSSocket | undefined;
  plan: TlsPlan;
  address: string;
  family: number;
  timings: TransportTimings;
  /** Verification result: `null` when all checks passed (or were skipped by flags). */
  failure: TlsExplanation | null;
  /** The host name check, when it ran. */
  hostCheck: { name: string; matched: boolean; error?: string } | null;
  /** --pin-sha256 check, when asked for. */
  pinCheck: { expected: string[]; actual: string; matched: boolean } | null;
  /**
   * What `getPeerCertificate(true)` returned after the handshake (empty for a resumed session), so
   * that the caller need not build the chain's objects again (~0.6 ms each time).
   */
  peerCertificate?: PeerCertificate | undefined;
}

export interface Transport {
  socket: Socket;
  tls: TLSSocket | undefined;
  address: string;
  family: number;
  timings: TransportTimings;
}

export interface OpenOptions {
  /** The TLS plan from `planTls`; required when `config.tls` is set. */
  tlsPlan?: TlsPlan | undefined;
  /** Called once the TLS outcome is known, before any error is thrown (the socket is still open). */
  onTlsSettled?: ((s: TlsSettled) => void) | undefined;
  /** Extra tls.connect options (session for resumption, keylog). */
  session?: Buffer | undefined;
  onKeylog?: ((line: Buffer) => void) | undefined;
  onSession?: ((session: Buffer) => void) | undefined;
  /**
   * The peer certificate of the handshake that created `session`: a resumed TLS session has no peer
   * certificate in Node, so the host name and pin checks use this one.
   */
  resumedPeerCertificate?: PeerCertificate | undefined;
  /** Filled in step by step, so that the caller still has the timings when opening fails. */
  timings?: TransportTimings | undefined;
  /**
   * When the whole connect must be over (`Date.now()` ms): -t bounds name resolution, TCP over every
   * address and TLS together, and the session spends what is left on AUTH/SELECT/HELLO. Default:
   * `config.timeoutMs` from now.
   */
  deadline?: number | undefined;
  /** Name resolution (default: node:dns lookup, i.e. getaddrinfo). Injected by tests. */
  lookup?: HostLookup | undefined;
}

/** Resolves a host name to all its addresses, in the resolver's order. */
export type HostLookup = (host: string) => Promise<Array<{ address: string; family: number }>>;

/** What is left of the connect budget, in ms (at least 1: a timer of 0 would not time out first). */
function remaining(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}

/** `host:port`, or the socket path, as redis-cli prints it in connect errors. */
export function describeEndpoint(cfg: ConnectionConfig): string {
  return cfg.socketPath !== undefined ? cfg.socketPath : `${cfg.host}:${cfg.port}`;
}

function connectPrefix(cfg: ConnectionConfig): string {
  return `Could not connect to Redis at ${describeEndpoint(cfg)}: `;
}

function elapsed(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const systemLookup: HostLookup = async (host) => {
  // Loaded here, not at start: node:dns/promises sets up a resolver that an IP address never needs.
  const { lookup } = await import('node:dns/promises');
  return lookup(host, { all: true, verbatim: true });
};

/**
 * Resolves a host name to addresses, IPv4 first as hiredis does (IPv6 first with -6), within `ms`:
 * getaddrinfo cannot be cancelled, so the answer is raced with a timer and a late one is dropped
 * (redis-cli waits as long as the resolver does).
 */
async function resolve(host: string, prefer: 4 | 6, ms: number, lookup: HostLookup): Promise<Array<{ address: string; family: number }>> {
  if (isIP(host) !== 0) return [{ address: host, family: isIP(host) }];
  // getaddrinfo("") fails with EAI_NONAME; Node's lookup('') instead warns (DEP0118) and returns [].
  if (host === '') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`timed out resolving ${host}`), { code: 'ERESOLVETIMEOUT' })), ms);
  });
  const answer = lookup(host);
  answer.catch(() => undefined); // a failure after the timeout is not reported twice
  try {
    const all = await Promise.race([answer, late]);
    if (all.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return orderByFamily(all, prefer);
  } finally {
    clearTimeout(timer);
  }
}

/** The addresses of `prefer` first, each family in the resolver's order (-4 / -6). */
export function orderByFamily<T extends { family: number }>(addrs: readonly T[], prefer: 4 | 6): T[] {
  const other = prefer === 4 ? 6 : 4;
  return [...addrs.filter((a) => a.family === prefer), ...addrs.filter((a) => a.family === other)];
}

function tcpConnect(opts: { host: string; port: number; family: number } | { path: string }, timeoutMs: number): Promise<Socket> {
  return new Promise((resolveP, reject) => {
    // hiredis stores the port in 16 bits (htons): out-of-range values wrap the same way.
    const sock = 'path' in opts ? netConnect({ path: opts.path }) : netConnect({ host: opts.host, port: opts.port & 0xffff, family: opts.family });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(Object.assign(new Error('Connection timed out'), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      resolveP(sock);
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      sock.destroy();
      reject(err);
    });
  });
}

/**
 * Asks the port a plaintext PING: true when it answers like Redis (`+PONG`, `-NOAUTH`…). Used to
 * tell "--tls against a plaintext port" apart from a slow server. Aborting `signal` drops the probe
 * at once (even mid-connect) and resolves false.
 */
export function probePlaintext(host: string, port: number, timeoutMs = 1000, socketPath?: string, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((res) => {
    const sock = socketPath !== undefined ? netConnect({ path: socketPath }) : netConnect({ host, port: port & 0xffff, family: isIP(host) || 4 });
    const done = (v: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      res(v);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d: Buffer) => done(d.length > 0 && [0x2b, 0x2d, 0x24, 0x2a, 0x25, 0x3e].includes(d[0]!)));
    sock.once('error', () => done(false));
    sock.once('close', () => done(false));
  });
}

/** True when the endpoint completes (or starts) a TLS handshake: "add --tls". */
export async function probeTls(cfg: ConnectionConfig, timeoutMs = 1000): Promise<boolean> {
  return await new Promise<boolean>((res) => {
    const sock = cfg.socketPath !== undefined
      ? tlsConnect({ path: cfg.socketPath, rejectUnauthorized: false })
      : tlsConnect({ host: cfg.host, port: cfg.port, rejectUnauthorized: false, servername: isIP(cfg.host) ? undefined : cfg.host });
    const done = (v: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      res(v);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('secureConnect', () => done(true));
    // An alert from the server (e.g. it wants a client certificate) still proves it speaks TLS.
    sock.once('error', (err: NodeJS.ErrnoException) => done(/ALERT|SSL_/.test(err.code ?? '') && !/WRONG_VERSION|PACKET_LENGTH/.test(err.code ?? '')));
  });
}


/**
 * Opens a TCP (or unix) connection and, when configured, a verified TLS session over it. Name
 * resolution, TCP (over every address) and the handshake share one budget, `config.timeoutMs` (-t),
 * ending at `opts.deadline`. Throws ConnectError or TlsError with redis-cli's
 * wording first and a hint.
 */
export async function openTransport(cfg: ConnectionConfig, opts: OpenOptions = {}): Promise<Transport> {
  const timings: TransportTimings = opts.timings ?? {};
  const deadline = opts.deadline ?? Date.now() + cfg.timeoutMs;
  let raw: Socket;
  let address = cfg.socketPath ?? cfg.host;
  let family = 0;
  if (cfg.socketPath !== undefined) {
    const t0 = process.hrtime.bigint();
    try {
      raw = await tcpConnect({ path: cfg.socketPath }, remaining(deadline));
    } catch (err) {
      throw new ConnectError(connectPrefix(cfg) + strerror(err), { code: (err as NodeJS.ErrnoException).code ?? 'ECONNECT', cause: err });
    }
    timings.connectMs = elapsed(t0);
  } else {
    const t0 = process.hrtime.bigint();
    let addrs: Array<{ address: string; family: number }>;
    try {
      // hiredis passes the port to getaddrinfo as text: "-1" is no service name (EAI_SERVICE).
      if (cfg.port < 0) throw Object.assign(new Error('negative port'), { code: 'EAI_SERVICE' });
      const pinned = cfg.resolve?.[`${cfg.host.toLowerCase()}:${cfg.port}`];
      addrs = pinned ? pinned.map((a) => ({ address: a, family: isIP(a) })) : await resolve(cfg.host, cfg.preferFamily ?? 4, remaining(deadline), opts.lookup ?? systemLookup);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'ENOTFOUND';
      if (code === 'ERESOLVETIMEOUT') {
        throw new ConnectError(connectPrefix(cfg) + (err as Error).message, {
          code,
          hint: `no answer from the name resolver within ${cfg.timeoutMs / 1000} s: check the DNS settings, or give an IP address or --resolve ${cfg.host}:${cfg.port}:ADDRESS (-t SECONDS changes the budget)`,
          cause: err,
        });
      }
      throw new ConnectError(connectPrefix(cfg) + strerror(err), { code, cause: err });
    }
    timings.resolveMs = elapsed(t0);
    let lastErr: unknown;
    const t1 = process.hrtime.bigint();
    let sock: Socket | undefined;
    for (const a of addrs) {
      try {
        // Every address shares what is left of the one budget (hiredis gives each the full timeout).
        sock = await tcpConnect({ host: a.address, port: cfg.port, family: a.family }, remaining(deadline));
        address = a.address;
        family = a.family;
        break;
      } catch (err) {
        lastErr = err;
      }
    }
    if (!sock) {
      const code = (lastErr as NodeJS.ErrnoException | undefined)?.code;
      throw new ConnectError(connectPrefix(cfg) + strerror(lastErr), {
        code: code ?? 'ECONNECT',
        hint: code === 'ETIMEDOUT' ? `no answer within ${cfg.timeoutMs / 1000} s: check the host, port and firewall (-t SECONDS changes the timeout)` : undefined,
        cause: lastErr,
      });
    }
    raw = sock;
    timings.connectMs = elapsed(t1);
  }
  raw.setNoDelay(true);
  raw.setKeepAlive(true, 15_000); // redis-cli sets an aggressive keepalive too (REDIS_CLI_KEEPALIVE_INTERVAL)
  if (!cfg.tls) return { socket: raw, tls: undefined, address, family, timings };
  const plan = opts.tlsPlan;
  if (!plan) throw new Error('openTransport: tls configured without a TLS plan');
  const tlsSock = await handshake(cfg, plan, raw, address, family, timings, opts, deadline);
  return { socket: tlsSock, tls: tlsSock, address, family, timings };
}

async function handshake(cfg: ConnectionConfig, plan: TlsPlan, raw: Socket, address: string, family: number, timings: TransportTimings, opts: OpenOptions, deadline: number): Promise<TLSSocket> {
  const tlsCfg = cfg.tls!;
  const files = { cert: tlsCfg.cert, key: tlsCfg.key, p12: tlsCfg.p12 };
  let secureContext;
  try {
    secureContext = createSecureContext(plan.options);
  } catch (err) {
    raw.destroy();
    const ex = explainContextError(err as NodeJS.ErrnoException, files);
    throw new TlsError(`Could not negotiate a TLS connection: ${ex.reason}`, { code: ex.code, hint: ex.hint, cause: err });
  }
  const settled = (socket: TLSSocket | undefined, failure: TlsExplanation | null, extra: Partial<TlsSettled> = {}) =>
    opts.onTlsSettled?.({ socket, plan, address, family, timings, failure, hostCheck: null, pinCheck: null, ...extra });
  const fail = (ex: TlsExplanation, cause?: unknown): never => {
    throw new TlsError(connectPrefix(cfg) + `TLS ${ex.code === 'NOT_TLS' ? 'handshake failed' : ex.code.startsWith('CLIENT_CERT') ? 'client authentication failed' : 'handshake failed'}: ${ex.reason}`, { code: ex.code, hint: ex.hint, cause });
  };
  const t0 = process.hrtime.bigint();
  const sock = tlsConnect({ ...plan.options, secureContext, socket: raw, session: opts.session });
  if (opts.onKeylog) sock.on('keylog', opts.onKeylog);
  if (opts.onSession) sock.on('session', opts.onSession);
  let silentTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  // Of the budget, the last part is kept for asking the port in plaintext, when the server sent
  // nothing at all in answer to the ClientHello (a plaintext Redis port stays silent: it waits for
  // a line end). Diagnosis must not touch a working server: the plaintext probe (a second
  // connection) is opened only once the handshake has failed, never while it may still complete;
  // a TLS server that is merely slow but sends its first byte before then keeps the whole budget.
  const reserve = Math.min(1000, cfg.timeoutMs / 4);
  try {
    await new Promise<void>((resolveP, reject) => {
      sock.once('secureConnect', () => resolveP());
      sock.once('error', (err) => reject(err));
      sock.once('close', () => reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
      timeoutTimer = setTimeout(() => reject(Object.assign(new Error('TLS handshake timed out'), { code: 'TLS_TIMEOUT' })), remaining(deadline));
      silentTimer = setTimeout(() => {
        if (raw.bytesRead === 0) reject(Object.assign(new Error('no answer to the ClientHello'), { code: 'TLS_SILENT' }));
      }, remaining(deadline - reserve));
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    sock.destroy();
    clearTimeout(silentTimer);
    clearTimeout(timeoutTimer);
    let ex: TlsExplanation | undefined;
    if (e.code === 'TLS_SILENT' && (await probePlaintext(address, cfg.port, remaining(deadline), cfg.socketPath))) {
      ex = { code: 'NOT_TLS', reason: 'no TLS answer; the port answered a plaintext PING: it speaks plaintext', hint: 'drop --tls (or use the server\'s tls-port)' };
    } else if (e.code === 'TLS_TIMEOUT' || e.code === 'TLS_SILENT') {
      ex = { code: 'TLS_TIMEOUT', reason: `no TLS handshake within ${cfg.timeoutMs / 1000} s`, hint: 'check that the port is the server\'s tls-port; -t SECONDS changes the timeout' };
    } else {
      ex = explainHandshakeError(e, 'handshake') ?? { code: e.code ?? 'TLS_ERROR', reason: e.message, hint: 'run with --show-handshake for details' };
    }
    settled(undefined, ex);
    return fail(ex, err);
  } finally {
    clearTimeout(silentTimer);
    clearTimeout(timeoutTimer);
  }
  timings.tlsMs = elapsed(t0);
  // Verification, done here so that a failure can still report the chain. Nothing was sent yet.
  const peerCertificate = sock.getPeerCertificate(true);
  let leaf = peerCertificate;
  if (sock.isSessionReused() && Object.keys(leaf).length === 0 && opts.resumedPeerCertificate) leaf = opts.resumedPeerCertificate as typeof leaf;
  let failure: TlsExplanation | null = null;
  let hostCheck: TlsSettled['hostCheck'] = null;
  let pinCheck: TlsSettled['pinCheck'] = null;
  if (!tlsCfg.insecure) {
    if (!sock.authorized) {
      const code = (sock.authorizationError as unknown as NodeJS.ErrnoException | undefined)?.code ?? String(sock.authorizationError);
      failure = explainVerifyError(code, leaf, plan.trust);
    } else if (tlsCfg.verifyHostname) {
      const err = checkServerIdentity(plan.verifyName, leaf);
      hostCheck = { name: plan.verifyName, matched: err === undefined, ...(err ? { error: err.message } : {}) };
      if (err) failure = explainHostMismatch(plan.verifyName, leaf);
    }
  }
  if (failure === null && tlsCfg.pinSha256 && tlsCfg.pinSha256.length > 0) {
    const actual = leaf.raw ? spkiSha256(new X509Certificate(leaf.raw)) : '';
    const matched = tlsCfg.pinSha256.includes(actual);
    pinCheck = { expected: tlsCfg.pinSha256, actual, matched };
    if (!matched) {
      failure = { code: 'PIN_MISMATCH', reason: `the server's public key sha256//${actual} matches none of --pin-sha256 ${tlsCfg.pinSha256.join(', ')}`, hint: 'if the server key was rotated on purpose, update --pin-sha256; otherwise someone may be intercepting the connection' };
    }
  }
  settled(sock, failure, { hostCheck, pinCheck, peerCertificate });
  if (failure) {
    sock.destroy();
    return fail(failure);
  }
  return sock;
}
