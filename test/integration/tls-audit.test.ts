// --cluster tls-audit (beyond redis-cli) on a real TLS cluster that announces host names
// (cluster-announce-hostname nodeN.redis.test, preferred endpoint hostname), reached through
// --resolve, with AEAD-only ciphers so that a healthy node audits OK. Each bad case is made on one
// node for one test and undone: a certificate that does not cover the announced name, TLS 1.0/1.1
// and CBC ciphers accepted. Also the manager's check/info on this cluster, compared with
// redis-cli 7.0.15 run on the same cluster (through the IP: it cannot reach the names).
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisCli } from '../../scripts/lib/cluster-lab.mjs';
import { startRedis } from '../../scripts/lib/tls-lab.mjs';
import { AEAD_TLS12_CIPHERS } from '../../src/connection/weak-settings.js';
import { useCluster, type ClusterLab } from '../helpers/cluster.js';
import { run, TREDIS_CLI } from '../helpers/run.js';
import { validate } from './handshake-schema.js';

const cluster = useCluster('hostname', { plain: true, extraArgs: ['--tls-ciphers', AEAD_TLS12_CIPHERS] });
const schema = JSON.parse(readFileSync(new URL('../../docs/tls-audit.schema.json', import.meta.url), 'utf8')) as Parameters<typeof validate>[1];

const direct = (c: ClusterLab, i: number, ...args: string[]) => redisCli([...c.tlsArgs, '-h', '127.0.0.1', '-p', String(c.nodes[i]!.port), ...args]);
const seed = (c: ClusterLab) => `${c.nodes[0]!.name}:${c.nodes[0]!.port}`;
const audit = (c: ClusterLab, ...extra: string[]) => run(TREDIS_CLI, [...c.tlsArgs, ...c.resolveArgs, '--cluster', 'tls-audit', seed(c), ...extra], { timeoutMs: 20_000 });

interface AuditJson {
  summary: { nodes: number; ok: number; weak: number; failed: number; sameCa: boolean; verdict: string; exitCode: number };
  nodes: Array<{ endpoint: string; port: number; role: string; tlsName: string; protocol: string | null; covers: Array<{ name: string; covered: boolean }>; sameCa: boolean; weaknesses: Array<{ code: string; fix: string }>; verdict: { status: string; code: string | null; reason: string | null; hint: string | null } }>;
}

function parse(out: Buffer): AuditJson {
  const doc = JSON.parse(out.toString()) as unknown;
  expect(validate(doc, schema), 'matches docs/tls-audit.schema.json').toEqual([]);
  return doc as AuditJson;
}

