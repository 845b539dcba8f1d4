import type { Writable } from 'node:stream';
import { ModeError } from '../errors.js';
import { sdscatrepr } from '../format/repr.js';
import type { ModeContext } from './context.js';
import { pctTag, walkKeySpace, type ScanFilter } from './scan-keys.js';

/** HOTKEYS_SAMPLE: the size of the pool of hottest keys. */
const POOL = 16;

export interface HotKeysOptions extends ScanFilter {
  stderr: Writable;
}

/** OBJECT FREQ of each key, pipelined (getKeyFreqs). */
async function getKeyFreqs(ctx: ModeContext, keys: Buffer[], stderr: Writable): Promise<bigint[]> {
  const replies = await Promise.all(keys.map((k) => ctx.session.send(['OBJECT', 'FREQ', k])));
  return replies.map((r, i) => {
    if (r.kind === 'integer') return BigInt.asUintN(64, r.value);
    // without an LFU maxmemory-policy every key fails this way: redis-cli's words, exit 1
    if (r.kind === 'error') throw new ModeError(`Error: ${r.value.toString('latin1')}`);
    stderr.write(Buffer.concat([Buffer.from("Warning: OBJECT freq on '"), sdscatrepr(keys[i]!), Buffer.from("' failed (may have been deleted)\n")]));
    return 0n;
  });
}

/**
 * --hotkeys: mirrors findHotKeys (redis-cli 7.0.15): LFU counters from OBJECT FREQ kept in a pool of
 * the 16 hottest keys (its eviction order included), a line each time a key enters the pool, then the
 * pool hottest first. Needs an LFU maxmemory-policy: otherwise redis-cli's error after the header.
 */
export async function runHotKeys(ctx: ModeContext, o: HotKeysOptions): Promise<number> {
  const out = (s: string | Buffer) => ctx.out.write(s);
  const counters: bigint[] = new Array<bigint>(POOL).fill(0n);
  const hot: Array<Buffer | undefined> = new Array<Buffer | undefined>(POOL).fill(undefined);
  const header = '\n# Scanning the entire keyspace to find hot keys as well as\n# average sizes per key type.  You can use -i 0.1 to sleep 0.1 sec\n# per 100 SCAN commands (not usually needed).\n\n';
  await walkKeySpace(ctx, o, header, async (keys, pct, before) => {
    const freqs = await getKeyFreqs(ctx, keys, o.stderr);
    keys.forEach((key, i) => {
      const sampled = before + BigInt(i + 1);
      if (sampled % 1000000n === 0n) out(`${pctTag(pct)} Sampled ${sampled} keys so far\n`);
      // the pool is sorted coldest first: find where this counter goes
      let k = 0;
      while (k < POOL && freqs[i]! > counters[k]!) k++;
      if (k === 0) return;
      k--;
      if (k !== 0 && counters[k] !== 0n) {
        // full below k: drop the coldest and shift the rest down
        counters.splice(0, 1);
        counters.splice(k, 0, 0n);
        hot.splice(0, 1);
        hot.splice(k, 0, undefined);
      }
      counters[k] = freqs[i]!;
      hot[k] = sdscatrepr(key);
      out(Buffer.concat([Buffer.from(`${pctTag(pct)} Hot key '`), hot[k]!, Buffer.from(`' found so far with counter ${freqs[i]}\n`)]));
    });
    return keys.length;
  });
  for (let i = 1; i <= POOL; i++) {
    const k = POOL - i;
    if (counters[k]! > 0n) out(Buffer.concat([Buffer.from(`hot key found with counter: ${counters[k]}\tkeyname: `), hot[k]!, Buffer.from('\n')]));
  }
  return 0;
}
