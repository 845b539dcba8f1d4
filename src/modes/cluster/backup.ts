/**
 * --cluster backup HOST:PORT BACKUP_DIRECTORY (clusterManagerCommandBackup, redis-cli 7.0.15):
 * checks the cluster, writes each primary's RDB (fetched through SYNC by the --rdb code, as
 * getRDB(node) does) and then nodes.json with every node's description.
 *
 * Unlike redis-cli, a failed transfer leaves no partial RDB (the --rdb code writes under a
 * temporary name), and it ends the command with exit 1 after its message, as redis-cli's exit(1) does.
 */
import { writeFile } from 'node:fs/promises';
import { TredisError } from '../../errors.js';
import { runRdb } from '../rdb.js';
import { flagString, slotsString, type CmNode } from './core.js';
import { checkCluster, loadFromArgs } from './inspect.js';
import type { ClusterManager } from './manager.js';

/** One node of nodes.json (clusterManagerNodeGetJSON). */
export function nodeJson(n: CmNode, errorCount: number): string {
  let json = '  {\n';
  json += `    "name": "${n.name}",\n`;
  json += `    "host": "${n.ip}",\n`;
  json += `    "port": ${n.port},\n`;
  json += `    "replicate": ${n.replicate !== null ? `"${n.replicate}"` : 'null'},\n`;
  // "[0-5460],[5462]" becomes "[0,5460],[5462]"
  json += `    "slots": [${slotsString(n.slots).replaceAll('-', ',')}],\n`;
  json += `    "slots_count": ${n.slotsCount},\n`;
  json += `    "flags": "${flagString(n)}",\n`;
  json += `    "current_epoch": ${n.currentEpoch}`;
  if (errorCount > 0) json += `,\n    "cluster_errors": ${errorCount}`;
  const pairs = (list: Array<[string, string]>) => list.map(([slot, id]) => `"${slot}": "${id}"`).join(',');
  if (n.migrating.length > 0) json += `,\n    "migrating": {${pairs(n.migrating)}}`;
  if (n.importing.length > 0) json += `,\n    "importing": {${pairs(n.importing)}}`;
  return `${json}\n  }`;
}

const withSlash = (dir: string) => (dir.endsWith('/') ? dir : `${dir}/`);

export async function commandBackup(cm: ClusterManager, args: string[]): Promise<boolean> {
  if (!(await loadFromArgs(cm, args.slice(0, 1)))) return false;
  const noIssues = await checkCluster(cm, false);
  const errorCount = noIssues ? 0 : cm.errors.length;
  const dir = args[1]!;
  const parts: string[] = [];
  for (const node of cm.nodes) {
    parts.push(nodeJson(node, errorCount));
    if (node.replicate !== null) continue;
    cm.log('info', `>>> Node ${node.ip}:${node.port} -> Saving RDB...\n`);
    await cm.io.out.flush();
    const session = cm.sessionOf(node);
    if (!session) return false;
    const file = `${withSlash(dir)}redis-node-${node.ip}-${node.port}-${node.name}.rdb`;
    try {
      // mirrors getRDB(node): SYNC alone; messages on stderr
      await runRdb({ session, err: cm.io.err, out: cm.io.out }, { file, functionsOnly: false, idleMs: Math.max(10_000, cm.opts.timeout), plainSync: true });
    } catch (err) {
      // redis-cli exits at once (exit(1)) with getRDB's message; nodes.json is not written
      if (!(err instanceof TredisError)) throw err;
      cm.io.err(err.message);
      if (err.hint) cm.io.err(`hint: ${err.hint}`);
      return false;
    } finally {
      cm.dropSession(node);
    }
  }
  const jsonPath = `${withSlash(dir)}nodes.json`;
  await cm.io.out.flush();
  cm.log('info', `Saving cluster configuration to: ${jsonPath}\n`);
  try {
    await writeFile(jsonPath, `[\n${parts.join(',\n')}\n]`);
  } catch {
    cm.log('err', `Could not save nodes to: ${jsonPath}\n`);
    // redis-cli logs this one with its OK colour
    cm.log('ok', '[ERR] Failed to back cluster!\n');
    return false;
  }
  if (!noIssues) cm.log('warn', "*** Cluster seems to have some problems, please be aware of it if you're going to restore this backup.\n");
  cm.log('ok', `[OK] Backup created into: ${dir}\n`);
  return true;
}
