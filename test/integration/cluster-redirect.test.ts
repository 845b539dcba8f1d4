// -c against a real 3+3 Redis Cluster over TLS (tls-cluster, tls-replication, client certificates
// required), side by side with redis-cli 7.0.15: MOVED and ASK (during a live slot migration set
// up here) in one-shot and piped modes, the MOVED/ASK error without -c in every output mode, and
// a redirect loop, which redis-cli follows forever and tredis-cli stops; and the --cluster
// subcommands that read the cluster (info, check, call, set-timeout, help) with their bad inputs.
// One file, one cluster: starting one costs seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCli } from '../../scripts/lib/cluster-lab.mjs';
import { useCluster, type ClusterLab } from '../helpers/cluster.js';
import { PtySession, runScript as script } from '../helpers/pty.js';
import { run, TREDIS_CLI, type RunResult } from '../helpers/run.js';
import { lab } from '../setup/env.js';

const cluster = useCluster('ip');

const at = (c: ClusterLab, i: number) => [...c.tlsArgs, '-h', '127.0.0.1', '-p', String(c.nodes[i]!.port)];
const cli = (c: ClusterLab, i: number, ...args: string[]) => redisCli([...at(c, i), ...args]);

/** Node index (0..2) serving `slot`. */
function ownerOf(c: ClusterLab, slot: number): number {
  return c.nodes.findIndex((n) => n.slots.some(([a, b]) => slot >= a && slot <= b));
}

/** A key that hashes to a slot of primary `i`, different from `not`. */
async function keyOn(c: ClusterLab, i: number, prefix: string): Promise<{ key: string; slot: number }> {
  for (let n = 0; ; n++) {
    const key = `${prefix}${n}`;
    const slot = Number((await cli(c, 0, 'CLUSTER', 'KEYSLOT', key)).trim());
    if (ownerOf(c, slot) === i) return { key, slot };
  }
}

const show = (r: RunResult) => ({ out: r.stdout.toString('latin1'), err: r.stderr.toString('latin1'), code: r.code });

async function both(args: string[], stdin?: string, env: Record<string, string | undefined> = {}): Promise<[ReturnType<typeof show>, ReturnType<typeof show>]> {
  const opts = stdin === undefined ? { env } : { stdin, env };
  // one after the other: both write the same keys
  const t = await run(TREDIS_CLI, args, opts);
  const r = await run('redis-cli', args, opts);
  return [show(t), show(r)];
}

describe('cluster lab', () => {
  it('runs 3 primaries and 3 replicas over TLS, all agreeing, within the start-up budget', async () => {
    const c = cluster();
    expect(c.nodes).toHaveLength(6);
    for (let i = 0; i < 6; i++) {
      const info = await cli(c, i, 'CLUSTER', 'INFO');
      expect(info).toMatch(/cluster_state:ok/);
      expect(info).toMatch(/cluster_known_nodes:6/);
      expect(await cli(c, i, 'CONFIG', 'GET', 'tls-cluster')).toMatch(/yes/);
    }
    // start-up budget 10 s on an idle machine; generous here because the suite runs in parallel
    expect(c.startMs).toBeLessThan(30_000);
  });
});

describe('-c follows MOVED as redis-cli 7.0.15 does', () => {
  it('one-shot: the reply of the owning node, no redirect line', async () => {
    const c = cluster();
    const { key } = await keyOn(c, 2, 'oneshot:');
    const [t, r] = await both([...at(c, 0), '-c', 'SET', key, 'v1']);
    expect(t).toEqual(r);
    expect(t.out).toBe('OK\n');
    const [t2, r2] = await both([...at(c, 0), '-c', '--no-raw', 'GET', key]);
    expect(t2).toEqual(r2);
    expect(t2.out).toBe('"v1"\n');
  });

  it('piped: prints "-> Redirected to slot [N] located at host:port" and stays on the new node', async () => {
    const c = cluster();
    const a = await keyOn(c, 1, 'piped-a:');
    const b = await keyOn(c, 2, 'piped-b:');
    const input = `set ${a.key} 1\nget ${a.key}\nset ${b.key} 2\nget ${b.key}\nget ${a.key}\nincr ${a.key}\n`;
    const [t, r] = await both([...at(c, 0), '-c'], input);
    expect(t).toEqual(r);
    expect(t.out).toBe(
      `-> Redirected to slot [${a.slot}] located at 127.0.0.1:${c.nodes[1]!.port}\nOK\n1\n` +
        `-> Redirected to slot [${b.slot}] located at 127.0.0.1:${c.nodes[2]!.port}\nOK\n2\n` +
        `-> Redirected to slot [${a.slot}] located at 127.0.0.1:${c.nodes[1]!.port}\n1\n2\n`,
    );
  });

  it('piped with -r: the repeats run on the node the first one was sent to', async () => {
    const c = cluster();
    const a = await keyOn(c, 1, 'repeat:');
    const [t, r] = await both([...at(c, 0), '-c'], `set ${a.key} 0\n3 incr ${a.key}\nget ${a.key}\n`);
    expect(t).toEqual(r);
    expect(t.out).toBe(`-> Redirected to slot [${a.slot}] located at 127.0.0.1:${c.nodes[1]!.port}\nOK\n1\n2\n3\n3\n`);
  });

  it.each([
    ['raw (not a terminal)', []],
    ['--no-raw', ['--no-raw']],
    ['--csv', ['--csv']],
    ['--json', ['--json']],
    ['--quoted-json', ['--quoted-json']],
  ])('without -c, MOVED prints as redis-cli prints it: %s, one-shot and piped', async (_n, mode) => {
    const c = cluster();
    const { key } = await keyOn(c, 2, 'nomove:');
    const [t, r] = await both([...at(c, 0), ...mode, 'GET', key]);
    expect(t).toEqual(r);
    expect(t.out).toContain(`MOVED`);
    const [tp, rp] = await both([...at(c, 0), ...mode], `GET ${key}\nPING\n`);
    expect(tp).toEqual(rp);
  });

  it('-e without -c: a MOVED error exits 1 with it on stderr, as redis-cli', async () => {
    const c = cluster();
    const { key } = await keyOn(c, 1, 'errcode:');
    const [t, r] = await both([...at(c, 0), '-e', 'GET', key]);
    expect(t).toEqual(r);
    expect(t.code).toBe(1);
  });
});

