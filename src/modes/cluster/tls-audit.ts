/**
 * --cluster tls-audit HOST:PORT (beyond redis-cli): reads the cluster's nodes through the seed
 * (CLUSTER SHARDS for each node's preferred endpoint, else CLUSTER NODES), connects to every node,
 * primaries and replicas, as a client sent there by MOVED would (its announced endpoint, SNI and
 * name check for its announced host name, --resolve honoured, the same client certificate), makes
 * the weak-settings probes, and prints one row per node (format/tls-audit.ts). Exit code 1 when a
 * node fails.
 */
import type { Session } from '../../client/session.js';
import { auditNode, finishAudit, type AnnouncedNode, type AuditNode } from '../../connection/tls-audit.js';
import { canProbe, probeWeakTls } from '../../connection/tls-probe.js';
import { renderHandshakeJson } from '../../format/handshake.js';
import { renderTlsAuditJson, renderTlsAuditText } from '../../format/tls-audit.js';
import type { RespValue } from '../../resp/value.js';
import { hostFromArgs, isReplica, type CmNode } from './core.js';
import { ClusterManager, INVALID_HOST_ARG } from './manager.js';

/** Nodes audited at the same time (each is a connect plus two probe handshakes). */
const PARALLEL = 8;
const PROBE_TIMEOUT_MS = 2000;

/** The key/value pairs of a RESP3 map or a RESP2 flat array, keys as text. */
function fieldsOf(v: RespValue | undefined): Map<string, RespValue> {
  const out = new Map<string, RespValue>();
  if (!v) return out;
  if (v.kind === 'map') for (const [k, val] of v.entries) out.set(textOf(k), val);
  else if (v.kind === 'array') for (let i = 0; i + 1 < v.items.length; i += 2) out.set(textOf(v.items[i]!), v.items[i + 1]!);
  return out;
}

function textOf(v: RespValue | undefined): string {
  if (!v) return '';
  if (v.kind === 'bulk' || v.kind === 'simple' || v.kind === 'verbatim') return v.value.toString();
  if (v.kind === 'integer') return v.value.toString();
  return '';
}

/** CLUSTER SHARDS (Redis 7.0+) as announced nodes; null when the server does not have it. */
export function nodesFromShards(reply: RespValue | null, tls: boolean): AnnouncedNode[] | null {
  if (!reply || (reply.kind !== 'array' && reply.kind !== 'set')) return null;
  const out: AnnouncedNode[] = [];
  // shards in slot order (those without slots last), as a person reads the cluster
  const firstSlot = (shard: RespValue) => {
    const slots = fieldsOf(shard).get('slots');
    return slots?.kind === 'array' && slots.items.length > 0 ? Number(textOf(slots.items[0])) : Infinity;
  };
  for (const shard of [...reply.items].sort((a, b) => firstSlot(a) - firstSlot(b))) {
    const nodes = fieldsOf(shard).get('nodes');
    if (!nodes || nodes.kind !== 'array') return null;
    const members = nodes.items.map(fieldsOf);
    const primary = members.find((m) => textOf(m.get('role')) === 'master');
    // the primary first, then its replicas
    for (const m of [...members.filter((x) => x === primary), ...members.filter((x) => x !== primary)]) {
      const role = textOf(m.get('role')) === 'master' ? 'primary' : 'replica';
      // a TLS node announces tls-port (and port only when it also listens in plaintext): the one
      // the client speaks, else the other (then the row says why it failed)
      const [want, other] = tls ? ['tls-port', 'port'] : ['port', 'tls-port'];
      const port = Number(textOf(m.get(want)) || textOf(m.get(other)));
      const hostname = textOf(m.get('hostname'));
      out.push({
        id: textOf(m.get('id')),
        endpoint: textOf(m.get('endpoint')) || textOf(m.get('ip')),
        ip: textOf(m.get('ip')),
        hostname: hostname === '' ? null : hostname,
        port,
        role,
        primaryId: role === 'replica' && primary ? textOf(primary.get('id')) : null,
        health: textOf(m.get('health')) || null,
      });
    }
  }
  return out;
}

/** Does any node of a CLUSTER SHARDS reply announce a TLS port? null when the reply is not one. */
export function shardsAnnounceTls(reply: RespValue | null): boolean | null {
  if (!reply || (reply.kind !== 'array' && reply.kind !== 'set')) return null;
  return reply.items.some((shard) => {
    const nodes = fieldsOf(shard).get('nodes');
    return nodes?.kind === 'array' && nodes.items.some((m) => fieldsOf(m).has('tls-port'));
  });
}

