/**
 * The order in which redis-cli 7.0.15 lists key types in --bigkeys/--memkeys reports: it keeps them
 * in a `dict` (dict.c) keyed by type name and prints them in iteration order. That order follows
 * from the dict's hash (SipHash-1-2, with the all-zero seed redis-cli never changes), its power-of-
 * two tables and its incremental rehashing, one bucket per lookup; so it can change while the first
 * few keys are looked up. This models exactly those parts, to print the same lines in the same order.
 */

const MASK = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & MASK;

/** siphash() of src/siphash.c (1 compression round, 2 finalisation rounds), key of 16 zero bytes. */
export function siphash12(data: Buffer): bigint {
  let v0 = 0x736f6d6570736575n;
  let v1 = 0x646f72616e646f6dn;
  let v2 = 0x6c7967656e657261n;
  let v3 = 0x7465646279746573n;
  const round = () => {
    v0 = (v0 + v1) & MASK; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & MASK; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & MASK; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
  };
  const whole = data.length - (data.length % 8);
  for (let i = 0; i < whole; i += 8) {
    const m = data.readBigUInt64LE(i);
    v3 ^= m;
    round();
    v0 ^= m;
  }
  let b = BigInt(data.length) << 56n;
  for (let i = data.length - 1; i >= whole; i--) b |= BigInt(data[i]!) << BigInt(8 * (i - whole));
  v3 ^= b;
  round();
  v0 ^= b;
  v2 ^= 0xffn;
  round();
  round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK;
}

interface Entry<V> {
  key: string;
  hash: bigint;
  value: V;
}

/** dict.c's table: buckets are chains with the newest entry first. */
type Table<V> = Array<Array<Entry<V>>>;

/** A dict of type names (dictSdsHash keys) with dict.c's growth, rehashing and iteration order. */
export class TypeDict<V> {
  private t0: Table<V> = [];
  private t1: Table<V> = [];
  private used0 = 0;
  private used1 = 0;
  /** -1 when not rehashing. */
  private rehashIdx = -1;

  private get rehashing(): boolean {
    return this.rehashIdx !== -1;
  }

  /** dictRehash(d, 1): moves one bucket, visiting at most 10 empty ones. */
  private rehashStep(): void {
    if (!this.rehashing) return;
    let emptyVisits = 10;
    if (this.used0 !== 0) {
      while (this.t0[this.rehashIdx]!.length === 0) {
        this.rehashIdx++;
        if (--emptyVisits === 0) return;
      }
      const mask = BigInt(this.t1.length - 1);
      // the chain is walked head first and each entry pushed on the head of its new bucket
      for (const e of this.t0[this.rehashIdx]!) {
        this.t1[Number(e.hash & mask)]!.unshift(e);
        this.used0--;
        this.used1++;
      }
      this.t0[this.rehashIdx] = [];
      this.rehashIdx++;
    }
    if (this.used0 === 0) {
      this.t0 = this.t1;
      this.used0 = this.used1;
      this.t1 = [];
      this.used1 = 0;
      this.rehashIdx = -1;
    }
  }

  private expandIfNeeded(): void {
    if (this.rehashing) return;
    if (this.t0.length === 0) {
      this.t0 = Array.from({ length: 4 }, () => []); // DICT_HT_INITIAL_SIZE
      return;
    }
    if (this.used0 >= this.t0.length) {
      let size = 4;
      while (size < this.used0 + 1) size *= 2;
      this.t1 = Array.from({ length: size }, () => []);
      this.rehashIdx = 0;
    }
  }

  /** dictAdd: a rehash step, growth, then the entry at the head of its bucket. */
  add(key: string, value: V): void {
    this.rehashStep();
    const hash = siphash12(Buffer.from(key, 'latin1'));
    this.expandIfNeeded();
    this.insert(key, hash, value);
  }

  /** dictReplace: as dictAdd, but a key already there only gets the new value. */
  replace(key: string, value: V): void {
    this.rehashStep();
    const hash = siphash12(Buffer.from(key, 'latin1'));
    this.expandIfNeeded();
    const found = [...this.t0, ...this.t1].flat().find((e) => e.key === key);
    if (found) found.value = value;
    else this.insert(key, hash, value);
  }

  private insert(key: string, hash: bigint, value: V): void {
    const table = this.rehashing ? this.t1 : this.t0;
    table[Number(hash & BigInt(table.length - 1))]!.unshift({ key, hash, value });
    if (this.rehashing) this.used1++;
    else this.used0++;
  }

  /** dictFind: a rehash step (when not empty), then the lookup. */
  find(key: string): V | undefined {
    if (this.used0 + this.used1 === 0) return undefined;
    this.rehashStep();
    for (const e of [...this.t0, ...this.t1].flat()) if (e.key === key) return e.value;
    return undefined;
  }

  /** dictNext order: table 0 bucket by bucket, then table 1 while rehashing. */
  values(): V[] {
    return [...this.t0, ...(this.rehashing ? this.t1 : [])].flat().map((e) => e.value);
  }
}

/**
 * The keys in dictNext order after dictReplace of each of `adds`: how redis-cli walks its dicts of
 * slots (the check's open slots, fix's uncovered slots).
 */
export function dictOrder(adds: readonly string[]): string[] {
  const d = new TypeDict<string>();
  for (const k of adds) d.replace(k, k);
  return d.values();
}
