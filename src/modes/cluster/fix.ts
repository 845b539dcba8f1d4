/**
 * --cluster fix HOST:PORT [--cluster-search-multiple-owners] [--cluster-fix-with-unreachable-masters]
 * (clusterManagerCommandFix, redis-cli 7.0.15): the check, with the repairs it plugs in —
 * open slots (clusterManagerFixOpenSlot), uncovered slots (clusterManagerFixSlotsCoverage) and
 * slots with several owners (clusterManagerFixMultipleSlotOwners) — with redis-cli's lines,
 * questions and exit codes. Moving keys is the migration core's job (migrate.ts).
 */
import { isReplica, slotsString, SLOTS, type CmNode } from './core.js';
import { dictOrder } from '../type-dict.js';
import { getSlotOwner, moveSlot as moveSlotCore, type MoveSlotOptions } from './migrate.js';
import { commandCheck, type FixHooks } from './inspect.js';
import type { ClusterManager } from './manager.js';

/** clusterManagerMoveSlot during a fix (CMD_FLAG_FIX: a slot that is not served goes to the target). */
async function moveSlot(cm: ClusterManager, source: CmNode, target: CmNode, slot: number, opts: Omit<MoveSlotOptions, 'fix'>): Promise<boolean> {
  return (await moveSlotCore(cm, source, target, slot, { ...opts, fix: true })).ok;
}

/** redis-cli's exit(1) in the middle of a fix: nothing more is tried. */
class FixAborted extends Error {}

const DANGER = (what: string, n: number) =>
  `*** Fixing ${what} with ${n} unreachable masters is dangerous: redis-cli will assume that slots about masters that are not reachable are not covered, and will try to reassign them to the reachable nodes. This can cause data loss and is rarely what you want to do. If you really want to proceed use the --cluster-fix-with-unreachable-masters option.\n`;

function refuseWithUnreachable(cm: ClusterManager, what: string): void {
  if (cm.unreachableMasters > 0 && !cm.opts.fixWithUnreachableMasters) {
    cm.log('warn', DANGER(what, cm.unreachableMasters));
    throw new FixAborted();
  }
}

const primaries = (cm: ClusterManager) => cm.nodes.filter((n) => !isReplica(n));

/** CLUSTER COUNTKEYSINSLOT, -1 (printed) on an error (clusterManagerCountKeysInSlot). */
async function countKeys(cm: ClusterManager, n: CmNode, slot: number): Promise<number> {
  const r = await cm.ok(n, ['CLUSTER', 'COUNTKEYSINSLOT', String(slot)]);
  return r.ok && r.reply?.kind === 'integer' ? Number(r.reply.value) : -1;
}

/** CLUSTER SETSLOT slot status id (clusterManagerSetSlot without err). */
const setSlot = async (cm: ClusterManager, n: CmNode, owner: CmNode, slot: number, status: string) =>
  (await cm.ok(n, ['CLUSTER', 'SETSLOT', String(slot), status, owner.name])).ok;

/** clusterManagerClearSlotStatus */
const clearSlot = async (cm: ClusterManager, n: CmNode, slot: number) => (await cm.ok(n, ['CLUSTER', 'SETSLOT', String(slot), 'STABLE'])).ok;

/** CLUSTER DELSLOTS, an error ignored when no node serves the slot (clusterManagerDelSlot with ignore). */
async function delSlot(cm: ClusterManager, n: CmNode, slot: number): Promise<boolean> {
  const r = await cm.ok(n, ['CLUSTER', 'DELSLOTS', String(slot)], true);
  if (r.ok) return true;
  if (r.reply?.kind === 'error') {
    const o = await getSlotOwner(cm, n, slot);
    if (!o.owner && o.error === undefined) return true;
    if (o.error !== undefined) cm.printReplyError(n, o.error);
  }
  if (r.error) cm.printReplyError(n, r.error);
  return false;
}

/**
 * MULTI; DELSLOTS; ADDSLOTS; [SETSLOT STABLE]; BUMPEPOCH; EXEC — only the ADDSLOTS error counts
 * (clusterManagerSetSlotOwner).
 */
