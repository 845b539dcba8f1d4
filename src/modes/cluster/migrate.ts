/**
 * Slot migration: the steps redis-cli 7.0.15 takes to move one hash slot between two primaries
 * (clusterManagerSetSlot, clusterManagerGetSlotOwner, clusterManagerMigrateKeysInReply,
 * clusterManagerCompareKeysValues, clusterManagerMigrateKeysInSlot, clusterManagerMoveSlot), with
 * the lines and dots it prints. Shared by reshard, rebalance and fix.
 *
 * API (everything takes the ClusterManager whose nodes and sessions it uses):
 * - `moveSlot(cm, source, target, slot, opts)`: the whole move; `{ ok, error }`.
 * - `migrateKeysInSlot(cm, source, target, slot, opts)`: only the keys (GETKEYSINSLOT + MIGRATE).
 * - `setSlot(cm, node, other, slot, status, opts)`: one `CLUSTER SETSLOT slot status other.name`.
 * - `getSlotOwner(cm, node, slot)`: the owner of a slot in `node`'s CLUSTER SLOTS.
 *
 * Errors follow redis-cli's `char **err` convention, chosen with `returnError`: true (reshard,
 * rebalance) — a node's error reply is returned in `error` rather than printed; false (fix) — it is
 * printed as "Node ip:port replied with error:" and `error` stays null.
 */
import { isIP } from 'node:net';
import type { RespValue } from '../../resp/value.js';
import { isReplica, parseNodeAddress, type CmNode } from './core.js';
import type { ClusterManager } from './manager.js';

/** What a step returns: success, and the error text redis-cli would put in `*err`. */
export interface StepResult {
  ok: boolean;
  /** The node's error reply (or redis-cli's own text), when `returnError` was set; else null. */
  error: string | null;
}

/** Options of moveSlot (redis-cli's CLUSTER_MANAGER_OPT_* bits, plus the `err` convention). */
export interface MoveSlotOptions {
  /** OPT_QUIET: no "Moving slot N from a to b: " line and no newline after it. */
  quiet?: boolean;
  /** OPT_VERBOSE: a dot per migrated key. */
  verbose?: boolean;
  /** OPT_COLD: move the keys only, no SETSLOT IMPORTING/MIGRATING/NODE. */
  cold?: boolean;
  /** OPT_UPDATE: mark the slot as the target's in the node model's `slots` (not `slotsCount`). */
  update?: boolean;
  /** redis-cli called with a non-NULL `err`: errors are returned rather than printed (see header). */
  returnError?: boolean;
  /** `--cluster fix` is running (CMD_FLAG_FIX): a slot that is not served is given to the target. */
  fix?: boolean;
  /** Called after each MIGRATE batch that succeeded, with the number of keys it moved (progress). */
  onKeys?: (count: number) => void;
}

const text = (r: RespValue): string => ('value' in r && Buffer.isBuffer(r.value) ? r.value.toString('latin1') : '');

/**
 * `CLUSTER SETSLOT slot status other.name` sent to `node` (clusterManagerSetSlot). `status` is
 * sent as given: importing, migrating, node, NODE.
 */
export async function setSlot(cm: ClusterManager, node: CmNode, other: CmNode, slot: number, status: string, opts: { returnError?: boolean } = {}): Promise<StepResult> {
  const r = await cm.command(node, ['CLUSTER', 'SETSLOT', String(slot), status, other.name]);
  if (r === null) return { ok: false, error: opts.returnError ? 'CLUSTER SETSLOT failed to run' : null };
  if (r.kind === 'error') {
    if (opts.returnError) return { ok: false, error: text(r) };
    cm.printReplyError(node, text(r));
    return { ok: false, error: null };
  }
  return { ok: true, error: null };
}

/**
 * The node that serves `slot` according to `node`'s CLUSTER SLOTS (clusterManagerGetSlotOwner):
 * `owner` undefined when the slot is not assigned, `error` set when the reply was an error.
 */
export async function getSlotOwner(cm: ClusterManager, node: CmNode, slot: number): Promise<{ owner?: CmNode; error?: string }> {
  const r = await cm.command(node, ['CLUSTER', 'SLOTS']);
  if (r === null) return {};
  if (r.kind === 'error') return { error: text(r) };
  if (r.kind !== 'array') return {};
  for (const range of r.items) {
    if (range.kind !== 'array' || range.items.length < 3) continue;
    const [from, to, primary] = range.items;
    if (from?.kind !== 'integer' || to?.kind !== 'integer' || primary?.kind !== 'array') continue;
    if (slot < Number(from.value) || slot > Number(to.value)) continue;
    const [ip, port, id] = primary.items;
    let owner: CmNode | undefined;
    if (id && id.kind === 'bulk') owner = cm.byName(id.value.toString('latin1'));
    else if (ip && port?.kind === 'integer') owner = cm.nodes.find((n) => n.ip === text(ip) && n.port === Number(port.value));
    if (owner) return { owner };
  }
  return {};
}

