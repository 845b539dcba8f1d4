// The pieces of Redis 7.0.15's tests/unit/cluster.tcl ported to vitest (test/cluster/redis-suite.test.ts,
// and its short part in npm test): `exec src/redis-cli …` runs tredis-cli; the servers' own client
// (`$node1 …`, `[csi …]`, `[s …]`) is played by redis-cli 7.0.15 and by raw sockets for the
// deferring clients. Plaintext, as the original (tagged tls:skip).
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startRedis, type RedisHandle } from '../../scripts/lib/tls-lab.mjs';
import { run, TREDIS_CLI } from './run.js';

/** `exec src/redis-cli ARGS`: tredis-cli; throws (as Tcl's exec) on a non-zero exit. */
export async function exec(args: string[]): Promise<string> {
  const r = await run(TREDIS_CLI, args, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`tredis-cli ${args.join(' ')} exited ${r.code}: ${r.stdout.toString()}${r.stderr.toString()}`);
  return r.stdout.toString().replace(/\n$/, '');
}

/** wait_for_condition TRIES DELAY { cond } else { fail MSG } */
export async function waitFor(tries: number, delayMs: number, cond: () => Promise<boolean>, msg: string): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await cond().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, delayMs));
  }
  throw new Error(msg);
}

const field = (text: string, name: string) => new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(text)?.[1]?.trim();

/** A group of servers (start_multiple_servers N); `srv(-k)` is the k-th started. */
export class Servers {
  handles: RedisHandle[] = [];
  dir = '';
  async start(count: number, conf: (i: number) => string[]): Promise<void> {
    this.dir = await mkdtemp(path.join(os.tmpdir(), 'tredis-redis-suite-'));
    this.handles = await Promise.all(Array.from({ length: count }, (_, i) => startRedis({ dir: this.dir, name: `srv${i}`, plain: true, extraArgs: conf(i) })));
  }
  async stop(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.stop()));
    await rm(this.dir, { recursive: true, force: true });
  }
  /** [srv L port] with L = 0, -1, -2 … */
  port(level: number): number {
    return this.handles[-level]!.port!;
  }
  pid(level: number): number {
    return this.handles[-level]!.pid;
  }
  /** `$r CMD …` with the test suite's own client. */
  r(level: number, ...args: string[]): Promise<string> {
    // error replies (MOVED …) are values here, as Tcl's catch gives them
    return run('redis-cli', ['-p', String(this.port(level)), ...args]).then((r) => r.stdout.toString().replace(/\n$/, ''));
  }
  /** csi L field */
  async csi(level: number, name: string): Promise<string | undefined> {
    return field(await this.r(level, 'CLUSTER', 'INFO'), name);
  }
  /** s L field (INFO) */
  async s(level: number, name: string): Promise<string | undefined> {
    return field(await this.r(level, 'INFO'), name);
  }
  stateOk(levels: number[], state = 'ok'): () => Promise<boolean> {
    return async () => (await Promise.all(levels.map((l) => this.csi(l, 'cluster_state')))).every((s) => s === state);
  }
  /** wait_for_cluster_size N (wait_for_condition 50 100 on cluster_known_nodes) */
  async waitForClusterSize(n: number): Promise<void> {
    await waitFor(50, 100, async () => (await Promise.all(Array.from({ length: n }, (_, j) => this.csi(-j, 'cluster_known_nodes')))).every((k) => k === String(n)), `cluster size did not reach a consistent size ${n}`);
  }
  /** exec src/redis-cli --cluster check 127.0.0.1:PORT succeeds */
  async checks(levels: number[]): Promise<boolean> {
    for (const l of levels) if ((await run(TREDIS_CLI, ['--cluster', 'check', `127.0.0.1:${this.port(l)}`], { timeoutMs: 30_000 })).code !== 0) return false;
    return true;
  }
}

/** redis_deferring_client: commands written now, replies read later (raw RESP text). */
export class Deferring {
  private buf = '';
  private waiters: Array<() => void> = [];
  private readonly sock: net.Socket;
  constructor(port: number) {
    this.sock = net.connect(port, '127.0.0.1');
    this.sock.setEncoding('latin1');
    this.sock.on('data', (d: string) => {
      this.buf += d;
      for (const w of this.waiters.splice(0)) w();
    });
    this.sock.on('error', () => undefined);
  }
  send(...args: string[]): void {
    this.sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  }
  /** The next whole reply (error line, or a two-element array of bulks), within `ms`. */
  async read(ms = 60_000): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const m = /^(-[^\r]*\r\n|\*2\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n[^\r]*\r\n|\*-1\r\n)/.exec(this.buf);
      if (m) {
        this.buf = this.buf.slice(m[0].length);
        return m[0].startsWith('*2') ? m[0].split('\r\n').filter((_, i) => i === 2 || i === 4).join(' ') : m[0].trim();
      }
      if (Date.now() - t0 > ms) throw new Error(`no reply within ${ms} ms (have ${JSON.stringify(this.buf)})`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }
  close(): void {
    this.sock.destroy();
  }
}

export const BASE = ['--cluster-enabled', 'yes', '--cluster-node-timeout', '1000', '--cluster-config-file', 'nodes.conf'];
export const create = (srv: Servers, levels: number[]) => exec(['--cluster-yes', '--cluster', 'create', ...levels.map((l) => `127.0.0.1:${srv.port(l)}`)]);

/** The cluster-port block (5 servers, two tests): also run by npm test. */
export function describeClusterPort(): void {
describe('tests/unit/cluster.tcl (Redis 7.0.15), 5 servers: cluster-port', () => {
  const srv = new Servers();
  beforeAll(async () => {
    const ports = await freePorts(3);
    // three with a custom cluster-port, two with the default
    const custom = [ports[0], undefined, ports[1], undefined, ports[2]];
    await srv.start(5, (i) => ['--cluster-enabled', 'yes', '--cluster-node-timeout', '1', '--cluster-config-file', 'nodes.conf', ...(custom[i] ? ['--cluster-port', String(custom[i])] : [])]);
  }, 60_000);
  afterAll(() => srv.stop());

  // test {redis-cli --cluster create with cluster-port}
  it('redis-cli --cluster create with cluster-port', async () => {
    await create(srv, [0, -1, -2]);
    await waitFor(1000, 50, srv.stateOk([0, -1, -2]), "Cluster doesn't stabilize");
    // Make sure each node can meet other nodes
    for (const l of [0, -1, -2]) expect(await srv.csi(l, 'cluster_known_nodes')).toBe('3');
  }, 90_000);

  // test {redis-cli --cluster add-node with cluster-port}
  it('redis-cli --cluster add-node with cluster-port', async () => {
    // Adding node to the cluster (without cluster-port)
    await exec(['--cluster-yes', '--cluster', 'add-node', `127.0.0.1:${srv.port(-3)}`, `127.0.0.1:${srv.port(0)}`]);
    await srv.waitForClusterSize(4);
    await waitFor(1000, 50, srv.stateOk([0, -1, -2, -3]), "Cluster doesn't stabilize");
    // Adding node to the cluster (with cluster-port)
    await exec(['--cluster-yes', '--cluster', 'add-node', `127.0.0.1:${srv.port(-4)}`, `127.0.0.1:${srv.port(0)}`]);
    await srv.waitForClusterSize(5);
    await waitFor(1000, 50, srv.stateOk([0, -1, -2, -3, -4]), "Cluster doesn't stabilize");
    // Make sure each node can meet other nodes
    for (const l of [0, -1, -2, -3, -4]) expect(await srv.csi(l, 'cluster_known_nodes')).toBe('5');
  }, 120_000);
});
}
