/**
 * The order in which redis-cli 7.0.15 walks its sds-keyed dicts of slots (the open slots of the
 * check, the uncovered slots of fix): Redis's dict.c (chained buckets, incremental rehash, newest
 * entry first in a bucket) with dictGenHashFunction = SipHash-1-2 under an all-zero seed, which
 * redis-cli never sets. Reproduced so that `fix` names and repairs slots in redis-cli's order.
 */

const MASK = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & MASK;

/** siphash() of Redis's siphash.c (1 compression round, 2 finalisation rounds), key 0. */
export function siphash12(data: Buffer): bigint {
  let v0 = 0x736f6d6570736575n;
  let v1 = 0x646f72616e646f6dn;
  let v2 = 0x6c7967656e657261n;
  let v3 = 0x7465646279746573n;
  const round = () => {
    v0 = (v0 + v1) & MASK;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & MASK;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & MASK;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const whole = data.length - (data.length % 8);
  for (let i = 0; i < whole; i += 8) {
    const m = data.readBigUInt64LE(i);
    v3 ^= m;
    round();
    v0 ^= m;
  }
  let b = BigInt(data.length & 0xff) << 56n;
  for (let i = whole; i < data.length; i++) b |= BigInt(data[i]!) << BigInt(8 * (i - whole));
  v3 ^= b;
  round();
  v0 ^= b;
  v2 ^= 0xffn;
  round();
  round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK;
}

interface Table {
  buckets: string[][];
  used: number;
}

const newTable = (size: number): Table => ({ buckets: Array.from({ length: size }, () => []), used: 0 });

/**
 * The keys in dictNext order after adding each of `adds` with dictReplace (an existing key is not
 * added again, but the call still makes its incremental rehash step).
 */
export function dictOrder(adds: readonly string[]): string[] {
  const hashes = new Map<string, bigint>();
  const hash = (k: string) => {
    let h = hashes.get(k);
    if (h === undefined) hashes.set(k, (h = siphash12(Buffer.from(k, 'latin1'))));
    return h;
  };
  const idx = (k: string, t: Table) => Number(hash(k) & BigInt(t.buckets.length - 1));
  let t0: Table | undefined;
  let t1: Table | undefined;
  let rehashIdx = -1;

  const rehashStep = () => {
    // dictRehash(d, 1)
    let emptyVisits = 10;
    if (t0!.used !== 0) {
      while (t0!.buckets[rehashIdx]!.length === 0) {
        rehashIdx++;
        if (--emptyVisits === 0) return;
      }
      for (const k of t0!.buckets[rehashIdx]!) {
        t1!.buckets[idx(k, t1!)]!.unshift(k);
        t0!.used--;
        t1!.used++;
      }
      t0!.buckets[rehashIdx] = [];
      rehashIdx++;
    }
    if (t0!.used === 0) {
      t0 = t1;
      t1 = undefined;
      rehashIdx = -1;
    }
  };

  for (const k of adds) {
    if (rehashIdx !== -1) rehashStep();
    // _dictExpandIfNeeded
    if (rehashIdx === -1) {
      if (!t0) t0 = newTable(4);
      else if (t0.used >= t0.buckets.length) {
        let size = 4;
        while (size < t0.used + 1) size *= 2;
        t1 = newTable(size);
        rehashIdx = 0;
      }
    }
    if (t0!.buckets[idx(k, t0!)]!.includes(k) || (t1 && t1.buckets[idx(k, t1)]!.includes(k))) continue;
    const t = rehashIdx !== -1 ? t1! : t0!;
    t.buckets[idx(k, t)]!.unshift(k);
    t.used++;
  }
  const out: string[] = [];
  for (const t of [t0, t1]) for (const b of t?.buckets ?? []) out.push(...b);
  return out;
}
