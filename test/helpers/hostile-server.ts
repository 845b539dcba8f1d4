// A scriptable misbehaving server for reliability tests: plain TCP or TLS (lab certificates) on a free
// loopback port, where each accepted connection runs a script (reply garbage, stall, reset, …). Also
// a runner that spawns a client and records its exit, output size and peak RSS (VmHWM from /proc,
// polled while it runs), with output counted and hashed rather than kept, so a 256 MiB reply costs
// the test nothing.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

/** What a script gets for one accepted connection. */
export interface HostileConnection {
  /** The socket (a TLSSocket once the handshake is done, for TLS servers). */
  socket: net.Socket;
  /** Resolves with the first bytes the client sends (its first command, after any handshake). */
  firstData(): Promise<Buffer>;
  /** Writes, waiting for 'drain' when the socket's buffer is full (a slow sender that still honours backpressure). */
  write(chunk: Buffer | string): Promise<void>;
  sleep(ms: number): Promise<void>;
}

export interface HostileOptions {
  /** TLS with these files (PEM paths); absent: plain TCP. */
  tls?: { cert: string; key: string; ca?: string; requestCert?: boolean };
  /** Run on the raw TCP socket, before any TLS (to stall or break the handshake itself). */
  raw?: boolean;
  /**
   * TLS: the server starts its side of the handshake this long after accepting (a slow but live TLS
   * server: the ClientHello waits unread, then the handshake completes and the script runs).
   */
  handshakeDelayMs?: number;
  /** Called for each accepted connection. */
  script: (conn: HostileConnection) => Promise<void> | void;
}

export interface HostileServer {
  port: number;
  /** Connections accepted so far (for TLS servers: whose handshake completed). */
  readonly accepted: number;
  /** TCP connections accepted so far, whatever became of them (a probe, a failed handshake). */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startHostile(opts: HostileOptions): Promise<HostileServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const run = (socket: net.Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // the client may reset; the script decides what matters
    let data: Promise<Buffer> | undefined;
    const conn: HostileConnection = {
      socket,
      firstData: () => (data ??= new Promise((resolve) => socket.once('data', resolve))),
      write: (chunk) =>
        new Promise((resolve) => {
          if (socket.destroyed || socket.write(chunk)) resolve();
          else {
            const done = () => {
              socket.off('close', done);
              socket.off('drain', done);
              resolve();
            };
            socket.once('drain', done);
            socket.once('close', done);
          }
        }),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
    conn.firstData(); // start listening at once: no byte is missed
    void Promise.resolve()
      .then(() => opts.script(conn))
      .catch(() => socket.destroy());
  };
  let server: net.Server;
  if (opts.tls !== undefined && !opts.raw && opts.handshakeDelayMs !== undefined) {
    const t = opts.tls;
    const secureContext = tls.createSecureContext({ cert: readFileSync(t.cert), key: readFileSync(t.key), ca: t.ca === undefined ? undefined : readFileSync(t.ca) });
    const delay = opts.handshakeDelayMs;
    server = net.createServer((socket) => {
      socket.pause(); // the ClientHello stays unread until the handshake starts
      socket.on('error', () => undefined);
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      const timer = setTimeout(() => {
        if (socket.destroyed) return;
        const secure = new tls.TLSSocket(socket, { isServer: true, secureContext, requestCert: t.requestCert ?? false, rejectUnauthorized: t.requestCert ?? false });
        secure.on('error', () => undefined);
        secure.once('secure', () => run(secure));
      }, delay);
      socket.once('close', () => clearTimeout(timer));
    });
  } else if (opts.tls !== undefined && !opts.raw) {
    server = tls.createServer(
      {
        cert: readFileSync(opts.tls.cert),
        key: readFileSync(opts.tls.key),
        ca: opts.tls.ca === undefined ? undefined : readFileSync(opts.tls.ca),
        requestCert: opts.tls.requestCert ?? false,
        rejectUnauthorized: opts.tls.requestCert ?? false,
      },
      run,
    );
    server.on('tlsClientError', () => undefined);
  } else {
    server = net.createServer(run);
  }
  let connections = 0;
  server.on('connection', () => void connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get accepted() {
      return accepted;
    },
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface WatchedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Killed because it outlived `timeoutMs`. */
  timedOut: boolean;
  stdoutBytes: number;
  /** sha256 of stdout, hex. */
  stdoutSha: string;
  /** The first 64 KiB of stdout. */
  stdoutHead: Buffer;
  stderr: string;
  /** Wall time, ms. */
  ms: number;
  /** Peak resident set of the child (VmHWM), KiB; 0 when it exited before the first look. */
  peakKiB: number;
}

/** Peak resident set (VmHWM) of a live process, KiB, or 0 when it is gone. */
function vmHwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Runs `file args`, stdin closed (or fed `stdin`), and watches it; killed with SIGKILL after `timeoutMs`. */
export function runWatched(file: string, args: readonly string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv; stdin?: Buffer | string }): Promise<WatchedRun> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(file, [...args], { stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    if (opts.stdin !== undefined) {
      child.stdin!.on('error', () => undefined); // it may exit before reading all
      child.stdin!.end(opts.stdin);
    }
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headBytes = 0;
    let bytes = 0;
    let stderr = '';
    let peak = 0;
    let timedOut = false;
    const poll = setInterval(() => {
      if (child.pid !== undefined) peak = Math.max(peak, vmHwm(child.pid));
    }, 20);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      hash.update(d);
      bytes += d.length;
      if (headBytes < 65536) {
        head.push(d);
        headBytes += d.length;
      }
      if (child.pid !== undefined) peak = Math.max(peak, vmHwm(child.pid));
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (e) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(e);
    });
    // 'exit' comes before the pipes close: the last look at VmHWM is taken as late as possible
    child.on('exit', () => clearInterval(poll));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        timedOut,
        stdoutBytes: bytes,
        stdoutSha: hash.digest('hex'),
        stdoutHead: Buffer.concat(head).subarray(0, 65536),
        stderr,
        ms: Number(process.hrtime.bigint() - t0) / 1e6,
        peakKiB: peak,
      });
    });
  });
}

