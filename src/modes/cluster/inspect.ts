/**
 * --cluster help | info | check | call | set-timeout: the subcommands that read the cluster or
 * send one command everywhere (clusterManagerCommandHelp/Info/Check/Call/SetTimeout and
 * clusterManagerShowClusterInfo/CheckCluster, redis-cli 7.0.15).
 */
import { formatReply } from '../../format/reply.js';
import { dictOrder } from '../type-dict.js';
import { configSignature, hostFromArgs, isReplica, nodeInfo, SLOTS } from './core.js';
import { ClusterManager, INVALID_HOST_ARG } from './manager.js';

/** name, args, options of each subcommand: the table clusterManagerCommandHelp prints. */
const COMMANDS: Array<[string, string | null, string | null]> = [
  ['create', 'host1:port1 ... hostN:portN', 'replicas <arg>'],
  ['check', '<host:port> or <host> <port> - separated by either colon or space', 'search-multiple-owners'],
  ['info', '<host:port> or <host> <port> - separated by either colon or space', null],
  ['fix', '<host:port> or <host> <port> - separated by either colon or space', 'search-multiple-owners,fix-with-unreachable-masters'],
  ['reshard', '<host:port> or <host> <port> - separated by either colon or space', 'from <arg>,to <arg>,slots <arg>,yes,timeout <arg>,pipeline <arg>,replace'],
  ['rebalance', '<host:port> or <host> <port> - separated by either colon or space', 'weight <node1=w1...nodeN=wN>,use-empty-masters,timeout <arg>,simulate,pipeline <arg>,threshold <arg>,replace'],
  ['add-node', 'new_host:new_port existing_host:existing_port', 'slave,master-id <arg>'],
  ['del-node', 'host:port node_id', null],
  ['call', 'host:port command arg arg .. arg', 'only-masters,only-replicas'],
  ['set-timeout', 'host:port milliseconds', null],
  ['import', 'host:port', 'from <arg>,from-user <arg>,from-pass <arg>,from-askpass,copy,replace'],
  ['backup', 'host:port backup_directory', null],
  ['help', null, null],
];

/** mirrors clusterManagerCommandHelp */
export function helpText(): string {
  const pad = 15;
  let out = 'Cluster Manager Commands:\n';
  for (const [name, args, options] of COMMANDS) {
    out += `  ${name}${' '.repeat(Math.max(0, pad - name.length))}${args ?? ''}\n`;
    for (const o of options?.split(',') ?? []) out += `${' '.repeat(pad)}  --cluster-${o}\n`;
  }
  out += '\nFor check, fix, reshard, del-node, set-timeout, info, rebalance, call, import, backup you can specify the host and port of any working node in the cluster.\n';
  out += '\nCluster Manager Options:\n';
  out += `  --cluster-yes${' '.repeat(pad - '--cluster-yes'.length)}Automatic yes to cluster commands prompts\n`;
  return `${out}\n`;
}

/** Loads the cluster from the node named by the arguments; false (after printing why) when it cannot. */
export async function loadFromArgs(cm: ClusterManager, args: readonly string[]): Promise<boolean> {
  const at = hostFromArgs(args);
  if (!at) {
    cm.io.err(INVALID_HOST_ARG);
    return false;
  }
  return cm.loadFromNode(ClusterManager.nodeAt(at.ip, at.port));
}

/** mirrors clusterManagerShowClusterInfo; false when a DBSIZE failed. */
export async function showClusterInfo(cm: ClusterManager): Promise<boolean> {
  let masters = 0;
  let keys = 0;
  for (const node of cm.nodes) {
    if (isReplica(node) || node.name === '') continue;
    const replicas = cm.nodes.filter((n) => n !== node && isReplica(n) && n.replicate === node.name).length;
    const r = await cm.command(node, ['DBSIZE']);
    if (r === null || r.kind !== 'integer') {
      cm.printReplyError(node, r?.kind === 'error' ? r.value.toString() : '');
      return false;
    }
    const dbsize = Number(r.value);
    cm.io.out.write(`${node.ip}:${node.port} (${node.name.slice(0, 8)}...) -> ${dbsize} keys | ${node.slotsCount} slots | ${replicas} slaves.\n`);
    masters++;
    keys += dbsize;
  }
  cm.log('ok', `[OK] ${keys} keys in ${masters} masters.\n`);
  cm.io.out.write(`${Math.fround(keys / SLOTS).toFixed(2)} keys per slot on average.\n`);
  return true;
}