async function setSlotOwner(cm: ClusterManager, owner: CmNode, slot: number, clear: boolean): Promise<boolean> {
  if (!(await cm.ok(owner, ['MULTI'])).ok) return false;
  const s = String(slot);
  const queued: string[][] = [['CLUSTER', 'DELSLOTS', s], ['CLUSTER', 'ADDSLOTS', s]];
  if (clear) queued.push(['CLUSTER', 'SETSLOT', s, 'STABLE']);
  queued.push(['CLUSTER', 'BUMPEPOCH']);
  for (const q of queued) await cm.ok(owner, q);
  const exec = await cm.ok(owner, ['EXEC']);
  if (!exec.ok) return false;
  if (exec.reply?.kind !== 'array') return false;
  for (const [i, r] of exec.reply.items.entries()) {
    if (r.kind === 'error' && i === 1) {
      cm.printReplyError(owner, r.value.toString());
      return false;
    }
  }
  return true;
}

/** The primary among `nodes` with the most keys in `slot` (clusterManagerGetNodeWithMostKeysInSlot). */
async function mostKeys(cm: ClusterManager, nodes: CmNode[], slot: number): Promise<CmNode | undefined> {
  let best: CmNode | undefined;
  let most = 0;
  for (const n of nodes) {
    if (isReplica(n) || n.replicate !== null) continue;
    const count = await countKeys(cm, n, slot);
    if (count < 0) return undefined;
    if (count > most || !best) {
      most = count;
      best = n;
    }
  }
  return best;
}

/** clusterManagerFixSlotsCoverage: the number of slots fixed, -1 on a failure. */
async function fixCoverage(cm: ClusterManager, covered: Uint8Array): Promise<number> {
  refuseWithUnreachable(cm, 'slots coverage');
  cm.log('info', '>>> Fixing slots coverage...\n');
  const holders = new Map<number, CmNode[]>();
  for (let slot = 0; slot < SLOTS; slot++) {
    if (covered[slot]) continue;
    const withKeys: CmNode[] = [];
    for (const n of cm.nodes) {
      if (isReplica(n) || n.replicate !== null) continue;
      const r = await cm.ok(n, ['CLUSTER', 'GETKEYSINSLOT', String(slot), '1']);
      if (!r.ok) return -1;
      if (r.reply?.kind === 'array' && r.reply.items.length > 0) withKeys.push(n);
    }
    holders.set(slot, withKeys);
  }
  // in the order redis-cli's dict of uncovered slots gives them
  const order = dictOrder([...holders.keys()].map(String)).map(Number);
  const none = order.filter((s) => holders.get(s)!.length === 0);
  const single = order.filter((s) => holders.get(s)!.length === 1);
  const multi = order.filter((s) => holders.get(s)!.length > 1);
  const list = (slots: number[]) => {
    const mark = new Uint8Array(SLOTS);
    for (const s of slots) mark[s] = 1;
    return `${slotsString(mark)}\n`;
  };
  let fixed = 0;
  if (none.length > 0) {
    cm.io.out.write('The following uncovered slots have no keys across the cluster:\n');
    cm.io.out.write(list(none));
    if (await cm.io.ask('Fix these slots by covering with a random node?')) {
      for (const s of none) {
        const all = primaries(cm);
        const n = all[Math.floor(Math.random() * all.length)]!;
        cm.log('info', `>>> Covering slot ${s} with ${n.ip}:${n.port}\n`);
        if (!(await setSlotOwner(cm, n, s, false))) return -1;
        n.slots[s] = 1;
        fixed++;
      }
    }
  }
  if (single.length > 0) {
    cm.io.out.write('The following uncovered slots have keys in just one node:\n');
    cm.io.out.write(list(single));
    if (await cm.io.ask('Fix these slots by covering with those nodes?')) {
      for (const s of single) {
        const n = holders.get(s)![0]!;
        cm.log('info', `>>> Covering slot ${s} with ${n.ip}:${n.port}\n`);
        if (!(await setSlotOwner(cm, n, s, false))) return -1;
        n.slots[s] = 1;
        fixed++;
      }
    }
  }
  if (multi.length > 0) {
    cm.io.out.write('The following uncovered slots have keys in multiple nodes:\n');
    cm.io.out.write(list(multi));
    if (await cm.io.ask('Fix these slots by moving keys into a single node?')) {
      for (const s of multi) {
        const nodes = holders.get(s)!;
        const target = await mostKeys(cm, nodes, s);
        if (!target) return -1;
        cm.log('info', `>>> Covering slot ${s} moving keys to ${target.ip}:${target.port}\n`);
        if (!(await setSlotOwner(cm, target, s, true))) return -1;
        target.slots[s] = 1;
        for (const src of nodes) {
          if (src === target) continue;
          if (!(await setSlot(cm, src, target, s, 'NODE'))) return -1;
          // importing on the source (though its keys go away) so that MIGRATE is not redirected
          if (!(await setSlot(cm, src, target, s, 'IMPORTING'))) return -1;
          if (!(await moveSlot(cm, src, target, s, { verbose: true, cold: true }))) return -1;
          if (!(await clearSlot(cm, src, s))) return -1;
        }
        fixed++;
      }
    }
  }
  return fixed;
}