/**
 * `MIGRATE target.ip target.port "" 0 timeout [REPLACE] [AUTH pass | AUTH2 user pass] KEYS k…`
 * sent to `source` (clusterManagerMigrateKeysInReply); null when the connection failed.
 */
async function migrateKeys(cm: ClusterManager, source: CmNode, target: CmNode, keys: Buffer[], replace: boolean, timeout: number): Promise<RespValue | null> {
  const args: Array<string | Buffer> = ['MIGRATE', await addressFor(cm, source, target), String(target.port), '', '0', String(timeout)];
  if (replace) args.push('REPLACE');
  const auth = cm.io.auth;
  if (auth?.password !== undefined) {
    if (auth.user !== undefined) args.push('AUTH2', auth.user, auth.password);
    else args.push('AUTH', auth.password);
  }
  args.push('KEYS', ...keys);
  return cm.command(source, args);
}

const addresses = new WeakMap<CmNode, string>();

/**
 * The address `source` can MIGRATE to. redis-cli sends the target's address as typed, which for
 * the node given on the command line may be a name only the client resolves (--resolve); then the
 * IP the cluster itself lists for that node (the source's CLUSTER NODES) is used instead.
 */
async function addressFor(cm: ClusterManager, source: CmNode, target: CmNode): Promise<string> {
  if (isIP(target.ip) !== 0) return target.ip;
  const known = addresses.get(target);
  if (known !== undefined) return known;
  let ip = target.ip;
  const nodes = await cm.text(source, ['CLUSTER', 'NODES']);
  for (const line of nodes.text?.split('\n') ?? []) {
    const [id, addr] = line.split(' ');
    if (id !== target.name || addr === undefined) continue;
    const listed = parseNodeAddress(addr);
    if (listed && isIP(listed.ip) !== 0) ip = listed.ip;
  }
  addresses.set(target, ip);
  return ip;
}

const ZERO_DIGEST = '0000000000000000000000000000000000000000';

/**
 * Keys whose values differ on the two nodes (clusterManagerCompareKeysValues, DEBUG DIGEST-VALUE);
 * keys missing on either side are not compared. null when a node replied with an error (printed).
 */
async function differingKeys(cm: ClusterManager, a: CmNode, b: CmNode, keys: Buffer[]): Promise<Buffer[] | null> {
  const args = ['DEBUG', 'DIGEST-VALUE', ...keys];
  const ra = await cm.command(a, args);
  if (ra === null) return null;
  const rb = await cm.command(b, args);
  if (rb === null) return null;
  let ok = true;
  if (ra.kind === 'error') {
    cm.printReplyError(a, text(ra));
    ok = false;
  }
  if (rb.kind === 'error') {
    cm.printReplyError(b, text(rb));
    ok = false;
  }
  if (!ok || ra.kind !== 'array' || rb.kind !== 'array') return null;
  const diffs: Buffer[] = [];
  keys.forEach((key, i) => {
    const da = text(ra.items[i]!);
    const db = text(rb.items[i]!);
    if (da === ZERO_DIGEST || db === ZERO_DIGEST) return;
    if (da !== db) diffs.push(key);
  });
  return diffs;
}

/**
 * Moves every key of `slot` from `source` to `target`, `pipeline` keys per MIGRATE
 * (clusterManagerMigrateKeysInSlot). A BUSYKEY error (the key exists on the target) is retried
 * with REPLACE when --cluster-replace was given or both values are equal; otherwise the differing
 * keys are listed and the move stops.
 */