describe('-c during a live slot migration (ASK)', () => {
  let slot = 0;
  let key = '';
  beforeAll(async () => {
    const c = cluster();
    ({ key, slot } = await keyOn(c, 0, 'ask:'));
    // node 1 imports `slot` from node 0; the key is not on node 0, so node 0 answers ASK.
    await cli(c, 1, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', c.nodes[0]!.id);
    await cli(c, 0, 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', c.nodes[1]!.id);
  });
  afterAll(async () => {
    const c = cluster();
    await cli(c, 0, 'CLUSTER', 'SETSLOT', String(slot), 'STABLE');
    await cli(c, 1, 'CLUSTER', 'SETSLOT', String(slot), 'STABLE');
  });

  it('without -c, the ASK error prints as redis-cli prints it', async () => {
    const c = cluster();
    const [t, r] = await both([...at(c, 0), '--no-raw', 'SET', key, 'x']);
    expect(t).toEqual(r);
    expect(t.out).toBe(`(error) ASK ${slot} 127.0.0.1:${c.nodes[1]!.port}\n`);
  });

  it('one-shot and piped: ASKING then the command on the importing node', async () => {
    const c = cluster();
    const [t, r] = await both([...at(c, 0), '-c', 'SET', key, 'asked']);
    expect(t).toEqual(r);
    expect(t.out).toBe('OK\n');
    // the key went to the importing node (ASKING made it accept the write)
    expect((await cli(c, 1, 'CLUSTER', 'COUNTKEYSINSLOT', String(slot))).trim()).toBe('1');
    const [tp, rp] = await both([...at(c, 0), '-c'], `set ${key} again\nget ${key}\n`);
    expect(tp).toEqual(rp);
    expect(tp.out).toBe(`-> Redirected to slot [${slot}] located at 127.0.0.1:${c.nodes[1]!.port}\nOK\n` +
      // redis-cli stays on the ASK target, which answers MOVED without ASKING: back to node 0, then ASK again
      `-> Redirected to slot [${slot}] located at 127.0.0.1:${c.nodes[0]!.port}\n-> Redirected to slot [${slot}] located at 127.0.0.1:${c.nodes[1]!.port}\nagain\n`);
  });
});

describe('a redirect loop', () => {
  it('stops after 16 hops with an error naming the slot and the nodes, instead of looping forever', async () => {
    const c = cluster();
    const { key, slot } = await keyOn(c, 0, 'loop:');
    // node 0 hands the slot to node 1, which still thinks node 0 has it: MOVED back and forth.
    await cli(c, 0, 'CLUSTER', 'SETSLOT', String(slot), 'NODE', c.nodes[1]!.id);
    try {
      const t0 = Date.now();
      const one = await run(TREDIS_CLI, [...at(c, 0), '-c', 'GET', key]);
      expect(one.code).toBe(1);
      expect(one.stdout.toString()).toBe('');
      expect(one.stderr.toString()).toContain(`Error: too many cluster redirects for slot ${slot} (16 in a row`);
      expect(one.stderr.toString()).toContain('hint: ');
      const piped = await run(TREDIS_CLI, [...at(c, 0), '-c'], { stdin: `get ${key}\nping\n` });
      expect(piped.code).toBe(0); // redis-cli goes on with the next line after a failed command
      const lines = piped.stdout.toString().split('\n');
      expect(lines.filter((l) => l.startsWith('-> Redirected'))).toHaveLength(16);
      expect(lines.at(-2)).toBe('PONG');
      expect(Date.now() - t0).toBeLessThan(15_000);
    } finally {
      await cli(c, 0, 'CLUSTER', 'SETSLOT', String(slot), 'NODE', c.nodes[0]!.id);
    }
  });
});

describe('-c in the REPL', () => {
  it('prints the redirect and the prompt follows the node, as redis-cli does', async () => {
    const c = cluster();
    const a = await keyOn(c, 1, 'repl-a:');
    const b = await keyOn(c, 2, 'repl-b:');
    const args = [...at(c, 0), '-c'];
    const t = PtySession.tredis(args);
    const r = PtySession.redisCli(args);
    try {
      const lines = [`set ${a.key} 1`, `get ${a.key}`, `set ${b.key} 2`, `get ${a.key}`];
      const [ts, rs] = await Promise.all([script(t, lines), script(r, lines)]);
      // tredis-cli marks a TLS connection in the prompt (`:set tlsprompt`); redis-cli has no badge
      // and both print the time of a command slower than 0.5 s (a loaded machine): not compared
      const screen = (s: string) => s.replaceAll(' [TLS]> ', '> ').replace(/^\(\d+\.\d\ds\)\n/gm, '').trimEnd();
      expect(screen(ts)).toBe(screen(rs));
      expect(screen(ts)).toContain(`-> Redirected to slot [${b.slot}] located at 127.0.0.1:${c.nodes[2]!.port}\nOK\n127.0.0.1:${c.nodes[2]!.port}> get`);
    } finally {
      await Promise.all([t.close(), r.close()]);
    }
  });
});

const seed = (c: ClusterLab, i = 0) => `127.0.0.1:${c.nodes[i]!.port}`;

describe('--cluster next to redis-cli 7.0.15', () => {
  it.each([
    ['info', (c: ClusterLab) => ['info', seed(c)]],
    ['info, host and port apart', (c: ClusterLab) => ['info', '127.0.0.1', String(c.nodes[1]!.port)]],
    ['check', (c: ClusterLab) => ['check', seed(c)]],
    ['check from a replica', (c: ClusterLab) => ['check', seed(c, 4)]],
    ['call', (c: ClusterLab) => ['call', seed(c), 'PING']],
    ['call --cluster-only-masters', (c: ClusterLab) => ['call', seed(c), 'CLUSTER', 'MYID', '--cluster-only-masters']],
    ['call --cluster-only-replicas', (c: ClusterLab) => ['call', seed(c), 'ROLE', '--cluster-only-replicas']],
    ['call with an error reply', (c: ClusterLab) => ['call', seed(c), 'NOSUCHCOMMAND']],
    ['set-timeout', (c: ClusterLab) => ['set-timeout', seed(c), '6000']],
    ['set-timeout too small', (c: ClusterLab) => ['set-timeout', seed(c), '99']],
    ['help', () => ['help']],
    ['unknown subcommand', () => ['frobnicate']],
    ['wrong arity', () => ['del-node', '127.0.0.1:1']],
    ['bad address', () => ['check', 'nocolon']],
    ['node down', () => ['info', '127.0.0.1:1']],
    ['create on nodes that already know others', (c: ClusterLab) => ['create', seed(c, 0), seed(c, 1), seed(c, 2), '--cluster-yes']],
    ['create with a bad address', () => ['create', 'nocolon', '127.0.0.1:1']],
    ['del-node with an unknown ID', (c: ClusterLab) => ['del-node', seed(c), 'f'.repeat(40)]],
    ['del-node of a primary that has slots', (c: ClusterLab) => ['del-node', seed(c), c.nodes[0]!.id]],
    ['add-node of a node already in the cluster', (c: ClusterLab) => ['add-node', seed(c, 1), seed(c, 0)]],
    ['add-node with an unknown --cluster-master-id', (c: ClusterLab) => ['add-node', '127.0.0.1:1', seed(c, 0), '--cluster-slave', '--cluster-master-id', 'nope']],
  ])('%s', async (_name, argsOf) => {
    const c = cluster();
    // colours on an xterm (log lines), none elsewhere
    const [t, r] = await both([...c.tlsArgs, '--cluster', ...argsOf(c)], undefined, { TERM: 'xterm-256color' });
    expect(t).toEqual(r);
    if (/^(check|info)$/.test(_name)) {
      const [tp, rp] = await both([...c.tlsArgs, '--cluster', ...argsOf(c)], undefined, { TERM: 'dumb' });
      expect(tp).toEqual(rp);
    }
  });

  it('a node not in cluster mode gets redis-cli\'s error and exit code 1', async () => {
    const main = lab().servers.main;
    const [t, r] = await both(['-p', String(main.port), '--cluster', 'check', `127.0.0.1:${main.port}`], undefined, { TERM: 'dumb' });
    expect(t).toEqual(r);
    expect(t.code).toBe(1);
    expect(t.out).toBe(`[ERR] Node 127.0.0.1:${main.port} is not configured as a cluster node.\n`);
  });
});