const has = (list: Array<[string, string]>, slot: number) => list.find(([s]) => Number.parseInt(s, 10) === slot);

/** clusterManagerFixOpenSlot */
async function fixOpenSlot(cm: ClusterManager, slot: number): Promise<boolean> {
  refuseWithUnreachable(cm, 'open slots');
  cm.log('info', `>>> Fixing open slot ${slot}\n`);
  const owners: CmNode[] = [];
  for (const n of primaries(cm)) {
    if (n.slots[slot]) owners.push(n);
    else {
      const count = await countKeys(cm, n, slot);
      if (count < 0) return false;
      if (count > 0) {
        cm.log('warn', `*** Found keys about slot ${slot} in non-owner node ${n.ip}:${n.port}!\n`);
        owners.push(n);
      }
    }
  }
  let owner = owners.length === 1 ? owners[0] : undefined;
  let migrating: CmNode[] = [];
  let importing: CmNode[] = [];
  let migratingStr = '';
  let importingStr = '';
  for (const n of primaries(cm)) {
    if (has(n.migrating, slot)) {
      migratingStr += `${migrating.length ? ',' : ''}${n.ip}:${n.port}`;
      migrating.push(n);
    } else if (has(n.importing, slot)) {
      importingStr += `${importing.length ? ',' : ''}${n.ip}:${n.port}`;
      importing.push(n);
    } else if (n !== owner) {
      const count = await countKeys(cm, n, slot);
      if (count < 0) return false;
      if (count > 0) {
        cm.log('warn', `*** Found keys about slot ${slot} in node ${n.ip}:${n.port}!\n`);
        importingStr += `${importing.length ? ',' : ''}${n.ip}:${n.port}`;
        importing.push(n);
      }
    }
  }
  if (migratingStr) cm.io.out.write(`Set as migrating in: ${migratingStr}\n`);
  if (importingStr) cm.io.out.write(`Set as importing in: ${importingStr}\n`);
  if (!owner) {
    cm.log('info', '>>> No single clear owner for the slot, selecting an owner by # of keys...\n');
    owner = await mostKeys(cm, cm.nodes, slot);
    if (!owner) {
      cm.log('err', "[ERR] Can't select a slot owner. Impossible to fix.\n");
      return false;
    }
    cm.log('warn', `*** Configuring ${owner.ip}:${owner.port} as the slot owner\n`);
    if (!(await clearSlot(cm, owner, slot))) return false;
    if (!(await setSlotOwner(cm, owner, slot, false))) return false;
    owner.slots[slot] = 1;
    const o = owner;
    migrating = migrating.filter((n) => n !== o);
    importing = importing.filter((n) => n !== o);
  }
  if (owners.length > 1) {
    for (const n of owners) {
      if (n === owner) continue;
      if (!(await delSlot(cm, n, slot))) return false;
      n.slots[slot] = 0;
      if (!(await setSlot(cm, n, owner, slot, 'node'))) return false;
      if (!(await setSlot(cm, n, owner, slot, 'importing'))) return false;
      importing = [...importing.filter((x) => x !== n), n];
      migrating = migrating.filter((x) => x !== n);
    }
  }
  if (migrating.length === 1 && importing.length === 1) {
    const [src, dst] = [migrating[0]!, importing[0]!];
    cm.log('info', `>>> Case 1: Moving slot ${slot} from ${src.ip}:${src.port} to ${dst.ip}:${dst.port}\n`);
    return moveSlot(cm, src, dst, slot, { verbose: true, update: true });
  }
  if (migrating.length === 0 && importing.length > 0) {
    cm.log('info', `>>> Case 2: Moving all the ${slot} slot keys to its owner ${owner.ip}:${owner.port}\n`);
    for (const n of importing) {
      if (n === owner) continue;
      if (!(await moveSlot(cm, n, owner, slot, { verbose: true, cold: true }))) return false;
      cm.log('info', `>>> Setting ${slot} as STABLE in ${n.ip}:${n.port}\n`);
      if (!(await clearSlot(cm, n, slot))) return false;
    }
    // moved "cold": every other primary is told who owns the slot now
    for (const n of primaries(cm)) {
      if (n === owner) continue;
      if (!(await setSlot(cm, n, owner, slot, 'NODE'))) return false;
    }
    return true;
  }
  const unhandled = () => {
    cm.log('err', `[ERR] Sorry, redis-cli can't fix this slot yet (work in progress). Slot is set as migrating in ${migratingStr}, as importing in ${importingStr}, owner is ${owner!.ip}:${owner!.port}\n`);
    return false;
  };
  if (migrating.length === 1 && importing.length > 1) {
    const src = migrating[0]!;
    const targetId = has(src.migrating, slot)![1];
    let dst: CmNode | undefined;
    for (const n of importing) {
      if ((await countKeys(cm, n, slot)) > 0) return unhandled();
      if (n.name === targetId) dst = n;
    }
    if (dst) {
      cm.log('info', `>>> Case 3: Moving slot ${slot} from ${src.ip}:${src.port} to ${dst.ip}:${dst.port} and closing it on all the other importing nodes.\n`);
      if (!(await moveSlot(cm, src, dst, slot, { verbose: true }))) return false;
      for (const n of importing) if (n !== dst && !(await clearSlot(cm, n, slot))) return false;
    } else {
      cm.log('info', `>>> Case 3: Closing slot ${slot} on both migrating and importing nodes.\n`);
      if (!(await clearSlot(cm, src, slot))) return false;
      for (const n of importing) if (!(await clearSlot(cm, n, slot))) return false;
    }
    return true;
  }
  let closeIt = importing.length === 0 && migrating.length === 1;
  if (closeIt) {
    const n = migrating[0]!;
    if (owner !== n) {
      const r = await cm.ok(n, ['CLUSTER', 'GETKEYSINSLOT', String(slot), '10']);
      if (!r.ok) return false;
      closeIt = r.reply?.kind === 'array' && r.reply.items.length === 0;
    }
  }
  if (!closeIt) return unhandled();
  const n = migrating[0]!;
  cm.log('info', `>>> Case 4: Closing slot ${slot} on ${n.ip}:${n.port}\n`);
  return clearSlot(cm, n, slot);
}