export async function migrateKeysInSlot(
  cm: ClusterManager,
  source: CmNode,
  target: CmNode,
  slot: number,
  opts: { timeout: number; pipeline: number; verbose?: boolean; returnError?: boolean; fix?: boolean; onKeys?: (count: number) => void },
): Promise<StepResult> {
  let error: string | null = null;
  for (;;) {
    const reply = await cm.command(source, ['CLUSTER', 'GETKEYSINSLOT', String(slot), String(opts.pipeline)]);
    if (reply === null) return { ok: false, error };
    if (reply.kind === 'error') {
      // as redis-cli: printed only when the caller asked for the error text
      if (opts.returnError) {
        error = text(reply);
        cm.printReplyError(source, error);
      }
      return { ok: false, error };
    }
    const keys = reply.kind === 'array' ? reply.items.map((k) => ('value' in k && Buffer.isBuffer(k.value) ? k.value : Buffer.alloc(0))) : [];
    if (keys.length === 0) return { ok: true, error };
    let migrated = await migrateKeys(cm, source, target, keys, false, opts.timeout);
    // no reply: redis-cli goes round again; the next GETKEYSINSLOT fails on a dead connection
    if (migrated === null) continue;
    if (migrated.kind === 'error') {
      const isBusy = text(migrated).includes('BUSYKEY');
      let notServed = false;
      if (!isBusy) {
        const served = await getSlotOwner(cm, source, slot);
        if (!served.owner) {
          if (served.error === undefined) notServed = true;
          else cm.printReplyError(source, served.error);
        }
      }
      let ok: boolean;
      if (isBusy || notServed) {
        if (opts.fix && notServed) {
          cm.log('warn', `*** Slot was not served, setting owner to node ${target.ip}:${target.port}.\n`);
          await setSlot(cm, source, target, slot, 'node');
        }
        if (isBusy) {
          cm.log('warn', '\n*** Target key exists\n');
          if (!cm.opts.replace) {
            cm.log('warn', '*** Checking key values on both nodes...\n');
            const diffs = await differingKeys(cm, source, target, keys);
            if (diffs === null) {
              cm.log('err', '*** Value check failed!\n');
              return { ok: false, error };
            }
            if (diffs.length > 0) {
              cm.log('err', `*** Found ${diffs.length} key(s) in both source node and target node having different values.\n    Source node: ${source.ip}:${source.port}\n    Target node: ${target.ip}:${target.port}\n    Keys(s):\n`);
              for (const k of diffs) cm.log('err', `    - ${cString(k)}\n`);
              cm.log('err', 'Please fix the above key(s) manually and try again or relaunch the command \nwith --cluster-replace option to force key overriding.\n');
              return { ok: false, error };
            }
          }
          cm.log('warn', '*** Replacing target keys...\n');
        }
        migrated = await migrateKeys(cm, source, target, keys, isBusy, opts.timeout);
        ok = migrated !== null && migrated.kind !== 'error';
      } else ok = false;
      if (!ok) {
        if (migrated !== null) {
          if (opts.returnError) error = text(migrated);
          cm.io.out.write('\n');
          cm.printReplyError(source, text(migrated));
        }
        return { ok: false, error };
      }
    }
    if (opts.verbose) cm.io.out.write('.'.repeat(keys.length));
    opts.onKeys?.(keys.length);
  }
}

/** A key as printf("%s") shows it: up to its first NUL byte. */
function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return (nul === -1 ? b : b.subarray(0, nul)).toString('latin1');
}

/**
 * Moves one slot from `source` to `target` (clusterManagerMoveSlot): IMPORTING on the target,
 * MIGRATING on the source, the keys, then NODE on the target first, the source (which may have
 * just become a replica: "Please use SETSLOT only with masters." is not an error), and every other
 * primary. Timeout and batch size come from --cluster-timeout and --cluster-pipeline.
 */
export async function moveSlot(cm: ClusterManager, source: CmNode, target: CmNode, slot: number, opts: MoveSlotOptions = {}): Promise<StepResult> {
  const returnError = opts.returnError === true;
  if (!opts.quiet) cm.io.out.write(`Moving slot ${slot} from ${source.ip}:${source.port} to ${target.ip}:${target.port}: `);
  if (!opts.cold) {
    let r = await setSlot(cm, target, source, slot, 'importing', { returnError });
    if (!r.ok) return r;
    r = await setSlot(cm, source, target, slot, 'migrating', { returnError });
    if (!r.ok) return r;
  }
  const keys = await migrateKeysInSlot(cm, source, target, slot, {
    timeout: cm.opts.timeout,
    pipeline: cm.opts.pipeline,
    verbose: opts.verbose === true,
    returnError,
    fix: opts.fix === true,
    ...(opts.onKeys ? { onKeys: opts.onKeys } : {}),
  });
  if (!opts.quiet) cm.io.out.write('\n');
  if (!keys.ok) return keys;
  if (!opts.cold) {
    // the target first: it propagates the change, and a crash cannot leave the slot ownerless
    let r = await setSlot(cm, target, target, slot, 'node', { returnError });
    if (!r.ok) return r;
    r = await setSlot(cm, source, target, slot, 'node', { returnError });
    // as redis-cli: without the error text a failure here is not checked
    if (!r.ok && r.error !== null && !r.error.startsWith('ERR Please use SETSLOT only with masters.')) return r;
    for (const n of cm.nodes) {
      if (n === target || n === source || isReplica(n)) continue;
      r = await setSlot(cm, n, target, slot, 'node', { returnError });
      if (!r.ok) return r;
    }
  }
  if (opts.update) {
    // as redis-cli: the slot table only, not slotsCount
    source.slots[slot] = 0;
    target.slots[slot] = 1;
  }
  return { ok: true, error: null };
}