/** The node list from CLUSTER NODES (Redis before 7.0): the host name when announced, else the IP. */
function nodesFromNodesList(nodes: CmNode[], seedAddress: { ip: string; port: number } | undefined): AnnouncedNode[] {
  return nodes.map((n, i) => {
    const ip = i === 0 && seedAddress ? seedAddress.ip : n.ip;
    return { id: n.name, endpoint: n.hostname ?? ip, ip, hostname: n.hostname ?? null, port: n.port, role: isReplica(n) ? 'replica' : 'primary', primaryId: n.replicate, health: null };
  });
}

/** The `myself` address of CLUSTER NODES (the seed may have been typed by another name). */
async function seedAddress(cm: ClusterManager, seed: CmNode): Promise<{ ip: string; port: number } | undefined> {
  const r = await cm.text(seed, ['CLUSTER', 'NODES']);
  const line = r.text?.split('\n').find((l) => l.split(' ')[2]?.includes('myself'));
  const addr = line?.split(' ')[1]?.split('@')[0];
  const colon = addr?.lastIndexOf(':') ?? -1;
  return addr && colon > 0 ? { ip: addr.slice(0, colon), port: Number(addr.slice(colon + 1)) } : undefined;
}

async function auditOne(cm: ClusterManager, node: AnnouncedNode): Promise<AuditNode> {
  // Connect where MOVED sends clients; TLS is about the announced host name (the endpoint without one).
  const tlsName = node.hostname ?? node.endpoint;
  let session: Session | undefined;
  let error: unknown;
  try {
    session = cm.io.session(node.endpoint, node.port, node.hostname ?? undefined);
    await session.connect();
  } catch (err) {
    error = err;
  }
  try {
    if (!session) throw error;
    const plan = session.lastTls?.plan;
    if (error === undefined && plan && session.remote && !session.lastTls?.failure && canProbe(plan, session.tlsFacts?.sharedSigalgs ?? [])) {
      session.tlsProbes = await probeWeakTls({ address: session.remote.address, port: node.port, plan, timeoutMs: PROBE_TIMEOUT_MS });
    }
    const report = session.handshakeReport(error);
    if (cm.io.handshakeJson) cm.io.err(renderHandshakeJson(report).trimEnd());
    return auditNode(node, tlsName, report);
  } catch (err) {
    // no session could even be made (a TLS setting the plan rejects): a row that says so
    const e = err as Error & { code?: string; hint?: string };
    return { ...auditNode(node, tlsName, emptyReport(node)), verdict: { status: 'failed', code: e.code ?? 'ERROR', reason: e.message, hint: e.hint ?? null } };
  } finally {
    session?.close();
  }
}

function emptyReport(node: AnnouncedNode): import('../../connection/handshake.js').HandshakeReport {
  return {
    schema: 'tredis-cli.handshake/1',
    generatedAt: new Date().toISOString(),
    target: { host: node.endpoint, port: node.port, socket: null },
    address: null,
    transport: 'tls',
    timings: { resolveMs: null, connectMs: null, tlsMs: null, authMs: null, selectMs: null, helloMs: null, firstReplyMs: null, totalMs: 0 },
    tls: null,
    warnings: [],
    weaknesses: [],
    verdict: { ok: false, status: 'failed', code: 'ERROR', stage: null, summary: '', reason: null, hint: null },
  };
}

/** Runs `f` over `items` with at most `n` at a time, results in input order. */
async function pool<T, R>(items: readonly T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** --cluster tls-audit HOST:PORT */
export async function commandTlsAudit(cm: ClusterManager, args: string[]): Promise<boolean> {
  const at = hostFromArgs(args);
  if (!at) {
    cm.io.err(INVALID_HOST_ARG);
    return false;
  }
  const seed = ClusterManager.nodeAt(at.ip, at.port);
  const friends = await cm.openClusterNode(seed, true);
  if (!friends) return false;
  const shards = await cm.command(seed, ['CLUSTER', 'SHARDS']);
  const listed = nodesFromShards(shards, cm.io.tls === true) ?? nodesFromNodesList([seed, ...friends], await seedAddress(cm, seed));
  // a node that has met no other does not know its own IP yet (empty in CLUSTER SHARDS): the seed is where it was reached
  const announced = listed.map((n) => (n.endpoint === '' && n.id === seed.name ? { ...n, endpoint: at.ip, ip: n.ip || at.ip } : n));
  cm.closeAll();
  const rows = await pool(announced, PARALLEL, (n) => auditOne(cm, n));
  const report = finishAudit({ host: at.ip, port: at.port }, cm.io.tls ? 'tls' : 'plaintext', rows, shardsAnnounceTls(shards));
  cm.io.out.write(cm.io.json ? renderTlsAuditJson(report) : renderTlsAuditText(report, { color: cm.io.color && cm.io.isTty }));
  return report.summary.exitCode === 0;
}