export interface BlackHole {
  port: number;
  close(): void;
}

/**
 * A port where TCP connects hang, on each of `hosts` (same port number): a child process listens
 * with an accept queue of one and then blocks its event loop, so it never accepts; once the queue is
 * filled here, the kernel drops further SYNs (no RST), as a firewall that drops packets does. Real
 * sockets, no root and no firewall rule needed. `close()` kills the child (by its pid).
 */
export async function startBlackHole(hosts: readonly string[]): Promise<BlackHole> {
  const code = `const net=require('net');const hosts=JSON.parse(process.argv[1]);let port=0;
const next=(i)=>{if(i===hosts.length){process.stdout.write(port+'\\n');setTimeout(()=>Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0),20);return;}
const s=net.createServer();s.on('error',(e)=>{process.stderr.write(String(e));process.exit(1);});s.listen({host:hosts[i],port,backlog:1},()=>{port=s.address().port;next(i+1);});};next(0);`;
  const child = spawn(process.execPath, ['-e', code, JSON.stringify(hosts)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (c) => reject(new Error(`black hole exited (${c})`)));
  });
  await new Promise((r) => setTimeout(r, 100)); // its event loop is blocked by now
  const fillers: net.Socket[] = [];
  const tryConnect = (host: string) =>
    new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      fillers.push(s);
      s.on('error', () => undefined);
      const t = setTimeout(() => {
        s.destroy();
        resolve(false);
      }, 300);
      s.once('connect', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
  for (const h of hosts) {
    let filled = false;
    for (let i = 0; i < 8 && !filled; i++) filled = !(await tryConnect(h));
    if (!filled) {
      child.kill('SIGKILL');
      throw new Error(`startBlackHole: connects to ${h}:${port} never hang`);
    }
  }
  return {
    port,
    close: () => {
      for (const s of fillers) s.destroy();
      child.kill('SIGKILL');
    },
  };
}