describe('--cluster tls-audit', () => {
  it('connects to every node by its announced name and prints one row each; all OK, one CA, exit 0', async () => {
    const c = cluster();
    const r = await audit(c);
    expect(r.stderr.toString()).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.toString().split('\n');
    expect(lines[0]).toBe(`>>> TLS audit of the cluster at ${seed(c)}: 6 nodes`);
    expect(lines[1]).toMatch(/^ENDPOINT +ROLE +PROTOCOL +CIPHER +SUBJECT +SANS +EXPIRES +COVERS +CA +VERDICT$/);
    for (const n of c.nodes) {
      const row = lines.find((l) => l.startsWith(`${n.name}:${n.port} `));
      expect(row, n.name).toMatch(new RegExp(`^${n.name}:${n.port} +${n.role} +TLSv1\\.3 +TLS_\\S+ +CN=${n.name.replace(/\./g, '\\.')} +DNS:${n.name.replace(/\./g, '\\.')}, IP:127\\.0\\.0\\.1 +\\d+ d +yes +tredis test CA +OK$`));
    }
    expect(r.stdout.toString()).toContain('CA: every node that showed a chain ends at the same CA (O=tredis-cli lab, CN=tredis test CA).\n[OK] 6 nodes audited: 6 ok, 0 weak, 0 failed.\n');
    const j = parse((await audit(c, '--json')).stdout);
    expect(j.summary).toMatchObject({ nodes: 6, ok: 6, failed: 0, sameCa: true, verdict: 'ok', exitCode: 0 });
    expect(j.nodes.map((n) => `${n.endpoint} ${n.role}`).sort()).toEqual(c.nodes.map((n) => `${n.name} ${n.role}`).sort());
    expect(j.nodes.every((n) => n.tlsName === n.endpoint && n.covers.every((x) => x.covered))).toBe(true);
  });

  it('fails a node whose certificate does not cover its announced name (exit 1), naming the name and the fix', async () => {
    const c = cluster();
    const n = c.nodes[1]!;
    await direct(c, 1, 'CONFIG', 'SET', 'tls-cert-file', c.strangerCert.cert, 'tls-key-file', c.strangerCert.key);
    try {
      const r = await audit(c);
      expect(r.code).toBe(1);
      const out = r.stdout.toString();
      expect(out).toMatch(new RegExp(`\\n${n.name}:${n.port} +primary +TLSv1\\.3 .* CN=stranger\\.redis\\.test +DNS:stranger\\.redis\\.test +\\d+ d +NO \\(not 127\\.0\\.0\\.1\\) +tredis test CA +FAILED\\n`));
      expect(out).toContain(`Failed:\n  ${n.name}:${n.port}  NAME_NOT_COVERED: the certificate does not cover the announced host name ${n.name}: its names are DNS:stranger.redis.test\n    hint: reissue the node's certificate with subjectAltName DNS:${n.name} and load it with tls-cert-file\n`);
      expect(out).toContain('[ERR] 6 nodes audited: 5 ok, 0 weak, 1 failed.\n');
      const j = parse((await audit(c, '--json')).stdout);
      expect(j.summary).toMatchObject({ failed: 1, ok: 5, verdict: 'failed', exitCode: 1 });
      expect(j.nodes.find((x) => x.endpoint === n.name)!.verdict.code).toBe('NAME_NOT_COVERED');
    } finally {
      await direct(c, 1, 'CONFIG', 'SET', 'tls-cert-file', n.cert, 'tls-key-file', n.key);
    }
  });

  it('flags a node that accepts TLS 1.0/1.1 and CBC ciphers, each with the redis.conf line that fixes it', async () => {
    const c = cluster();
    const n = c.nodes[2]!;
    await direct(c, 2, 'CONFIG', 'SET', 'tls-ciphers', 'DEFAULT:@SECLEVEL=0', 'tls-protocols', 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3');
    try {
      const r = await audit(c);
      expect(r.stderr.toString()).toBe('');
      expect(r.code).toBe(0); // weak, not failed
      const out = r.stdout.toString();
      expect(out).toMatch(new RegExp(`\\n${n.name}:${n.port} +primary .* +WEAK\\n`));
      expect(out).toMatch(new RegExp(`  WEAK \\(high\\) ${n.name}:${n.port}: the server accepts TLS 1\\.[01] \\(a handshake offering only TLS 1\\.0/1\\.1 got TLSv1\\.?1? \\S+\\)\\n    fix: tls-protocols "TLSv1\\.2 TLSv1\\.3"\\n`));
      expect(out).toMatch(new RegExp(`  WEAK \\(medium\\) ${n.name}:${n.port}: the server accepts non-AEAD ciphers .*\\n    fix: tls-ciphers "${AEAD_TLS12_CIPHERS}" \\(or tls-protocols "TLSv1\\.3"\\)\\n`));
      expect(out).toContain('[WARNING] 6 nodes audited: 5 ok, 1 weak, 0 failed.\n');
      const j = parse((await audit(c, '--json')).stdout);
      expect(j.nodes.find((x) => x.endpoint === n.name)!.weaknesses.map((w) => w.code)).toEqual(['LEGACY_PROTOCOL_ACCEPTED', 'NON_AEAD_ACCEPTED']);
    } finally {
      await direct(c, 2, 'CONFIG', 'SET', 'tls-ciphers', AEAD_TLS12_CIPHERS, 'tls-protocols', 'TLSv1.2 TLSv1.3');
    }
  });

  it('without --resolve the announced names do not resolve: every node fails, naming --resolve (exit 1)', async () => {
    const c = cluster();
    const r = await run(TREDIS_CLI, [...c.tlsArgs, '--cluster', 'tls-audit', `127.0.0.1:${c.nodes[0]!.port}`, '--json'], { timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    const j = parse(r.stdout);
    expect(j.summary).toMatchObject({ nodes: 6, failed: 6, exitCode: 1 });
    for (const n of j.nodes) {
      expect(n.verdict.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
      expect(n.verdict.hint).toContain(`--resolve ${n.endpoint}:${n.port}:ADDRESS`);
    }
  });

  it('without --tls (the plaintext ports): says the cluster was not audited over TLS and exits 1', async () => {
    const c = cluster();
    const plainResolve = c.nodes.flatMap((n) => ['--resolve', `${n.name}:${n.plainPort}:127.0.0.1`]);
    const r = await run(TREDIS_CLI, ['--cluster', 'tls-audit', `127.0.0.1:${c.nodes[0]!.plainPort}`, ...plainResolve], { timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    const out = r.stdout.toString();
    expect(out).toContain('[ERR] The cluster was not audited over TLS: tredis-cli was not given --tls, so every node was reached in plaintext (the nodes announce TLS ports: run again with --tls).\n');
    expect(out).toContain('[ERR] 6 nodes audited: 0 ok, 0 weak, 6 failed.\n');
    expect(out).toContain('PLAINTEXT: connected in plaintext: this node is not reached over TLS');
  });

  it('a plaintext-only cluster: says it is not TLS and exits 1', async () => {
    const dir = path.join(os.tmpdir(), `tredis-plain-cluster-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    const node = await startRedis({ dir, name: 'plain-cluster', plain: true, extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'] });
    try {
      await redisCli(['-p', String(node.port), 'CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
      const r = await run(TREDIS_CLI, ['--cluster', 'tls-audit', `127.0.0.1:${node.port}`], { timeoutMs: 20_000 });
      expect(r.code).toBe(1);
      const out = r.stdout.toString();
      expect(out).toMatch(new RegExp(`\\n127\\.0\\.0\\.1:${node.port} +primary +- +- +- +- +- +- +- +FAILED\\n`));
      expect(out).toContain('[ERR] The cluster is not TLS: no node announces a TLS port, so nothing between clients and nodes is encrypted (tls-port, tls-cluster yes, tls-replication yes).\n[ERR] 1 node audited: 0 ok, 0 weak, 1 failed.\n');
      const j = await run(TREDIS_CLI, ['--cluster', 'tls-audit', `127.0.0.1:${node.port}`, '--json'], { timeoutMs: 20_000 });
      expect(parse(j.stdout)).toMatchObject({ transport: 'plaintext', clusterTls: false, summary: { exitCode: 1 } });
    } finally {
      await node.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--cluster check and info reach the host-name nodes through --resolve, with redis-cli\'s report', async () => {
    const c = cluster();
    const ip = `127.0.0.1:${c.nodes[0]!.port}`;
    for (const sub of ['check', 'info']) {
      const ours = await run(TREDIS_CLI, [...c.tlsArgs, ...c.resolveArgs, '--cluster', sub, seed(c)], { env: { TERM: 'dumb' } });
      const theirs = await run('redis-cli', [...c.tlsArgs, '--cluster', sub, ip], { env: { TERM: 'dumb' } });
      expect(ours.stderr.toString(), sub).toBe('');
      expect(ours.code, sub).toBe(theirs.code);
      expect(theirs.code, sub).toBe(0);
      // the seed is printed as typed: by name here, by IP for redis-cli
      expect(ours.stdout.toString().split(seed(c)).join(ip), sub).toBe(theirs.stdout.toString());
    }
  });
});
