/**
 * --cluster add-node | del-node (clusterManagerCommandAddNode / DeleteNode, redis-cli 7.0.15).
 */
import { hostFromArgs, isReplica, type CmNode } from './core.js';
import { checkEmpty, meetCommand, waitForJoin } from './create.js';
import { checkCluster } from './inspect.js';
import { ClusterManager, INVALID_HOST_ARG } from './manager.js';

/** The primary with the fewest replicas (clusterManagerNodeWithLeastReplicas). */
function leastReplicas(cm: ClusterManager): CmNode | undefined {
  let best: CmNode | undefined;
  for (const n of cm.nodes) {
    if (isReplica(n)) continue;
    if (!best || n.replicasCount < best.replicasCount) best = n;
  }
  return best;
}

/** --cluster add-node NEW_HOST:PORT EXISTING_HOST:PORT [--cluster-slave [--cluster-master-id ID]] */
export async function commandAddNode(cm: ClusterManager, args: string[]): Promise<boolean> {
  const ref = hostFromArgs(args.slice(1));
  const at = hostFromArgs(args.slice(0, 1));
  if (!ref || !at) {
    cm.io.err(INVALID_HOST_ARG);
    return false;
  }
  cm.log('info', `>>> Adding node ${at.ip}:${at.port} to cluster ${ref.ip}:${ref.port}\n`);
  const refNode = ClusterManager.nodeAt(ref.ip, ref.port);
  if (!(await cm.loadFromNode(refNode))) return false;
  if (!(await checkCluster(cm, false))) return false;
  let master: CmNode | undefined;
  if (cm.opts.slave) {
    if (cm.opts.masterId !== undefined) {
      master = cm.byName(cm.opts.masterId);
      if (!master) {
        cm.log('err', `[ERR] No such master ID ${cm.opts.masterId}\n`);
        return false;
      }
    } else {
      master = leastReplicas(cm)!;
      cm.io.out.write(`Automatically selected master ${master.ip}:${master.port}\n`);
    }
  }
  const added = ClusterManager.nodeAt(at.ip, at.port);
  if (!(await cm.connect(added))) {
    cm.log('err', `[ERR] Sorry, can't connect to node ${at.ip}:${at.port}\n`);
    return false;
  }
  if (!(await cm.openClusterNode(added, false)) || !(await checkEmpty(cm, added))) return false;
  const first = cm.nodes[0]!;
  cm.nodes.push(added);
  if (!master) {
    // Functions go to a new primary; a replica gets them from its primary.
    cm.log('info', '>>> Getting functions from cluster\n');
    const dump = await cm.ok(refNode, ['FUNCTION', 'DUMP'], true);
    if (!dump.ok || !dump.reply || dump.reply.kind !== 'bulk') {
      cm.log('info', `>>> Failed retrieving Functions from the cluster, skip this step as Redis version do not support function command (error = '${dump.error ?? 'NULL reply'}')\n`);
    } else {
      cm.log('info', `>>> Send FUNCTION LIST to ${at.ip}:${at.port} to verify there is no functions in it\n`);
      const list = await cm.ok(added, ['FUNCTION', 'LIST'], true);
      if (!list.ok) {
        cm.log('err', `>>> Failed on CLUSTER LIST (error = '${list.error ?? 'NULL reply'}')\r\n`);
        return false;
      }
      if (list.reply?.kind === 'array' && list.reply.items.length > 0) {
        cm.log('err', '>>> New node already contains functions and can not be added to the cluster. Use FUNCTION FLUSH and try again.\r\n');
        return false;
      }
      cm.log('info', `>>> Send FUNCTION RESTORE to ${at.ip}:${at.port}\n`);
      const restore = await cm.ok(added, ['FUNCTION', 'RESTORE', dump.reply.value], true);
      if (!restore.ok) {
        cm.log('err', `>>> Failed loading functions to the new node (error = '${restore.error ?? 'NULL reply'}')\r\n`);
        return false;
      }
    }
  }
  cm.log('info', `>>> Send CLUSTER MEET to node ${at.ip}:${at.port} to make it join the cluster.\n`);
  const meet = await meetCommand(cm, first);
  if (!meet || !(await cm.ok(added, meet)).ok) return false;
  if (master) {
    await new Promise((r) => setTimeout(r, 1000));
    if (!(await waitForJoin(cm, Math.max(cm.opts.timeout, 60_000)))) return false;
    cm.log('info', `>>> Configure node as replica of ${master.ip}:${master.port}.\n`);
    if (!(await cm.ok(added, ['CLUSTER', 'REPLICATE', master.name])).ok) return false;
  }
  cm.log('ok', '[OK] New node added correctly.\n');
  return true;
}

/** --cluster del-node HOST:PORT NODE_ID */
export async function commandDelNode(cm: ClusterManager, args: string[]): Promise<boolean> {
  const at = hostFromArgs(args.slice(0, 1));
  if (!at) {
    cm.io.err(INVALID_HOST_ARG);
    return false;
  }
  const id = args[1]!;
  cm.log('info', `>>> Removing node ${id} from cluster ${at.ip}:${at.port}\n`);
  if (!(await cm.loadFromNode(ClusterManager.nodeAt(at.ip, at.port)))) return false;
  const node = cm.byName(id);
  if (!node) {
    cm.log('err', `[ERR] No such node ID ${id}\n`);
    return false;
  }
  if (node.slotsCount !== 0) {
    cm.log('err', `[ERR] Node ${node.ip}:${node.port} is not empty! Reshard data away and try again.\n`);
    return false;
  }
  cm.log('info', '>>> Sending CLUSTER FORGET messages to the cluster...\n');
  for (const n of cm.nodes) {
    if (n === node) continue;
    if (n.replicate !== null && n.replicate.toLowerCase() === id.toLowerCase()) {
      const master = leastReplicas(cm)!;
      cm.log('info', `>>> ${n.ip}:${n.port} as replica of ${master.ip}:${master.port}\n`);
      if (!(await cm.ok(n, ['CLUSTER', 'REPLICATE', master.name])).ok) return false;
    }
    if (!(await cm.ok(n, ['CLUSTER', 'FORGET', id])).ok) return false;
  }
  cm.log('info', '>>> Sending CLUSTER RESET SOFT to the deleted node.\n');
  return (await cm.ok(node, ['CLUSTER', 'RESET', 'SOFT'])).ok;
}
