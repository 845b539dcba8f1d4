/**
 * --cluster rebalance HOST:PORT (clusterManagerCommandRebalance, redis-cli 7.0.15): gives every
 * primary its weighted share of the 16384 slots, moving slots from the nodes with the most surplus
 * to those with the most deficit. Float arithmetic as in C (Math.fround), so the same plan.
 */
import { atof, hostFromArgs, isReplica, reshardTable, SLOTS, type CmNode } from './core.js';
import { checkCluster } from './inspect.js';
import { ClusterManager, INVALID_HOST_ARG } from './manager.js';
import { moveSlot } from './migrate.js';
import { MoveProgress } from './progress.js';

const f32 = Math.fround;

/** A node by ID prefix, the first match in node order (clusterManagerNodeByAbbreviatedName). */
function byPrefix(cm: ClusterManager, prefix: string): CmNode | undefined {
  const lc = prefix.toLowerCase();
  return cm.nodes.find((n) => n.name !== '' && n.name.startsWith(lc));
}

/** Applies --cluster-weight id=w…; false (printed) on bad input. */
function applyWeights(cm: ClusterManager): boolean {
  for (const item of cm.opts.weight) {
    const eq = item.indexOf('=');
    if (eq === -1) {
      cm.log('err', `*** invalid input ${item}\n`);
      return false;
    }
    const name = item.slice(0, eq);
    const n = byPrefix(cm, name);
    if (!n) {
      cm.log('err', `*** No such master node ${name}\n`);
      return false;
    }
    n.weight = f32(atof(item.slice(eq + 1)));
  }
  return true;
}

/** --cluster rebalance HOST:PORT */
export async function commandRebalance(cm: ClusterManager, args: string[]): Promise<boolean> {
  const at = hostFromArgs(args);
  if (!at) {
    cm.io.err(INVALID_HOST_ARG);
    return false;
  }
  if (!(await cm.loadFromNode(ClusterManager.nodeAt(at.ip, at.port)))) return false;
  if (!applyWeights(cm)) return false;
  let totalWeight = 0;
  const involved: CmNode[] = [];
  for (const n of cm.nodes) {
    if (isReplica(n) || n.replicate !== null) continue;
    if (!cm.opts.useEmptyMasters && n.slotsCount === 0) {
      n.weight = 0;
      continue;
    }
    totalWeight = f32(totalWeight + n.weight);
    involved.push(n);
  }
  await checkCluster(cm, true);
  if (cm.errors.length > 0) {
    cm.log('err', '*** Please fix your cluster problems before rebalancing\n');
    return false;
  }
  // balance: slots to give (positive) or to receive (negative) to reach the weighted share
  let thresholdReached = false;
  let totalBalance = 0;
  const threshold = f32(cm.opts.threshold);
  for (const n of involved) {
    const expected = Math.trunc(f32(f32(SLOTS / totalWeight) * n.weight));
    n.balance = n.slotsCount - expected;
    totalBalance += n.balance;
    if (threshold > 0) {
      if (n.slotsCount > 0) {
        if (f32(Math.abs(100 - (100 * expected) / n.slotsCount)) > threshold) thresholdReached = true;
      } else if (expected > 1) thresholdReached = true;
    }
  }
  if (!thresholdReached) {
    cm.log('warn', `*** No rebalancing needed! All nodes are within the ${threshold.toFixed(2)}% threshold.\n`);
    return true;
  }
  // rounding can leave a surplus: the nodes that receive take one more each until it is 0
  while (totalBalance > 0) {
    for (const n of involved) {
      if (n.balance <= 0 && totalBalance > 0) {
        n.balance--;
        totalBalance--;
      }
    }
  }
  const sorted = [...involved].sort((a, b) => a.balance - b.balance);
  cm.log('info', `>>> Rebalancing across ${involved.length} nodes. Total weight = ${totalWeight.toFixed(2)}\n`);
  if (cm.opts.verbose) for (const n of sorted) cm.io.out.write(`${n.ip}:${n.port} balance is ${n.balance} slots\n`);
  return moveBalances(cm, sorted);
}

/** Pairs the most-receiving node with the most-giving one until every balance is 0. */
async function moveBalances(cm: ClusterManager, sorted: CmNode[]): Promise<boolean> {
  const out = cm.io.out;
  let dstIdx = 0;
  let srcIdx = sorted.length - 1;
  const total = sorted.reduce((n, s) => n + Math.max(0, s.balance), 0);
  const progress = cm.opts.simulate ? undefined : new MoveProgress(cm, total, 'Rebalance');
  try {
    while (dstIdx < srcIdx) {
      const dst = sorted[dstIdx]!;
      const src = sorted[srcIdx]!;
      const numSlots = Math.min(Math.abs(dst.balance), Math.abs(src.balance));
      if (numSlots > 0) {
        out.write(`Moving ${numSlots} slots from ${src.ip}:${src.port} to ${dst.ip}:${dst.port}\n`);
        const table = reshardTable([src], numSlots);
        if (table.length !== numSlots) {
          cm.log('err', '*** Assertion failed: Reshard table != number of slots');
          return false;
        }
        if (!progress) out.write('#'.repeat(table.length));
        else {
          for (const item of table) {
            if (progress.stopRequested) {
              out.write('\n');
              return await progress.reportStopped();
            }
            progress.beforeSlot(false);
            const r = await moveSlot(cm, item.source, dst, item.slot, { quiet: true, update: true, returnError: true, onKeys: (n) => progress.keys(n) });
            if (!r.ok) {
              // printf("%s", NULL) prints "(null)" with glibc
              cm.log('err', `*** clusterManagerMoveSlot: ${r.error ?? '(null)'}\n`);
              return await progress.reportFailed(item.source, dst, item.slot);
            }
            out.write('#');
            await progress.slotDone(false);
          }
        }
        out.write('\n');
      }
      dst.balance += numSlots;
      src.balance -= numSlots;
      if (dst.balance === 0) dstIdx++;
      if (src.balance === 0) srcIdx--;
    }
    return true;
  } finally {
    await progress?.end();
  }
}
