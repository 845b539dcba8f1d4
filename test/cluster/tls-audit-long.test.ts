// --cluster tls-audit on the IP-endpoint TLS cluster (nodes announce 127.0.0.1, OpenSSL's default
// ciphers): names are IPs (no SNI, IP SANs checked), CBC ciphers accepted everywhere and listed
// once with their fix; an expired certificate on one node and a stopped node fail the audit.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redisCli } from '../../scripts/lib/cluster-lab.mjs';
import { useCluster, type ClusterLab } from '../helpers/cluster.js';
import { run, TREDIS_CLI } from '../helpers/run.js';
import { validate } from '../integration/handshake-schema.js';
import { lab } from '../setup/env.js';

const cluster = useCluster('ip');
const schema = JSON.parse(readFileSync(new URL('../../docs/tls-audit.schema.json', import.meta.url), 'utf8')) as Parameters<typeof validate>[1];

const direct = (c: ClusterLab, i: number, ...args: string[]) => redisCli([...c.tlsArgs, '-h', '127.0.0.1', '-p', String(c.nodes[i]!.port), ...args]);
const audit = (c: ClusterLab, ...extra: string[]) => run(TREDIS_CLI, [...c.tlsArgs, '--cluster', 'tls-audit', `127.0.0.1:${c.nodes[0]!.port}`, ...extra], { timeoutMs: 30_000 });

interface AuditJson {
  summary: Record<string, unknown>;
  nodes: Array<{ port: number; tlsName: string; role: string; covers: Array<{ name: string; kind: string; covered: boolean }>; weaknesses: Array<{ code: string }>; verdict: { status: string; code: string | null; reason: string | null } }>;
}

describe('--cluster tls-audit, IP endpoints', () => {
  it('every node verified against its IP SAN; CBC ciphers accepted, listed once for all nodes; exit 0', async () => {
    const c = cluster();
    const r = await audit(c);
    expect(r.stderr.toString()).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout.toString();
    for (const n of c.nodes) expect(out).toMatch(new RegExp(`\\n127\\.0\\.0\\.1:${n.port} +${n.role} +TLSv1\\.3 .* yes +tredis test CA +WEAK\\n`));
    expect(out).toContain('Weak settings and their fixes:\n  WEAK (medium) all 6 nodes: the server accepts non-AEAD ciphers');
    expect(out.match(/ fix: tls-ciphers /g)).toHaveLength(1);
    expect(out).toContain('[WARNING] 6 nodes audited: 0 ok, 6 weak, 0 failed.\n');
    const j = JSON.parse((await audit(c, '--json')).stdout.toString()) as AuditJson;
    expect(validate(j, schema)).toEqual([]);
    expect(j.nodes.every((n) => n.tlsName === '127.0.0.1' && n.covers.length === 1 && n.covers[0]!.kind === 'ip' && n.covers[0]!.covered)).toBe(true);
    expect(j.nodes.every((n) => n.weaknesses.map((w) => w.code).join() === 'NON_AEAD_ACCEPTED')).toBe(true);
  });

  it('an expired certificate on one node fails it with CERT_HAS_EXPIRED (exit 1)', async () => {
    const c = cluster();
    const n = c.nodes[4]!;
    await direct(c, 4, 'CONFIG', 'SET', 'tls-cert-file', lab().certs.expiredCert, 'tls-key-file', lab().certs.expiredKey);
    try {
      const r = await audit(c, '--json');
      expect(r.code).toBe(1);
      const j = JSON.parse(r.stdout.toString()) as AuditJson;
      expect(validate(j, schema)).toEqual([]);
      const row = j.nodes.find((x) => x.port === n.port)!;
      expect(row.verdict).toMatchObject({ status: 'failed', code: 'CERT_HAS_EXPIRED' });
      expect(row.verdict.reason).toMatch(/expired/);
      expect(j.summary).toMatchObject({ failed: 1, exitCode: 1 });
    } finally {
      // redis-cli refuses the expired certificate too: put the node's own back without verifying
      const insecure = c.tlsArgs.flatMap((a, k) => (a === '--cacert' ? ['--insecure'] : c.tlsArgs[k - 1] === '--cacert' ? [] : [a]));
      await redisCli([...insecure, '-h', '127.0.0.1', '-p', String(n.port), 'CONFIG', 'SET', 'tls-cert-file', n.cert, 'tls-key-file', n.key]);
    }
  });

  it('a stopped node is named unreachable and fails the audit (exit 1); the others are still audited', async () => {
    const c = cluster();
    const n = c.nodes[5]!;
    process.kill(n.pid, 'SIGKILL'); // our own redis-server, by PID; the cluster is stopped after this file
    const r = await audit(c);
    expect(r.code).toBe(1);
    const out = r.stdout.toString();
    expect(out).toMatch(new RegExp(`\\n127\\.0\\.0\\.1:${n.port} +replica +- +- +- +- +- +- +- +FAILED\\n`));
    expect(out).toContain(`  127.0.0.1:${n.port}  ECONNREFUSED: Connection refused`);
    expect(out).toContain('[ERR] 6 nodes audited: 0 ok, 5 weak, 1 failed.\n');
  });
});