/** Every node's view of the slot table is the same (clusterManagerIsConfigConsistent). */
export async function isConfigConsistent(cm: ClusterManager): Promise<boolean> {
  if (cm.nodes.length <= 1) return true;
  let first: string | undefined;
  for (const n of cm.nodes) {
    const r = await cm.text(n, ['CLUSTER', 'NODES']);
    const sig = r.text === undefined ? null : configSignature(r.text);
    if (sig === null) return false;
    if (first === undefined) first = sig;
    else if (sig !== first) return false;
  }
  return true;
}

/** Hooks `fix` plugs into the check (clusterManagerFixOpenSlot / FixSlotsCoverage / FixMultipleSlotOwners). */
export interface FixHooks {
  openSlot(slot: number): Promise<boolean>;
  coverage(covered: Uint8Array): Promise<number>;
  multipleOwners(slot: number, owners: ReturnType<ClusterManager['byName']>[]): Promise<boolean>;
}

/** mirrors clusterManagerCheckCluster; true when the cluster is healthy (or was fixed). */
export async function checkCluster(cm: ClusterManager, quiet: boolean, fix?: FixHooks): Promise<boolean> {
  const first = cm.nodes[0];
  if (!first) return false;
  cm.log('info', `>>> Performing Cluster Check (using node ${first.ip}:${first.port})\n`);
  let result = true;
  if (!quiet) for (const n of cm.nodes) cm.io.out.write(`${nodeInfo(n)}\n`);
  if (!(await isConfigConsistent(cm))) {
    cm.onError("[ERR] Nodes don't agree about configuration!");
    result = false;
  } else cm.log('ok', '[OK] All nodes agree about slots configuration.\n');
  cm.log('info', '>>> Check for open slots...\n');
  const open = new Map<string, string>();
  const added: string[] = [];
  for (const n of cm.nodes) {
    if (n.migrating.length > 0) {
      for (const [slot, dst] of n.migrating) open.set(slot, dst);
      added.push(...n.migrating.map(([slot]) => slot));
      cm.onError(`[WARNING] Node ${n.ip}:${n.port} has slots in migrating state ${n.migrating.map(([s]) => s).join(',')}.`);
    }
    if (n.importing.length > 0) {
      for (const [slot, src] of n.importing) open.set(slot, src);
      added.push(...n.importing.map(([slot]) => slot));
      cm.onError(`[WARNING] Node ${n.ip}:${n.port} has slots in importing state ${n.importing.map(([s]) => s).join(',')}.`);
    }
  }
  if (open.size > 0) {
    result = false;
    // in the order redis-cli's dict of open slots gives them
    const slots = dictOrder(added);
    cm.log('err', `[WARNING] The following slots are open: ${slots.join(',')}.\n`);
    if (fix) {
      for (const slot of slots) {
        result = await fix.openSlot(Number.parseInt(slot, 10));
        if (!result) break;
      }
    }
  }
  cm.log('info', '>>> Check slots coverage...\n');
  const covered = new Uint8Array(SLOTS);
  let coverage = 0;
  for (const n of cm.nodes) {
    for (let i = 0; i < SLOTS; i++) {
      if (n.slots[i] && !covered[i]) {
        covered[i] = 1;
        coverage++;
      }
    }
  }
  if (coverage === SLOTS) cm.log('ok', `[OK] All ${SLOTS} slots covered.\n`);
  else {
    cm.onError(`[ERR] Not all ${SLOTS} slots are covered by nodes.\n`);
    result = false;
    if (fix && (await fix.coverage(covered)) > 0) result = true;
  }
  if (cm.opts.searchMultipleOwners) {
    cm.log('info', '>>> Check for multiple slot owners...\n');
    let multiple = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      const owners = [];
      for (const n of cm.nodes) {
        if (isReplica(n)) continue;
        if (n.slots[slot]) owners.push(n);
        else {
          const r = await cm.command(n, ['CLUSTER', 'COUNTKEYSINSLOT', String(slot)]);
          if (r?.kind === 'integer' && r.value > 0n) owners.push(n);
        }
      }
      if (owners.length > 1) {
        result = false;
        cm.log('err', `[WARNING] Slot ${slot} has ${owners.length} owners:\n`);
        for (const n of owners) cm.log('err', `    ${n.ip}:${n.port}\n`);
        multiple++;
        if (fix) {
          result = await fix.multipleOwners(slot, owners);
          if (!result) {
            cm.log('err', `Failed to fix multiple owners for slot ${slot}\n`);
            break;
          }
          multiple--;
        }
      }
    }
    if (multiple === 0) cm.log('ok', '[OK] No multiple owners found.\n');
  }
  return result;
}

