// --cluster add-node and del-node on a running TLS cluster, done once by redis-cli 7.0.15 and once
// by tredis-cli with the same new node: the same report (the node listing aside, whose order is
// the server's) and the same cluster afterwards.
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCli, startCluster, type ClusterLab } from '../../scripts/lib/cluster-lab.mjs';
import { useCluster } from '../helpers/cluster.js';
import { run, TREDIS_CLI } from '../helpers/run.js';
import { lab } from '../setup/env.js';

const cluster = useCluster('ip', { replicas: 0 });
let spare: ClusterLab | undefined;
const spareDir = path.join(os.tmpdir(), `tredis-spare-${process.pid}`);
beforeAll(async () => {
  spare = await startCluster({ dir: spareDir, certs: lab().certs, variant: 'ip', primaries: 2, replicas: 0, join: false });
}, 60_000);
afterAll(async () => {
  await spare?.stop();
  await rm(spareDir, { recursive: true, force: true });
});

/** The report without the node listing (its order is the order of CLUSTER NODES). */
const report = (s: string) => s.split('\n').filter((l) => !/^(M|S): |^ {3}/.test(l)).join('\n');

async function knownNodes(c: ClusterLab, i: number): Promise<number> {
  return Number(/cluster_known_nodes:(\d+)/.exec(await redisCli([...c.tlsArgs, '-p', String(c.nodes[i]!.port), 'CLUSTER', 'INFO']))![1]);
}

/** Until every node of `c` knows `n` nodes (gossip), bounded. */
async function waitKnown(c: ClusterLab, n: number): Promise<void> {
  for (let t0 = Date.now(); Date.now() - t0 < 20_000; await new Promise((r) => setTimeout(r, 200))) {
    const counts = await Promise.all(c.nodes.map((_, i) => knownNodes(c, i)));
    if (counts.every((k) => k === n)) return;
  }
  throw new Error(`cluster_known_nodes never became ${n} everywhere`);
}

const reports: string[] = [];

describe('--cluster add-node / del-node', () => {
  // a forgotten node is banned from gossip for 60 s (CLUSTER FORGET): each program gets its own
  it.each([['redis-cli', 0], [TREDIS_CLI, 1]])('%s adds an empty node as a primary and removes it again', async (program, which) => {
    const c = cluster();
    const n = spare!.nodes[which]!;
    const add = await run(program, [...c.tlsArgs, '--cluster', 'add-node', `127.0.0.1:${n.port}`, `127.0.0.1:${c.nodes[0]!.port}`], { env: { TERM: 'dumb' }, timeoutMs: 60_000 });
    expect(add.stderr.toString()).toBe('');
    expect({ code: add.code, out: add.stdout.toString() }).toMatchObject({ code: 0 });
    reports.push(report(add.stdout.toString()).split(String(n.port)).join('<new>'));
    await waitKnown(c, 4);
    const del = await run(program, [...c.tlsArgs, '--cluster', 'del-node', `127.0.0.1:${c.nodes[0]!.port}`, n.id], { env: { TERM: 'dumb' }, timeoutMs: 60_000 });
    expect({ code: del.code, out: del.stdout.toString() }).toMatchObject({ code: 0 });
    expect(del.stdout.toString()).toBe(`>>> Removing node ${n.id} from cluster 127.0.0.1:${c.nodes[0]!.port}\n>>> Sending CLUSTER FORGET messages to the cluster...\n>>> Sending CLUSTER RESET SOFT to the deleted node.\n`);
    await waitKnown(c, 3);
  });

  it('both printed the same add-node report', () => {
    expect(reports).toHaveLength(2);
    expect(reports[1]).toBe(reports[0]);
    expect(reports[0]).toContain('[OK] New node added correctly.');
  });
});
