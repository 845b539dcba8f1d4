import type { Writable } from 'node:stream';
import { ModeError } from '../errors.js';
import { cFixed } from '../format/printf.js';
import { sdscatrepr } from '../format/repr.js';
import { cString } from '../format/sink.js';
import type { RespValue } from '../resp/value.js';
import type { ModeContext } from './context.js';
import { pctTag, walkKeySpace, type ScanFilter } from './scan-keys.js';
import { TypeDict } from './type-dict.js';

/** redis-cli's typeinfo: a type, the command that sizes it and the unit of that size. */
export interface TypeInfo {
  name: string;
  sizeCmd: string | undefined;
  unit: string;
  biggest: bigint;
  count: bigint;
  total: bigint;
  /** sdscatrepr of the biggest key's name (undefined: none seen). */
  biggestKey: Buffer | undefined;
}

const KNOWN: Array<[string, string, string]> = [
  ['string', 'STRLEN', 'bytes'],
  ['list', 'LLEN', 'items'],
  ['set', 'SCARD', 'members'],
  ['hash', 'HLEN', 'fields'],
  ['zset', 'ZCARD', 'members'],
  ['stream', 'XLEN', 'entries'],
];

const newType = (name: string, sizeCmd: string | undefined, unit: string): TypeInfo => ({ name, sizeCmd, unit, biggest: 0n, count: 0n, total: 0n, biggestKey: undefined });

/** The six known types, added in redis-cli's order (which decides the report's order). */
export function newTypeDict(): TypeDict<TypeInfo> {
  const d = new TypeDict<TypeInfo>();
  for (const [name, cmd, unit] of KNOWN) d.add(name, newType(name, cmd, unit));
  return d;
}

/** Pipelined TYPE of each key (getKeyTypes): undefined for a key gone since SCAN ("none"). */
export async function getKeyTypes(ctx: ModeContext, types: TypeDict<TypeInfo>, keys: Buffer[]): Promise<Array<TypeInfo | undefined>> {
  const replies = await Promise.all(keys.map((k) => ctx.session.send(['TYPE', k])));
  return replies.map((r, i) => {
    if (r.kind !== 'simple') {
      if (r.kind === 'error') throw new ModeError(`TYPE returned an error: ${r.value.toString('latin1')}`);
      throw new ModeError(`Invalid reply type (${hiredisType(r)}) for TYPE on key '${cString(keys[i]!).toString('latin1')}'!`);
    }
    const name = cString(r.value).toString('latin1');
    const found = types.find(name);
    if (found) return found;
    if (name === 'none') return undefined;
    const t = newType(name, undefined, '?'); // a module type
    types.add(name, t);
    return t;
  });
}

/** hiredis' REDIS_REPLY_* number of a reply, as redis-cli prints it. */
function hiredisType(r: RespValue): number {
  const codes: Record<string, number> = { bulk: 1, array: 2, integer: 3, null: 4, simple: 5, error: 6, double: 7, boolean: 8, map: 9, set: 10, attribute: 11, push: 12, bignum: 13, verbatim: 14 };
  return codes[r.kind] ?? 0;
}

export interface SizeOptions {
  memkeys: boolean;
  /** --memkeys-samples (undefined: the server's default). */
  samples?: number | undefined;
  stderr: Writable;
}

/** Pipelined sizes (getKeySizes): element counts, or MEMORY USAGE with --memkeys. */
export async function getKeySizes(ctx: ModeContext, keys: Buffer[], types: Array<TypeInfo | undefined>, o: SizeOptions): Promise<bigint[]> {
  const sized = (t: TypeInfo | undefined): t is TypeInfo => t !== undefined && (t.sizeCmd !== undefined || o.memkeys);
  const replies = await Promise.all(
    keys.map((k, i) => {
      const t = types[i];
      if (!sized(t)) return undefined;
      if (!o.memkeys) return ctx.session.send([t.sizeCmd!, k]);
      return ctx.session.send(o.samples === undefined ? ['MEMORY', 'USAGE', k] : ['MEMORY', 'USAGE', k, 'SAMPLES', String(o.samples)]);
    }),
  );
  return replies.map((r, i) => {
    if (r === undefined) return 0n;
    if (r.kind !== 'integer') {
      // the key may have been deleted, or replaced by another type, since TYPE
      const cmd = o.memkeys ? 'MEMORY USAGE' : types[i]!.sizeCmd!;
      o.stderr.write(Buffer.concat([Buffer.from(`Warning:  ${cmd} on '`), cString(keys[i]!), Buffer.from("' failed (may have changed type)\n")]));
      return 0n;
    }
    return BigInt.asUintN(64, r.value);
  });
}

export interface BigKeysOptions extends ScanFilter, SizeOptions {}

/**
 * --bigkeys / --memkeys: mirrors findBigKeys (redis-cli 7.0.15): the header, a progress line each
 * time a type's biggest key grows, `Sampled N keys so far` every million, then the summary with the
 * types in redis-cli's dict order. Keys deleted mid-scan are skipped; `-i` sleeps every 100 SCANs;
 * Ctrl-C (ctx.signal) ends after the current SCAN with the summary of what was seen, exit 0.
 */
export async function runBigKeys(ctx: ModeContext, o: BigKeysOptions): Promise<number> {
  const out = (s: string | Buffer) => ctx.out.write(s);
  const types = newTypeDict();
  let totlen = 0n;
  const unitOf = (t: TypeInfo) => (o.memkeys ? 'bytes' : t.unit);
  const header = '\n# Scanning the entire keyspace to find biggest keys as well as\n# average sizes per key type.  You can use -i 0.1 to sleep 0.1 sec\n# per 100 SCAN commands (not usually needed).\n\n';
  const sampled = await walkKeySpace(ctx, o, header, async (keys, pct, before) => {
    const keyTypes = await getKeyTypes(ctx, types, keys);
    const sizes = await getKeySizes(ctx, keys, keyTypes, o);
    let n = 0n;
    keys.forEach((key, i) => {
      const t = keyTypes[i];
      if (!t) return;
      t.total += sizes[i]!;
      t.count++;
      totlen += BigInt(key.length);
      n++;
      if (t.biggest < sizes[i]!) {
        t.biggestKey = sdscatrepr(key);
        out(Buffer.concat([Buffer.from(`${pctTag(pct)} Biggest ${t.name.padEnd(6)} found so far '`), t.biggestKey, Buffer.from(`' with ${sizes[i]} ${unitOf(t)}\n`)]));
        t.biggest = sizes[i]!;
      }
      if ((before + n) % 1000000n === 0n) out(`${pctTag(pct)} Sampled ${before + n} keys so far\n`);
    });
    return Number(n);
  });
  out(`Total key length in bytes is ${totlen} (avg len ${cFixed(totlen ? Number(totlen) / Number(sampled) : 0, 2)})\n\n`);
  const all = types.values();
  for (const t of all) {
    if (t.biggestKey) out(Buffer.concat([Buffer.from(`Biggest ${t.name.padStart(6)} found '`), t.biggestKey, Buffer.from(`' has ${t.biggest} ${unitOf(t)}\n`)]));
  }
  out('\n');
  for (const t of all) {
    const share = sampled ? (100 * Number(t.count)) / Number(sampled) : 0;
    const avg = t.count ? Number(t.total) / Number(t.count) : 0;
    out(`${t.count} ${t.name}s with ${t.total} ${unitOf(t)} (${cFixed(share, 2, 5, true)}% of keys, avg size ${cFixed(avg, 2)})\n`);
  }
  return 0;
}
