// --cluster reshard / rebalance on a 3-primary TLS cluster, side by side with redis-cli 7.0.15 on
// the same cluster: each program moves slots one way and the other moves them back, so that every
// tredis-cli run can be compared byte for byte with a redis-cli run made from the same state
// (stdout, stderr, exit code); keys in the moved slots keep their values. Bad input: the same
// message and exit code as redis-cli where it has one.
import { describe, expect, it } from 'vitest';
import { redisCli } from '../../scripts/lib/cluster-lab.mjs';
import { useCluster, type ClusterLab } from '../helpers/cluster.js';
import { run, TREDIS_CLI, type RunResult } from '../helpers/run.js';

const cluster = useCluster('ip', { replicas: 0 });

const on = (c: ClusterLab, i: number, ...args: string[]) => redisCli([...c.tlsArgs, '-p', String(c.nodes[i]!.port), ...args]);
const seed = (c: ClusterLab) => `127.0.0.1:${c.nodes[0]!.port}`;

async function manage(program: string, c: ClusterLab, args: string[], stdin?: string): Promise<RunResult> {
  return run(program, [...c.tlsArgs, '--cluster', ...args], { env: { TERM: 'dumb' }, timeoutMs: 60_000, ...(stdin !== undefined ? { stdin } : {}) });
}

const view = (r: RunResult) => ({ code: r.code, out: r.stdout.toString('latin1'), err: r.stderr.toString('latin1') });

/** Owner index of `slot` as node 1 sees it. */
async function ownerOf(c: ClusterLab, slot: number): Promise<number> {
  const nodes = await on(c, 0, 'CLUSTER', 'NODES');
  for (const line of nodes.trim().split('\n')) {
    const f = line.split(' ');
    for (const r of f.slice(8)) {
      const [a, b] = r.split('-').map(Number);
      if (slot >= a! && slot <= (b ?? a)!) return c.nodes.findIndex((n) => n.id === f[0]);
    }
  }
  return -1;
}

describe('--cluster reshard', () => {
  it('moves slots with their keys, with the same report as redis-cli 7.0.15 (each direction)', async () => {
    const c = cluster();
    // 25 keys in slot 0 ({06S}), 3 batches with --cluster-pipeline 10
    for (let i = 0; i < 25; i++) await on(c, 0, 'SET', `{06S}k${i}`, `v${i}`);
    const [a, b] = [c.nodes[0]!.id, c.nodes[1]!.id];
    const move = (program: string, from: string, to: string) => manage(program, c, ['reshard', seed(c), '--cluster-from', from, '--cluster-to', to, '--cluster-slots', '3', '--cluster-yes']);
    const t1 = await move(TREDIS_CLI, a, b);
    expect(view(t1)).toMatchObject({ code: 0, err: '' });
    expect(t1.stdout.toString()).toContain(`Moving slot 0 from 127.0.0.1:${c.nodes[0]!.port} to 127.0.0.1:${c.nodes[1]!.port}: .........................\n`);
    expect(await ownerOf(c, 2)).toBe(1);
    expect(await on(c, 1, 'GET', '{06S}k24')).toBe('v24\n');
    const r1 = await move('redis-cli', b, a);
    const r2 = await move('redis-cli', a, b);
    const t2 = await move(TREDIS_CLI, b, a);
    expect(view(t1)).toEqual(view(r2));
    expect(view(t2)).toEqual(view(r1));
    expect(await ownerOf(c, 0)).toBe(0);
    expect(await on(c, 0, 'CLUSTER', 'COUNTKEYSINSLOT', '0')).toBe('25\n');
    expect(await on(c, 0, 'GET', '{06S}k3')).toBe('v3\n');
  });

  it('asks for what the options leave out, as redis-cli does (answers on stdin)', async () => {
    const c = cluster();
    const answers = `2\n${c.nodes[1]!.id}\n${c.nodes[0]!.id}\ndone\nno\n`;
    // redis-cli itself cannot be fed all answers through a pipe (its read(2) + getchar mix swallows
    // them and then asks forever), so the answered questions are checked against its source text
    const t = await manage(TREDIS_CLI, c, ['reshard', seed(c)], answers);
    const out = t.stdout.toString();
    expect(out).toContain("How many slots do you want to move (from 1 to 16384)? What is the receiving node ID? Please enter all the source node IDs.\n  Type 'all' to use all the nodes as source nodes for the hash slots.\n  Type 'done' once you entered all the source nodes IDs.\nSource node #1: Source node #2: \nReady to move 2 slots.\n");
    expect(out).toContain(`  Resharding plan:\n    Moving slot 0 from ${c.nodes[0]!.id}\n    Moving slot 1 from ${c.nodes[0]!.id}\nDo you want to proceed with the proposed reshard plan (yes/no)? `);
    expect(out.endsWith('(yes/no)? ')).toBe(true);
    expect(t.code).toBe(1);
    expect(await ownerOf(c, 0)).toBe(0);
  });

  it.each([
    ['an unknown receiving node', ['--cluster-to', 'f'.repeat(40), '--cluster-from', 'all', '--cluster-slots', '1', '--cluster-yes']],
    ['the target as the only source', ['--cluster-to', '<id1>', '--cluster-from', '<id1>', '--cluster-slots', '1', '--cluster-yes']],
    ['a source that is not known', ['--cluster-to', '<id1>', '--cluster-from', '<id2>,nope', '--cluster-slots', '1', '--cluster-yes']],
  ])('refuses %s like redis-cli', async (_name, opts) => {
    const c = cluster();
    const args = ['reshard', seed(c), ...opts.map((o) => o.replace('<id1>', c.nodes[0]!.id).replace('<id2>', c.nodes[1]!.id))];
    const t = await manage(TREDIS_CLI, c, args);
    const r = await manage('redis-cli', c, args);
    expect(view(t)).toEqual(view(r));
    expect(t.code).toBe(1);
  });

  it('refuses to reshard a cluster with an open slot, like redis-cli', async () => {
    const c = cluster();
    await on(c, 0, 'CLUSTER', 'SETSLOT', '100', 'MIGRATING', c.nodes[1]!.id);
    try {
      const args = ['reshard', seed(c), '--cluster-to', c.nodes[1]!.id, '--cluster-from', 'all', '--cluster-slots', '1', '--cluster-yes'];
      const t = await manage(TREDIS_CLI, c, args);
      const r = await manage('redis-cli', c, args);
      expect(view(t)).toEqual(view(r));
      expect(t.code).toBe(1);
      expect(t.stderr.toString()).toBe('*** Please fix your cluster problems before resharding\n');
    } finally {
      await on(c, 0, 'CLUSTER', 'SETSLOT', '100', 'STABLE');
    }
  });

  it('refuses --cluster-slots out of range and stops when stdin ends (redis-cli would move everything / ask forever)', async () => {
    const c = cluster();
    const big = await manage(TREDIS_CLI, c, ['reshard', seed(c), '--cluster-slots', '20000', '--cluster-to', c.nodes[0]!.id, '--cluster-from', 'all']);
    expect(view(big)).toEqual({ code: 1, out: '', err: '*** Invalid --cluster-slots 20000: the number of slots to move must be from 1 to 16384\nhint: pass --cluster-slots N with 1 <= N <= 16384 (or leave it out to be asked)\n' });
    const eof = await manage(TREDIS_CLI, c, ['reshard', seed(c)], '');
    expect(eof.code).toBe(1);
    expect(eof.stdout.toString()).toMatch(/How many slots do you want to move \(from 1 to 16384\)\? \n$/);
    expect(eof.stderr.toString()).toContain('*** Reshard aborted: stdin ended before an answer was given (nothing was moved)\nhint: ');
  });

  it('says which node is down and fails', async () => {
    const c = cluster();
    const t = await manage(TREDIS_CLI, c, ['reshard', '127.0.0.1:1', '--cluster-slots', '1']);
    const r = await manage('redis-cli', c, ['reshard', '127.0.0.1:1', '--cluster-slots', '1']);
    expect(t.code).toBe(r.code);
    expect(t.stderr.toString()).toMatch(/^Could not connect to Redis at 127\.0\.0\.1:1: Connection refused\n/);
  });
});

