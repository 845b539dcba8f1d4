// The --cluster tls-audit model (src/connection/tls-audit.ts) on hand-made handshake reports, the
// CLUSTER SHARDS reader, and the two JSON schemas' shared `weakness` definition.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChainCertificateReport, HandshakeReport } from '../../../src/connection/handshake.js';
import { auditNode, finishAudit, sansCover, type AnnouncedNode } from '../../../src/connection/tls-audit.js';
import { nodesFromShards } from '../../../src/modes/cluster/tls-audit.js';
import type { RespValue } from '../../../src/resp/value.js';

function cert(over: Partial<ChainCertificateReport> = {}): ChainCertificateReport {
  return {
    depth: 0, subject: 'CN=node1.example', issuer: 'CN=ca', commonName: 'node1.example', sans: ['DNS:node1.example', 'IP Address:10.0.0.1'], validFrom: '2026-01-01T00:00:00.000Z',
    validTo: '2028-01-01T00:00:00.000Z', daysLeft: 400, validity: 'valid', keyType: 'ec', keyBits: 256, keyCurve: 'prime256v1', signatureAlgorithm: 'ecdsa-with-SHA256',
    fingerprintSha256: 'AA', spkiSha256: 'x', serial: '01', isCA: false, selfSigned: false, inTrustStore: false, status: 'ok', problem: null, ...over,
  };
}
const root = (fp = 'CAFP', subject = 'CN=ca') => cert({ depth: 1, subject, issuer: subject, commonName: 'ca', sans: [], isCA: true, selfSigned: true, fingerprintSha256: fp });

function report(over: { certs?: ChainCertificateReport[]; verdict?: Partial<HandshakeReport['verdict']>; transport?: 'tls' | 'plaintext' } = {}): HandshakeReport {
  const transport = over.transport ?? 'tls';
  return {
    schema: 'tredis-cli.handshake/1', generatedAt: '2026-06-01T00:00:00.000Z', target: { host: 'node1.example', port: 6380, socket: null }, address: null, transport,
    timings: { resolveMs: null, connectMs: 1, tlsMs: 1, authMs: null, selectMs: null, helloMs: null, firstReplyMs: null, totalMs: 2 },
    tls: transport === 'plaintext' ? null : {
      verifyMode: 'full', sni: { sent: 'node1.example', reason: null }, trust: { source: 'file', paths: [], caCount: 1, description: '' },
      negotiated: { protocol: 'TLSv1.3', cipher: { standardName: 'TLS_AES_128_GCM_SHA256', opensslName: 'TLS_AES_128_GCM_SHA256' }, keyExchange: null, signature: { scheme: null, inferred: true, basis: '' }, alpn: null, resumed: false, ticket: false, ticketLifetimeSec: null },
      chain: { source: 'handshake', certificates: over.certs ?? [cert(), root()], missingIssuer: null },
      verification: { chain: 'ok', code: null, reason: null, hint: null, failedDepth: null },
      identity: { status: 'matched', name: 'node1.example', matchedSan: 'DNS:node1.example', sentence: '' }, probes: null, pin: null,
      clientCertificate: { requested: false, basis: '', source: null, encryptedKey: false, sent: false, certificate: null, acceptedSigalgs: [] },
    },
    warnings: [], weaknesses: [],
    verdict: { ok: true, status: transport === 'plaintext' ? 'plaintext' : 'verified', code: null, stage: null, summary: '', reason: null, hint: null, ...over.verdict },
  };
}

const node = (over: Partial<AnnouncedNode> = {}): AnnouncedNode => ({ id: 'a'.repeat(40), endpoint: 'node1.example', ip: '10.0.0.1', hostname: 'node1.example', port: 6380, role: 'primary', primaryId: null, health: 'online', ...over });

