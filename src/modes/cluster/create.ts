/**
 * --cluster create (clusterManagerCommandCreate, redis-cli 7.0.15): checks that every node is an
 * empty cluster node, plans primaries, slots and replicas, asks, then ADDSLOTS, SET-CONFIG-EPOCH,
 * MEET, waits for the nodes to agree, REPLICATE, and checks the result.
 */
import { lookup } from 'node:dns/promises';
import { infoField, nodeInfo, parseNodeAddress, type CmNode } from './core.js';
import { optimizeAntiAffinity, planCreate } from './create-plan.js';
import { checkCluster, isConfigConsistent } from './inspect.js';
import { ClusterManager } from './manager.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** clusterManagerNodeIsEmpty: no key in db0 and no other node known. Prints redis-cli's error. */
export async function checkEmpty(cm: ClusterManager, n: CmNode): Promise<boolean> {
  const info = await cm.text(n, ['INFO']);
  let err = info.error;
  let empty = info.text !== undefined && !info.text.includes('db0:');
  if (empty) {
    const ci = await cm.text(n, ['CLUSTER', 'INFO']);
    err = ci.error;
    empty = ci.text !== undefined && infoField(ci.text, 'cluster_known_nodes') === '1';
  }
  if (!empty) {
    cm.log('err', `[ERR] Node ${n.ip}:${n.port} ${err ?? 'is not empty. Either the node already knows other nodes (check with CLUSTER NODES) or contains some key in database 0.'}\n`);
  }
  return empty;
}

/** clusterManagerFlushNodeConfig: REPLICATE for a replica, ADDSLOTS for a primary. */
async function flushNodeConfig(cm: ClusterManager, n: CmNode): Promise<{ ok: boolean; error?: string }> {
  if (!n.dirty) return { ok: false };
  if (n.replicate !== null) {
    const r = await cm.ok(n, ['CLUSTER', 'REPLICATE', n.replicate], true);
    if (!r.ok) return { ok: false, error: r.error }; // the primary may not be known yet: stays dirty
  } else {
    const slots: string[] = [];
    for (let i = 0; i < n.slots.length; i++) if (n.slots[i]) slots.push(String(i));
    if (slots.length === 0) {
      n.dirty = false;
      return { ok: false };
    }
    const r = await cm.ok(n, ['CLUSTER', 'ADDSLOTS', ...slots], true);
    n.dirty = false;
    return r.ok ? { ok: true } : { ok: false, error: r.error };
  }
  n.dirty = false;
  return { ok: true };
}

/**
 * CLUSTER MEET toward `first`: its address looked up (MEET needs an IP), the bus port given only
 * when it is not port + 10000 (the 4.0 form). Null after printing redis-cli's error.
 */
export async function meetCommand(cm: ClusterManager, first: CmNode): Promise<string[] | null> {
  let ip: string;
  try {
    ip = (await lookup(first.ip)).address;
  } catch {
    cm.io.err(`Invalid IP address or hostname specified: ${first.ip}`);
    return null;
  }
  return first.busPort === 0 || first.busPort === first.port + 10000
    ? ['CLUSTER', 'MEET', ip, String(first.port)]
    : ['CLUSTER', 'MEET', ip, String(first.port), String(first.busPort)];
}

/** clusterManagerWaitForClusterJoin: a dot a second until every node has the same slot table. */
export async function waitForJoin(cm: ClusterManager, deadlineMs: number): Promise<boolean> {
  cm.io.out.write('Waiting for the cluster to join\n');
  const t0 = Date.now();
  while (!(await isConfigConsistent(cm))) {
    cm.io.out.write('.');
    await cm.io.out.flush();
    await sleep(1000);
    if (Date.now() - t0 > deadlineMs) {
      // redis-cli waits forever; a bound, with the nodes named, is kinder
      cm.io.out.write('\n');
      cm.log('err', `[ERR] The nodes did not agree within ${Math.round(deadlineMs / 1000)} s: check that every cluster bus port (port + 10000, or cluster-port) is reachable from every node\n`);
      return false;
    }
  }
  cm.io.out.write('\n');
  return true;
}

export async function commandCreate(cm: ClusterManager, args: string[]): Promise<boolean> {
  const nodes: CmNode[] = [];
  for (const addr of args) {
    const a = parseNodeAddress(addr);
    if (!a) {
      cm.io.err(`Invalid address format: ${addr}`);
      return false;
    }
    const n = ClusterManager.nodeAt(a.ip, a.port);
    if (!(await cm.openClusterNode(n, false)) || !(await checkEmpty(cm, n))) return false;
    nodes.push(n);
  }
  cm.nodes = nodes;
  const replicas = cm.opts.replicas;
  const mastersCount = Math.floor(nodes.length / (replicas + 1));
  if (mastersCount < 3) {
    cm.log('err', `*** ERROR: Invalid configuration for cluster creation.\n*** Redis Cluster requires at least 3 master nodes.\n*** This is not possible with ${nodes.length} nodes and ${replicas} replicas per node.`);
    cm.log('err', `\n*** At least ${3 * (replicas + 1)} nodes are required.\n`);
    return false;
  }
  cm.log('info', `>>> Performing hash slots allocation on ${nodes.length} nodes...\n`);
  const plan = planCreate(nodes, replicas);
  for (const l of plan.lines) cm.io.out.write(`${l}\n`);
  const optimised = optimizeAntiAffinity(nodes, Math.random);
  if (optimised) {
    cm.log('info', '>>> Trying to optimize slaves allocation for anti-affinity\n');
    cm.log(optimised.level, `${optimised.text}\n`);
  }
  for (const n of nodes) cm.io.out.write(`${nodeInfo(n)}\n`);
  if (!cm.opts.yes && !(await cm.io.ask('Can I set the above configuration?'))) return true;
  for (const n of nodes) {
    const f = await flushNodeConfig(cm, n);
    if (!f.ok && n.dirty && n.replicate === null) {
      if (f.error) cm.printReplyError(n, f.error);
      return false;
    }
  }
  cm.log('info', '>>> Nodes configuration updated\n');
  cm.log('info', '>>> Assign a different config epoch to each node\n');
  let epoch = 1;
  for (const n of nodes) await cm.command(n, ['CLUSTER', 'SET-CONFIG-EPOCH', String(epoch++)]);
  cm.log('info', '>>> Sending CLUSTER MEET messages to join the cluster\n');
  const first = nodes[0]!;
  const meet = await meetCommand(cm, first);
  if (!meet) return false;
  for (const n of nodes.slice(1)) {
    const r = await cm.command(n, meet);
    if (r === null) {
      cm.io.err('Failed to send CLUSTER MEET command.');
      return false;
    }
    if (r.kind === 'error') {
      cm.printReplyError(n, r.value.toString());
      return false;
    }
  }
  // one second for the join to start, as redis-cli waits
  await sleep(1000);
  if (!(await waitForJoin(cm, Math.max(cm.opts.timeout, 60_000)))) return false;
  for (const n of nodes) {
    if (!n.dirty) continue;
    const f = await flushNodeConfig(cm, n);
    if (!f.ok && n.replicate === null) {
      if (f.error) cm.printReplyError(n, f.error);
      return false;
    }
  }
  const seed = ClusterManager.nodeAt(first.ip, first.port);
  cm.closeAll();
  cm.nodes = [];
  if (!(await cm.loadFromNode(seed))) return false;
  await checkCluster(cm, false);
  return true;
}
