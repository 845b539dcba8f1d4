/**
 * --cluster import HOST:PORT --cluster-from HOST:PORT [--cluster-from-user U]
 * [--cluster-from-pass P | --cluster-from-askpass] [--cluster-copy] [--cluster-replace]
 * (clusterManagerCommandImport, redis-cli 7.0.15): SCAN the source's DB 0 and MIGRATE every key
 * to the primary that serves its slot, with redis-cli's lines.
 *
 * Where redis-cli connects to the source in plaintext always, tredis-cli uses the connection
 * options given for the cluster (TLS, certificates) for it too; the source's credentials are
 * --cluster-from-user/--cluster-from-pass, never the cluster's.
 */
import { TredisError } from '../../errors.js';
import type { RespValue } from '../../resp/value.js';
import { hostFromArgs, infoField, isReplica, keyHashSlot, SLOTS, type CmNode } from './core.js';
import { checkCluster } from './inspect.js';
import { ClusterManager, INVALID_HOST_ARG } from './manager.js';

const text = (v: RespValue | undefined): string | undefined =>
  v && (v.kind === 'bulk' || v.kind === 'simple' || v.kind === 'verbatim' || v.kind === 'error') ? v.value.toString() : undefined;

export async function commandImport(cm: ClusterManager, args: string[]): Promise<boolean> {
  const at = hostFromArgs(args);
  if (!at) {
    cm.io.err(INVALID_HOST_ARG);
    return false;
  }
  if (cm.opts.from === undefined) {
    cm.io.err("[ERR] Option '--cluster-from' is required for subcommand 'import'.");
    return false;
  }
  const src = hostFromArgs([cm.opts.from]);
  if (!src) {
    cm.io.err('[ERR] Invalid --cluster-from host. You need to pass a valid address (ie. 120.0.0.1:7000).');
    return false;
  }
  const srcName = `${src.ip}:${src.port}`;
  cm.log('info', `>>> Importing data from ${srcName} to cluster ${at.ip}:${at.port}\n`);
  if (!(await cm.loadFromNode(ClusterManager.nodeAt(at.ip, at.port)))) return false;
  if (!(await checkCluster(cm, false))) return false;

  const source = cm.io.session(src.ip, src.port, undefined, { noAuth: true });
  let replyErr: string | undefined;
  try {
    try {
      await source.connect();
    } catch (err) {
      await cm.io.out.flush();
      const e = err instanceof TredisError ? err : undefined;
      cm.io.err(`${e?.message ?? `Could not connect to Redis at ${srcName}: ${(err as Error).message}`}.`);
      if (e?.hint) cm.io.err(`hint: ${e.hint}`);
      return false;
    }
    const send = async (argv: Array<string | Buffer>): Promise<RespValue | null> => {
      try {
        return await source.send(argv);
      } catch {
        return null;
      }
    };
    // mirrors cliAuth
    if (cm.opts.fromPass !== undefined) {
      const r = await send(cm.opts.fromUser !== undefined ? ['AUTH', cm.opts.fromUser, cm.opts.fromPass] : ['AUTH', cm.opts.fromPass]);
      await cm.io.out.flush();
      if (r === null) {
        cm.io.err('\nI/O error');
        return false;
      }
      if (r.kind === 'error') {
        cm.io.err(`AUTH failed: ${r.value.toString()}`);
        return false;
      }
    }
    const info = await send(['INFO']);
    if (info === null || info.kind === 'error') {
      replyErr = text(info ?? undefined);
      return false;
    }
    // getLongInfoField: any non-zero cluster_enabled
    if (Number.parseInt(infoField(text(info) ?? '', 'cluster_enabled') ?? '0', 10)) {
      cm.log('err', '[ERR] The source node should not be a cluster node.\n');
      return false;
    }
    const dbsize = await send(['DBSIZE']);
    if (dbsize === null || dbsize.kind === 'error') {
      replyErr = text(dbsize ?? undefined);
      return false;
    }
    cm.log('warn', `*** Importing ${dbsize.kind === 'integer' ? dbsize.value : 0} keys from DB 0\n`);

    const owners: Array<CmNode | undefined> = new Array<CmNode | undefined>(SLOTS);
    for (let i = 0; i < SLOTS; i++) owners[i] = cm.nodes.find((n) => !isReplica(n) && n.slotsCount > 0 && n.slots[i]);
    const tail: string[] = [];
    const { user, password } = cm.io.auth ?? {};
    if (password !== undefined) tail.push(...(user !== undefined ? ['AUTH2', user, password] : ['AUTH', password]));
    if (cm.opts.copy) tail.push('COPY');
    if (cm.opts.replace) tail.push('REPLACE');
    replyErr = await migrateAll(cm, send, srcName, owners, tail);
    return replyErr === undefined;
  } finally {
    if (replyErr !== undefined && replyErr !== '') cm.log('err', `Source ${srcName} replied with error:\n${replyErr}\n`);
    source.close();
  }
}

/**
 * SCAN … COUNT 1000 and one MIGRATE per key, stopping at the first failure. Returns undefined when
 * all went well, else the error to print ('' when it was printed already or there is none).
 */
async function migrateAll(
  cm: ClusterManager,
  send: (argv: Array<string | Buffer>) => Promise<RespValue | null>,
  srcName: string,
  owners: Array<CmNode | undefined>,
  tail: string[],
): Promise<string | undefined> {
  let cursor = '0';
  do {
    const r = await send(['SCAN', cursor, 'COUNT', '1000']);
    if (r === null || r.kind === 'error') return text(r ?? undefined) ?? '';
    if (r.kind !== 'array' || r.items.length < 2 || r.items[1]!.kind !== 'array') return 'unexpected SCAN reply';
    const c = r.items[0]!;
    cursor = c.kind === 'integer' ? String(c.value) : (text(c) ?? '0');
    for (const k of r.items[1].items) {
      if (k.kind !== 'bulk') return 'unexpected SCAN reply';
      const key = k.value;
      const target = owners[keyHashSlot(key)];
      if (!target) {
        // redis-cli would dereference a NULL owner here; an uncovered slot fails the check first
        return `no node serves slot ${keyHashSlot(key)} of key '${key.toString()}'`;
      }
      cm.io.out.write(Buffer.concat([Buffer.from('Migrating '), key, Buffer.from(` to ${target.ip}:${target.port}: `)]));
      const m = await send(['MIGRATE', target.ip, String(target.port), key, '0', String(cm.opts.timeout), ...tail]);
      if (m === null || m.kind === 'error') {
        if (m !== null) cm.log('err', `Source ${srcName} replied with error:\n${m.value.toString()}\n`);
        return '';
      }
      cm.log('ok', 'OK\n');
    }
    await cm.io.out.flush();
  } while (cursor !== '0');
  return undefined;
}
