/**
 * The model of `--cluster tls-audit`: one row per cluster node built from that node's handshake
 * report (handshake.ts) and weak settings (weak-settings.ts), and the cluster's verdict. Pure:
 * plain data in, plain data out; the JSON layout is documented in docs/tls-audit.schema.json.
 */
import { isIP } from 'node:net';
import type { HandshakeReport } from './handshake.js';
import type { TlsWeakness } from './weak-settings.js';

/** Identifies the JSON layout; bumped only for incompatible changes. */
export const TLS_AUDIT_SCHEMA = 'tredis-cli.tls-audit/1';

/** A node as the cluster announces it (CLUSTER SHARDS, else CLUSTER NODES). */
export interface AnnouncedNode {
  id: string;
  /** The preferred endpoint clients are sent to (MOVED): the host name or the IP. */
  endpoint: string;
  ip: string;
  /** cluster-announce-hostname, or null. */
  hostname: string | null;
  port: number;
  role: 'primary' | 'replica';
  /** The primary's ID for a replica, else null. */
  primaryId: string | null;
  /** CLUSTER SHARDS health (`online`, `failed`, `loading`), or null when read from CLUSTER NODES. */
  health: string | null;
}

/** Whether the server certificate names one announced name. */
export interface NameCoverage {
  name: string;
  kind: 'hostname' | 'ip';
  /** null: no certificate to look at. */
  covered: boolean | null;
}

export interface AuditNode extends AnnouncedNode {
  /** The name sent as SNI and verified (the announced host name, else the endpoint). */
  tlsName: string;
  protocol: string | null;
  cipher: string | null;
  /** The server's own certificate, or null when none was seen. */
  certificate: {
    subject: string;
    sans: string[];
    validTo: string;
    daysLeft: number;
    keyType: string;
    keyBits: number | null;
    signatureAlgorithm: string | null;
    fingerprintSha256: string;
  } | null;
  covers: NameCoverage[];
  /** The CA the chain ends at: the self-signed root's subject and fingerprint, else the last issuer (fingerprint null). */
  ca: { subject: string; fingerprintSha256: string | null } | null;
  /** Chains to the same CA as every other node that showed a chain; null when this one showed none. */
  sameCa: boolean | null;
  weaknesses: TlsWeakness[];
  verdict: {
    /** `ok`: verified, names covered, nothing weak; `weak`: usable but with weak settings; `failed`: see code. */
    status: 'ok' | 'weak' | 'failed';
    /** Why it failed: the connect/TLS error code (`ECONNREFUSED`, `HOSTNAME_MISMATCH`, `CERT_HAS_EXPIRED`, …), `NAME_NOT_COVERED`, `UNVERIFIED` (--insecure), `PLAINTEXT`; else null. */
    code: string | null;
    reason: string | null;
    hint: string | null;
  };
}

export interface TlsAuditReport {
  schema: typeof TLS_AUDIT_SCHEMA;
  generatedAt: string;
  /** The node the cluster was read from, as typed. */
  seed: { host: string; port: number };
  transport: 'tls' | 'plaintext';
  /** Some node announces a TLS port (CLUSTER SHARDS `tls-port`); null when not known (CLUSTER NODES). */
  clusterTls: boolean | null;
  nodes: AuditNode[];
  summary: {
    nodes: number;
    ok: number;
    weak: number;
    failed: number;
    /** Every node that showed a chain ends at the same CA; null when none showed one. */
    sameCa: boolean | null;
    /** The distinct CAs seen (subjects). */
    cas: string[];
    /** `failed` when any node failed, else `weak` when any is weak or the nodes chain to several CAs, else `ok`. */
    verdict: 'ok' | 'weak' | 'failed';
    /** 1 when any node failed (the exit code of tredis-cli). */
    exitCode: 0 | 1;
  };
}

/** RFC 6125 matching of one DNS SAN (a wildcard only as the whole left-most label). */
function dnsMatches(san: string, name: string): boolean {
  const s = san.toLowerCase();
  const n = name.toLowerCase().replace(/\.$/, '');
  if (!s.startsWith('*.')) return s === n;
  const dot = n.indexOf('.');
  return dot > 0 && n.slice(dot + 1) === s.slice(2);
}

/** Does a SAN list (`DNS:x`, `IP Address:1.2.3.4`) cover `name`? (CN is not used: RFC 6125, as Node.) */
export function sansCover(sans: readonly string[], name: string): boolean {
  if (isIP(name) !== 0) {
    const want = name.toLowerCase();
    return sans.some((s) => s.startsWith('IP Address:') && s.slice(11).toLowerCase() === want);
  }
  return sans.some((s) => s.startsWith('DNS:') && dnsMatches(s.slice(4), name));
}

