// A Redis Cluster for a test file: started in beforeAll (scripts/lib/cluster-lab.mjs), stopped
// by PID in afterAll. Node certificates are signed by the TLS lab's CA.
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startCluster, type ClusterLab, type StartClusterOptions } from '../../scripts/lib/cluster-lab.mjs';
import { lab } from '../setup/env.js';

export type { ClusterLab, ClusterNode } from '../../scripts/lib/cluster-lab.mjs';

/**
 * Starts a cluster (3 primaries + 3 replicas unless told otherwise) before the file's tests and
 * stops it after them. The returned function gives the running cluster.
 */
export function useCluster(variant: 'ip' | 'hostname', opts: Partial<Omit<StartClusterOptions, 'dir' | 'certs' | 'variant'>> = {}): () => ClusterLab {
  let cluster: ClusterLab | undefined;
  const dir = path.join(os.tmpdir(), `tredis-cluster-${process.pid}-${variant}-${Math.random().toString(36).slice(2, 8)}`);
  beforeAll(async () => {
    cluster = await startCluster({ dir, certs: lab().certs, variant, ...opts });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (!cluster) throw new Error('useCluster: the cluster did not start (see beforeAll)');
    return cluster;
  };
}

/** `--tls … -h 127.0.0.1 -p PORT` for node `i` (by announced endpoint: IP, or name + --resolve). */
export function nodeArgs(c: ClusterLab, i: number): string[] {
  const n = c.nodes[i]!;
  return [...c.tlsArgs, '-h', n.host, '-p', String(n.port), ...(c.variant === 'hostname' ? c.resolveArgs : [])];
}

/** Replaces 40-hex node IDs and ports by stable names, for comparing two programs' reports. */
export function normaliseIds(text: string, c: ClusterLab): string {
  let out = text;
  c.nodes.forEach((n, i) => {
    out = out.split(n.id).join(`<id${i + 1}>`).split(n.id.slice(0, 8)).join(`<id${i + 1}>`);
  });
  return out;
}