describe('sansCover', () => {
  it.each([
    { sans: ['DNS:node1.example'], name: 'node1.example', want: true },
    { sans: ['DNS:NODE1.example'], name: 'node1.EXAMPLE', want: true },
    { sans: ['DNS:*.example'], name: 'node1.example', want: true },
    { sans: ['DNS:*.example'], name: 'a.node1.example', want: false },
    { sans: ['DNS:node1.example'], name: 'node2.example', want: false },
    { sans: ['IP Address:10.0.0.1'], name: '10.0.0.1', want: true },
    { sans: ['DNS:10.0.0.1'], name: '10.0.0.1', want: false },
    { sans: [], name: 'node1.example', want: false },
  ])('$sans covers $name: $want', ({ sans, name, want }) => {
    expect(sansCover(sans, name)).toBe(want);
  });
});

describe('auditNode / finishAudit', () => {
  it('a verified node whose certificate covers its names is OK; one CA → sameCa', () => {
    const a = finishAudit({ host: 'node1.example', port: 6380 }, 'tls', [auditNode(node(), 'node1.example', report())]);
    expect(a.nodes[0]!.verdict).toEqual({ status: 'ok', code: null, reason: null, hint: null });
    expect(a.nodes[0]!.covers).toEqual([{ name: 'node1.example', kind: 'hostname', covered: true }, { name: '10.0.0.1', kind: 'ip', covered: true }]);
    expect(a.nodes[0]!.ca).toEqual({ subject: 'CN=ca', fingerprintSha256: 'CAFP' });
    expect(a.summary).toMatchObject({ nodes: 1, ok: 1, sameCa: true, verdict: 'ok', exitCode: 0 });
  });

  it('a name mismatch (verification on) and a name not covered (--no-verify-hostname) both fail as NAME_NOT_COVERED', () => {
    const stranger = [cert({ sans: ['DNS:stranger.example'] }), root()];
    const mismatch = auditNode(node(), 'node1.example', report({ certs: stranger, verdict: { ok: false, status: 'failed', code: 'HOSTNAME_MISMATCH', reason: 'x', hint: 'use --sni' } }));
    const skipped = auditNode(node(), 'node1.example', report({ certs: stranger, verdict: { status: 'chain-only' } }));
    for (const n of [mismatch, skipped]) {
      expect(n.verdict.code).toBe('NAME_NOT_COVERED');
      expect(n.verdict.reason).toBe('the certificate does not cover the announced host name node1.example: its names are DNS:stranger.example');
      expect(n.verdict.hint).toBe("reissue the node's certificate with subjectAltName DNS:node1.example and load it with tls-cert-file");
    }
  });

  it.each([
    { name: 'refused', verdict: { ok: false, status: 'failed' as const, code: 'ECONNREFUSED', reason: 'Connection refused', hint: null }, code: 'ECONNREFUSED' },
    { name: 'expired', verdict: { ok: false, status: 'failed' as const, code: 'CERT_HAS_EXPIRED', reason: 'expired', hint: 'renew' }, code: 'CERT_HAS_EXPIRED' },
    { name: '--insecure', verdict: { status: 'unverified' as const }, code: 'UNVERIFIED' },
  ])('$name fails with code $code', ({ verdict, code }) => {
    expect(auditNode(node(), 'node1.example', report({ verdict })).verdict).toMatchObject({ status: 'failed', code });
  });

  it('an unresolvable announced name points at --resolve', () => {
    const n = auditNode(node(), 'node1.example', report({ certs: [], verdict: { ok: false, status: 'failed', code: 'ENOTFOUND', reason: 'Name or service not known', hint: null } }));
    expect(n.verdict.hint).toBe('the cluster announces node1.example, which does not resolve here: add --resolve node1.example:6380:ADDRESS (SNI and the certificate check still use node1.example)');
  });

  it('a plaintext connection fails as PLAINTEXT', () => {
    expect(auditNode(node(), 'node1.example', report({ transport: 'plaintext' })).verdict.code).toBe('PLAINTEXT');
  });

  it('nodes chaining to two CAs: sameCa false everywhere, verdict weak (exit 0); a failed node makes exit 1', () => {
    const a = auditNode(node(), 'node1.example', report());
    const b = auditNode(node({ id: 'b'.repeat(40), endpoint: 'node2.example', hostname: 'node2.example' }), 'node2.example', report({ certs: [cert({ sans: ['DNS:node2.example'] }), root('OTHER', 'CN=other')] }));
    const two = finishAudit({ host: 'x', port: 1 }, 'tls', [a, b]);
    expect(two.nodes.map((n) => n.sameCa)).toEqual([false, false]);
    expect(two.summary).toMatchObject({ sameCa: false, cas: ['CN=ca', 'CN=other'], verdict: 'weak', exitCode: 0 });
    const down = auditNode(node({ endpoint: 'node3.example', hostname: 'node3.example' }), 'node3.example', report({ certs: [], verdict: { ok: false, status: 'failed', code: 'ECONNREFUSED', reason: 'refused' } }));
    expect(finishAudit({ host: 'x', port: 1 }, 'tls', [a, down]).summary).toMatchObject({ failed: 1, sameCa: true, verdict: 'failed', exitCode: 1 });
    expect(finishAudit({ host: 'x', port: 1 }, 'tls', []).summary.exitCode).toBe(1);
  });
});