/** --cluster info HOST:PORT */
export async function commandInfo(cm: ClusterManager, args: string[]): Promise<boolean> {
  if (!(await loadFromArgs(cm, args))) return false;
  await showClusterInfo(cm);
  return true;
}

/** --cluster check HOST:PORT (and fix, with hooks) */
export async function commandCheck(cm: ClusterManager, args: string[], fix?: FixHooks): Promise<boolean> {
  if (!(await loadFromArgs(cm, args))) return false;
  await showClusterInfo(cm);
  return checkCluster(cm, false, fix);
}

/** --cluster call HOST:PORT command args… */
export async function commandCall(cm: ClusterManager, args: string[], mbDelim: string): Promise<boolean> {
  if (!(await loadFromArgs(cm, args.slice(0, 1)))) return false;
  const argv = args.slice(1);
  cm.log('info', '>>> Calling');
  cm.io.out.write(`${argv.map((a) => ` ${a}`).join('')}\n`);
  for (const n of cm.nodes) {
    if (cm.opts.onlyMasters && n.replicate !== null) continue;
    if (cm.opts.onlyReplicas && n.replicate === null) continue;
    if (!cm.isConnected(n) && !(await cm.connect(n))) continue;
    const r = await cm.command(n, argv);
    if (r === null) cm.io.out.write(`${n.ip}:${n.port}: Failed!\n`);
    else {
      // cliFormatReplyRaw: raw mode without the trailing -D
      cm.io.out.write(Buffer.concat([Buffer.from(`${n.ip}:${n.port}: `), formatReply(r, { mode: 'raw', mbDelim, cmdDelim: '' }, false), Buffer.from('\n')]));
    }
  }
  return true;
}

/** --cluster set-timeout HOST:PORT MILLISECONDS */
export async function commandSetTimeout(cm: ClusterManager, args: string[]): Promise<boolean> {
  if (!hostFromArgs(args.slice(0, 1))) {
    cm.io.err(INVALID_HOST_ARG);
    return false;
  }
  const timeout = Number.parseInt(/^\s*[+-]?\d+/.exec(args[1]!)?.[0] ?? '0', 10);
  if (timeout < 100) {
    cm.io.err('Setting a node timeout of less than 100 milliseconds is a bad idea.');
    return false;
  }
  if (!(await loadFromArgs(cm, args.slice(0, 1)))) return false;
  let okCount = 0;
  let errCount = 0;
  cm.log('info', '>>> Reconfiguring node timeout in every cluster node...\n');
  for (const n of cm.nodes) {
    const set = await cm.ok(n, ['CONFIG', 'SET', 'cluster-node-timeout', String(timeout)], true);
    const rewrite = set.ok ? await cm.ok(n, ['CONFIG', 'REWRITE'], true) : set;
    if (rewrite.ok) {
      cm.log('warn', `*** New timeout set for ${n.ip}:${n.port}\n`);
      okCount++;
    } else {
      cm.log('err', `ERR setting node-timeout for ${n.ip}:${n.port}: ${rewrite.error ?? ''}\n`);
      errCount++;
    }
  }
  cm.log('info', `>>> New node timeout set. ${okCount} OK, ${errCount} ERR.\n`);
  return true;
}
