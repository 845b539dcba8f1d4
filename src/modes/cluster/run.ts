/**
 * --cluster SUBCOMMAND: validation and dispatch (validateClusterManagerCommand and
 * clusterManagerMode, redis-cli 7.0.15). Returns the exit code: 0 when the subcommand succeeded.
 */
import { commandBackup } from './backup.js';
import { commandCreate } from './create.js';
import { commandFix } from './fix.js';
import { commandImport } from './import.js';
import { commandAddNode, commandDelNode } from './nodes.js';
import { commandRebalance } from './rebalance.js';
import { commandReshard } from './reshard.js';
import { commandCall, commandCheck, commandInfo, commandSetTimeout, helpText } from './inspect.js';
import { ClusterManager, type ClusterCommand, type ManagerIo } from './manager.js';

// fix moves keys with the one migration core, as clusterManagerMoveSlot with err == NULL (errors printed)

type Proc = (cm: ClusterManager, cmd: ClusterCommand, ctx: { mbDelim: string }) => Promise<boolean>;

/** [name, arity (negative: at least), implementation] as in clusterManagerCommands. */
const TABLE: Array<[string, number, Proc | undefined]> = [
  ['create', -2, (cm, c) => commandCreate(cm, c.args)],
  ['check', -1, (cm, c) => commandCheck(cm, c.args)],
  ['info', -1, (cm, c) => commandInfo(cm, c.args)],
  ['fix', -1, (cm, c) => commandFix(cm, c.args)],
  ['reshard', -1, (cm, c) => commandReshard(cm, c.args)],
  ['rebalance', -1, (cm, c) => commandRebalance(cm, c.args)],
  ['add-node', 2, (cm, c) => commandAddNode(cm, c.args)],
  ['del-node', 2, (cm, c) => commandDelNode(cm, c.args)],
  ['call', -2, (cm, c, x) => commandCall(cm, c.args, x.mbDelim)],
  ['set-timeout', 2, (cm, c) => commandSetTimeout(cm, c.args)],
  ['import', 1, (cm, c) => commandImport(cm, c.args)],
  ['backup', 2, (cm, c) => commandBackup(cm, c.args)],
  ['help', 0, async (cm) => {
    cm.io.out.write(helpText());
    return false; // clusterManagerCommandHelp returns 0: redis-cli exits 1 after help
  }],
  // beyond redis-cli: loaded when used
  ['tls-audit', -1, async (cm, c) => (await import('./tls-audit.js')).commandTlsAudit(cm, c.args)],
];

/** Registers more subcommands (one file per group). */
export function registerClusterCommand(name: string, proc: Proc): void {
  const row = TABLE.find((r) => r[0] === name);
  if (row) row[2] = proc;
}

export async function runClusterManager(cmd: ClusterCommand, io: ManagerIo, ctx: { mbDelim: string }): Promise<number> {
  const row = TABLE.find((r) => r[0] === cmd.name);
  if (!row) {
    io.err('Unknown --cluster subcommand');
    return 1;
  }
  const [name, arity, proc] = row;
  if ((arity > 0 && cmd.args.length !== arity) || (arity < 0 && cmd.args.length < -arity)) {
    io.err('[ERR] Wrong number of arguments for specified --cluster sub command');
    return 1;
  }
  if (!proc) {
    io.err(`tredis-cli: --cluster ${name} is not supported yet (use redis-cli for it)`);
    return 1;
  }
  const cm = new ClusterManager(io, cmd.opts);
  try {
    const ok = await proc(cm, cmd, ctx);
    return cm.interrupted ? 130 : ok ? 0 : 1;
  } finally {
    await io.out.flush();
    cm.closeAll();
  }
}