describe('nodesFromShards', () => {
  const b = (s: string): RespValue => ({ kind: 'bulk', value: Buffer.from(s) });
  const i = (n: number): RespValue => ({ kind: 'integer', value: BigInt(n) });
  const flat = (...kv: RespValue[]): RespValue => ({ kind: 'array', items: kv });
  const member = (id: string, role: string, tlsPort: number, host?: string) =>
    flat(b('id'), b(id), b('port'), i(tlsPort - 1000), b('tls-port'), i(tlsPort), b('ip'), b('10.0.0.1'), b('endpoint'), b(host ?? '10.0.0.1'), ...(host ? [b('hostname'), b(host)] : []), b('role'), b(role), b('health'), b('online'));
  const shard = (first: number, ...members: RespValue[]) => flat(b('slots'), { kind: 'array', items: [i(first), i(first + 9)] }, b('nodes'), { kind: 'array', items: members });

  it('reads RESP2 shards in slot order, primary first, tls-port with --tls and port without', () => {
    const reply: RespValue = { kind: 'array', items: [shard(100, member('r2', 'replica', 7004, 'n4'), member('p2', 'master', 7002, 'n2')), shard(0, member('p1', 'master', 7001))] };
    const tls = nodesFromShards(reply, true)!;
    expect(tls.map((n) => [n.id, n.endpoint, n.hostname, n.port, n.role, n.primaryId])).toEqual([
      ['p1', '10.0.0.1', null, 7001, 'primary', null],
      ['p2', 'n2', 'n2', 7002, 'primary', null],
      ['r2', 'n4', 'n4', 7004, 'replica', 'p2'],
    ]);
    expect(nodesFromShards(reply, false)!.map((n) => n.port)).toEqual([6001, 6002, 6004]);
  });

  it('is null for an error reply (no CLUSTER SHARDS before Redis 7.0)', () => {
    expect(nodesFromShards({ kind: 'error', value: Buffer.from('ERR unknown subcommand') }, true)).toBeNull();
    expect(nodesFromShards(null, true)).toBeNull();
  });
});

describe('schemas', () => {
  it('docs/tls-audit.schema.json and man/tredis-cli-handshake.schema.json define `weakness` alike', () => {
    const read = (u: string) => JSON.parse(readFileSync(new URL(u, import.meta.url), 'utf8')) as { $defs: Record<string, unknown> };
    expect(read('../../../docs/tls-audit.schema.json').$defs.weakness).toEqual(read('../../../man/tredis-cli-handshake.schema.json').$defs.weakness);
  });
});