/** clusterManagerFixMultipleSlotOwners */
async function fixMultipleOwners(cm: ClusterManager, slot: number, owners: CmNode[]): Promise<boolean> {
  cm.log('info', `>>> Fixing multiple owners for slot ${slot}...\n`);
  const owner = (await mostKeys(cm, owners, slot)) ?? owners[0]!;
  cm.log('info', `>>> Setting slot ${slot} owner: ${owner.ip}:${owner.port}\n`);
  if (!(await setSlotOwner(cm, owner, slot, false))) return false;
  let success = false;
  for (const n of primaries(cm)) {
    if (n === owner) continue;
    const count = await countKeys(cm, n, slot);
    success = count >= 0;
    if (!success) break;
    await delSlot(cm, n, slot);
    if (!(await setSlot(cm, n, owner, slot, 'node'))) return false;
    if (count > 0) {
      success = await moveSlot(cm, n, owner, slot, { verbose: true, cold: true });
      if (!success) break;
    }
  }
  return success;
}

export async function commandFix(cm: ClusterManager, args: string[]): Promise<boolean> {
  const hooks: FixHooks = {
    openSlot: (slot) => fixOpenSlot(cm, slot),
    coverage: (covered) => fixCoverage(cm, covered),
    multipleOwners: (slot, owners) => fixMultipleOwners(cm, slot, owners as CmNode[]),
  };
  try {
    return await commandCheck(cm, args, hooks);
  } catch (err) {
    if (err instanceof FixAborted) return false;
    throw err;
  }
}