/** One node's row from its handshake report (made connecting to `node.endpoint` with SNI `tlsName`). */
export function auditNode(node: AnnouncedNode, tlsName: string, report: HandshakeReport): AuditNode {
  const tls = report.tls;
  const certs = tls?.chain.certificates ?? [];
  const leaf = certs[0];
  const top = certs[certs.length - 1];
  const names: Array<Omit<NameCoverage, 'covered'>> = [];
  if (node.hostname) names.push({ name: node.hostname, kind: 'hostname' });
  if (node.ip !== '' && !names.some((n) => n.name === node.ip)) names.push({ name: node.ip, kind: 'ip' });
  if (node.endpoint !== '' && !names.some((n) => n.name === node.endpoint)) names.push({ name: node.endpoint, kind: isIP(node.endpoint) !== 0 ? 'ip' : 'hostname' });
  const covers = names.map((n) => ({ ...n, covered: leaf ? sansCover(leaf.sans, n.name) : null }));
  const ca = top ? (top.selfSigned ? { subject: top.subject, fingerprintSha256: top.fingerprintSha256 } : { subject: top.issuer, fingerprintSha256: null }) : null;
  const weaknesses = report.weaknesses;
  return {
    ...node,
    tlsName,
    protocol: tls?.negotiated?.protocol ?? null,
    cipher: tls?.negotiated?.cipher.standardName || null,
    certificate: leaf
      ? { subject: leaf.subject, sans: leaf.sans, validTo: leaf.validTo, daysLeft: leaf.daysLeft, keyType: leaf.keyType, keyBits: leaf.keyBits, signatureAlgorithm: leaf.signatureAlgorithm, fingerprintSha256: leaf.fingerprintSha256 }
      : null,
    covers,
    ca,
    sameCa: null,
    weaknesses,
    verdict: nodeVerdict(report, tlsName, covers, weaknesses),
  };
}

function nodeVerdict(report: HandshakeReport, tlsName: string, covers: NameCoverage[], weak: TlsWeakness[]): AuditNode['verdict'] {
  const v = report.verdict;
  if (report.transport === 'plaintext' && v.status !== 'failed') {
    return { status: 'failed', code: 'PLAINTEXT', reason: 'connected in plaintext: this node is not reached over TLS', hint: 'give --tls (and the cluster\'s TLS ports: tls-port, tls-cluster yes)' };
  }
  const notCovered = covers.find((c) => c.name === tlsName && c.covered === false);
  // A name check that failed is the audit's own finding: said as such, with the server-side fix.
  if ((v.status === 'failed' && v.code !== 'HOSTNAME_MISMATCH') || v.status === 'pending') {
    const code = v.code ?? 'ERROR';
    // an announced name this machine cannot resolve (private DNS, NAT): --resolve is the way in
    const unresolved = /^(ENOTFOUND|EAI_)/.test(code) && isIP(tlsName) === 0;
    const hint = unresolved ? `the cluster announces ${tlsName}, which does not resolve here: add --resolve ${tlsName}:${report.target.port}:ADDRESS (SNI and the certificate check still use ${tlsName})` : v.hint;
    return { status: 'failed', code, reason: v.reason ?? v.summary, hint };
  }
  if (notCovered) {
    const sans = report.tls?.chain.certificates[0]?.sans ?? [];
    return { status: 'failed', code: 'NAME_NOT_COVERED', reason: `the certificate does not cover the announced ${notCovered.kind === 'ip' ? 'IP' : 'host name'} ${tlsName}: its names are ${sans.length > 0 ? sans.join(', ') : '(none)'}`, hint: `reissue the node's certificate with subjectAltName ${notCovered.kind === 'ip' ? 'IP' : 'DNS'}:${tlsName} and load it with tls-cert-file` };
  }
  if (v.status === 'unverified') {
    return { status: 'failed', code: 'UNVERIFIED', reason: 'not verified (--insecure): the chain and the name were not checked', hint: 'pass the cluster\'s CA with --cacert FILE and drop --insecure' };
  }
  if (weak.length > 0) {
    return { status: 'weak', code: null, reason: weak.map((w) => w.what).join('; '), hint: null };
  }
  return { status: 'ok', code: null, reason: null, hint: null };
}

/** The cluster's report: whether the nodes chain to one CA, the counts and the verdict. */
export function finishAudit(seed: { host: string; port: number }, transport: 'tls' | 'plaintext', rows: AuditNode[], clusterTls: boolean | null = null, now: Date = new Date()): TlsAuditReport {
  const caKey = (n: AuditNode) => (n.ca ? `${n.ca.subject}|${n.ca.fingerprintSha256 ?? ''}` : null);
  const counts = new Map<string, number>();
  for (const n of rows) {
    const k = caKey(n);
    if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const nodes = rows.map((n) => ({ ...n, sameCa: caKey(n) === null ? null : counts.size === 1 }));
  const ok = nodes.filter((n) => n.verdict.status === 'ok').length;
  const weak = nodes.filter((n) => n.verdict.status === 'weak').length;
  const failed = nodes.filter((n) => n.verdict.status === 'failed').length;
  // Nodes chaining to different CAs are usable (each verified) but need every CA on every client.
  const verdict = failed > 0 || nodes.length === 0 ? 'failed' : weak > 0 || counts.size > 1 ? 'weak' : 'ok';
  return {
    schema: TLS_AUDIT_SCHEMA,
    generatedAt: now.toISOString(),
    seed,
    transport,
    clusterTls,
    nodes,
    summary: {
      nodes: nodes.length,
      ok,
      weak,
      failed,
      sameCa: counts.size === 0 ? null : counts.size === 1,
      cas: [...new Set(nodes.flatMap((n) => (n.ca ? [n.ca.subject] : [])))],
      verdict,
      exitCode: verdict === 'failed' ? 1 : 0,
    },
  };
}
