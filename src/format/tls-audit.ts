/**
 * `--cluster tls-audit` for people (a table, one row per node, then each node's problems with the
 * fix) and for programs (one JSON document, schema tredis-cli.tls-audit/1, docs/tls-audit.schema.json).
 */
import type { AuditNode, TlsAuditReport } from '../connection/tls-audit.js';

/** The whole report as pretty JSON (one document; stdout). */
export function renderTlsAuditJson(report: TlsAuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

// The colours of the cluster manager's log lines (clusterManagerLog, redis-cli 7.0.15).
const PAINT = { ok: '32;1m', warn: '33;1m', err: '31;1m' } as const;

function cnOrSubject(subject: string): string {
  const m = /(?:^|, )CN=([^,]*)/.exec(subject);
  return m ? `CN=${m[1]!}` : subject;
}

function verdictWord(n: AuditNode): string {
  return n.verdict.status === 'ok' ? 'OK' : n.verdict.status === 'weak' ? 'WEAK' : 'FAILED';
}

function expires(n: AuditNode): string {
  const c = n.certificate;
  if (!c) return '-';
  return c.daysLeft < 0 ? `expired ${-c.daysLeft} d ago` : `${c.daysLeft} d`;
}

function covers(n: AuditNode): string {
  const mine = n.covers.find((c) => c.name === n.tlsName);
  if (!mine || mine.covered === null) return '-';
  const others = n.covers.filter((c) => c !== mine && c.covered === false).map((c) => c.name);
  return `${mine.covered ? 'yes' : 'NO'}${others.length > 0 ? ` (not ${others.join(', ')})` : ''}`;
}

function caCell(n: AuditNode): string {
  if (!n.ca) return '-';
  return `${cnOrSubject(n.ca.subject).replace(/^CN=/, '')}${n.sameCa === false ? ' (differs)' : ''}`;
}

/** The table, the problems with their fixes, and the summary lines. */
export function renderTlsAuditText(report: TlsAuditReport, opts: { color: boolean }): string {
  const paint = (k: keyof typeof PAINT, t: string) => (opts.color ? `\x1b[${PAINT[k]}${t}\x1b[0m` : t);
  const head = ['ENDPOINT', 'ROLE', 'PROTOCOL', 'CIPHER', 'SUBJECT', 'SANS', 'EXPIRES', 'COVERS', 'CA', 'VERDICT'];
  const rows = report.nodes.map((n) => [
    `${n.endpoint}:${n.port}`,
    n.role,
    n.protocol ?? '-',
    n.cipher ?? '-',
    n.certificate ? cnOrSubject(n.certificate.subject) : '-',
    n.certificate ? (n.certificate.sans.length > 0 ? n.certificate.sans.map((s) => s.replace(/^IP Address:/, 'IP:')).join(', ') : '(none)') : '-',
    expires(n),
    covers(n),
    caCell(n),
    verdictWord(n),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[], last?: string) => cells.map((c, i) => (i === cells.length - 1 ? (last ?? c) : c.padEnd(widths[i]!))).join('  ');
  const out: string[] = [];
  out.push(`>>> TLS audit of the cluster at ${report.seed.host}:${report.seed.port}: ${report.nodes.length} node${report.nodes.length === 1 ? '' : 's'}`);
  out.push(line(head));
  report.nodes.forEach((n, i) => {
    const w = verdictWord(n);
    out.push(line(rows[i]!, paint(n.verdict.status === 'ok' ? 'ok' : n.verdict.status === 'weak' ? 'warn' : 'err', w)));
  });
  const failed = report.nodes.filter((n) => n.verdict.status === 'failed');
  if (failed.length > 0) {
    out.push('', 'Failed:');
    for (const n of failed) {
      out.push(`  ${n.endpoint}:${n.port}  ${paint('err', `${n.verdict.code ?? 'ERROR'}`)}: ${n.verdict.reason ?? ''}`);
      if (n.verdict.hint) out.push(`    hint: ${n.verdict.hint}`);
    }
  }
  // The same weakness on several nodes (one redis.conf for the whole cluster, usually) is listed once.
  const groups = new Map<string, { sev: string; what: string; fix: string; nodes: string[] }>();
  for (const n of report.nodes) {
    for (const w of n.weaknesses) {
      const key = `${w.code}|${w.what.replace(/"[^"]*"/g, '')}|${w.fix}`;
      const g = groups.get(key) ?? { sev: w.severity, what: w.what, fix: w.fix, nodes: [] };
      g.nodes.push(`${n.endpoint}:${n.port}`);
      groups.set(key, g);
    }
  }
  if (groups.size > 0) {
    out.push('', 'Weak settings and their fixes:');
    for (const g of groups.values()) {
      const where = g.nodes.length === report.nodes.length && g.nodes.length > 1 ? `all ${g.nodes.length} nodes` : g.nodes.join(', ');
      out.push(`  ${paint(g.sev === 'high' ? 'err' : 'warn', `WEAK (${g.sev})`)} ${where}: ${g.nodes.length > 1 ? g.what.replace(/"[^"]*"/, '"…"') : g.what}`);
      out.push(`    fix: ${g.fix}`);
    }
  }
  out.push('');
  const s = report.summary;
  if (report.transport === 'plaintext') {
    out.push(paint('err', report.clusterTls === false
      ? '[ERR] The cluster is not TLS: no node announces a TLS port, so nothing between clients and nodes is encrypted (tls-port, tls-cluster yes, tls-replication yes).'
      : '[ERR] The cluster was not audited over TLS: tredis-cli was not given --tls, so every node was reached in plaintext (the nodes announce TLS ports: run again with --tls).'));
  }
  if (s.sameCa === true) out.push(`CA: every node that showed a chain ends at the same CA (${s.cas[0] ?? '?'}).`);
  else if (s.sameCa === false) out.push(paint('warn', `CA: the nodes chain to ${s.cas.length} different CAs (${s.cas.join('; ')}): clients need all of them.`));
  const counts = `${s.nodes} node${s.nodes === 1 ? '' : 's'} audited: ${s.ok} ok, ${s.weak} weak, ${s.failed} failed`;
  out.push(s.verdict === 'failed' ? paint('err', `[ERR] ${counts}.`) : s.verdict === 'weak' ? paint('warn', `[WARNING] ${counts}.`) : paint('ok', `[OK] ${counts}.`));
  return `${out.join('\n')}\n`;
}