describe('--cluster rebalance', () => {
  it('plans and moves the same slots as redis-cli 7.0.15 (weights, threshold, simulate)', async () => {
    const c = cluster();
    const w = ['--cluster-weight', `${c.nodes[0]!.id.slice(0, 8)}=1.002`, '--cluster-threshold', '0.01'];
    const u = ['--cluster-threshold', '0.01'];
    const reb = (program: string, opts: string[]) => manage(program, c, ['rebalance', seed(c), ...opts]);
    const ts = await reb(TREDIS_CLI, [...w, '--cluster-simulate']);
    const rs = await reb('redis-cli', [...w, '--cluster-simulate']);
    expect(view(ts)).toEqual(view(rs));
    expect(ts.stdout.toString()).toContain('>>> Rebalancing across 3 nodes. Total weight = 3.00\n');
    // redis-cli's --cluster-simulate prints what its real run prints (one # per slot): each real
    // tredis-cli run is compared with redis-cli simulating from the same state
    const r1 = await reb('redis-cli', [...w, '--cluster-simulate']);
    const t1 = await reb(TREDIS_CLI, w);
    expect(view(t1)).toEqual(view(r1));
    expect(t1.stdout.toString()).toMatch(/Moving \d+ slots from .*\n#+\n/);
    const r2 = await reb('redis-cli', [...u, '--cluster-simulate']);
    const t2 = await reb(TREDIS_CLI, u);
    expect(view(t2)).toEqual(view(r2));
    const none = await reb(TREDIS_CLI, []);
    expect(view(none)).toEqual(view(await reb('redis-cli', [])));
    expect(none.stdout.toString()).toContain('*** No rebalancing needed! All nodes are within the 2.00% threshold.\n');
  });

  it('refuses an unknown weighted node like redis-cli', async () => {
    const c = cluster();
    const args = ['rebalance', seed(c), '--cluster-weight', 'zzzz=2'];
    const t = await manage(TREDIS_CLI, c, args);
    expect(view(t)).toEqual(view(await manage('redis-cli', c, args)));
    expect(t.stdout.toString()).toBe('*** No such master node zzzz\n');
  });
});
