// --cluster create on six empty TLS cluster nodes, once with redis-cli 7.0.15 and once with
// tredis-cli, each on its own fresh set: the printed plan (slots per primary, replicas added) and
// the resulting layout must be the same once node IDs and ports are named by position. Which
// replica serves which primary is random in redis-cli (its anti-affinity optimiser swaps replicas
// at random when all nodes share one host), so only the counts are compared there.
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisCli, startCluster, type ClusterLab } from '../../scripts/lib/cluster-lab.mjs';
import { run, TREDIS_CLI } from '../helpers/run.js';
import { lab } from '../setup/env.js';

function normalise(text: string, c: ClusterLab): string {
  let out = text;
  c.nodes.forEach((n, i) => {
    out = out.split(n.id).join(`<id${i + 1}>`).split(String(n.port)).join(`<p${i + 1}>`);
  });
  return out;
}

async function createWith(program: string): Promise<{ out: string; code: number | null; layout: string[] }> {
  const dir = path.join(os.tmpdir(), `tredis-create-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const c = await startCluster({ dir, certs: lab().certs, variant: 'ip', join: false });
  try {
    const r = await run(program, [...c.tlsArgs, '--cluster', 'create', ...c.nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'], { env: { TERM: 'dumb' }, timeoutMs: 90_000 });
    // the replicas' new role reaches node 1 by gossip: wait for it (bounded)
    let nodes = '';
    for (let t0 = Date.now(); Date.now() - t0 < 20_000; await new Promise((res) => setTimeout(res, 200))) {
      nodes = await redisCli([...c.tlsArgs, '-p', String(c.nodes[0]!.port), 'CLUSTER', 'NODES']);
      if ((nodes.match(/ slave /g) ?? []).length === 3) break;
    }
    // per node: role and slots, by position; replicas as "replica of a primary"
    const layout = normalise(nodes, c).trim().split('\n').map((l) => {
      const f = l.split(' ');
      return `${f[1]!.split('@')[0]} ${f[2]!.replace('myself,', '')} ${f[3] === '-' ? '-' : 'of-primary'} ${f.slice(8).join(' ')}`;
    }).sort();
    return { out: normalise(r.stdout.toString('latin1'), c), code: r.code, layout };
  } finally {
    await c.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('--cluster create --cluster-replicas 1', () => {
  it('plans and builds the same cluster as redis-cli 7.0.15', async () => {
    const t = await createWith(TREDIS_CLI);
    const r = await createWith('redis-cli');
    expect(t.code).toBe(0);
    expect(t.code).toBe(r.code);
    const planOf = (s: string) => s.split('\n').filter((l) => /^(>>> |Master\[|Adding replica|\[OK\]|\[WARNING\]|Can I)/.test(l) || /^Adding extra/.test(l));
    expect(planOf(t.out).filter((l) => !l.startsWith('Adding replica'))).toEqual(planOf(r.out).filter((l) => !l.startsWith('Adding replica')));
    expect(planOf(t.out).filter((l) => l.startsWith('Adding replica'))).toHaveLength(3);
    expect(t.layout).toEqual(r.layout);
    expect(t.out).toContain('[OK] All 16384 slots covered.');
  }, 180_000);
});
