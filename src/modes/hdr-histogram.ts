/**
 * The parts of HdrHistogram_c (deps/hdr_histogram in redis 8.x) that redis-cli's --keystats prints:
 * recording, the percentile iterator with `ticks_per_half_distance` and the mean and standard
 * deviation, with the same bucket layout, so that the same values give the same report lines.
 * Counts are kept sparse (a Map by counts index): a 1 TiB range at 4 significant figures is 458,752
 * counters in C.
 */
export class HdrHistogram {
  private readonly subBucketHalfCountMagnitude: number;
  private readonly subBucketCount: number;
  private readonly subBucketHalfCount: number;
  private readonly subBucketMask: bigint;
  private readonly unitMagnitude = 0; // lowest discernible value 1
  private readonly counts = new Map<number, bigint>();
  totalCount = 0n;

  constructor(significantFigures: number) {
    const largest = 2 * 10 ** significantFigures;
    const subBucketCountMagnitude = Math.ceil(Math.log(largest) / Math.log(2));
    this.subBucketHalfCountMagnitude = Math.max(subBucketCountMagnitude, 1) - 1;
    this.subBucketCount = 2 ** (this.subBucketHalfCountMagnitude + 1);
    this.subBucketHalfCount = this.subBucketCount / 2;
    this.subBucketMask = BigInt(this.subBucketCount - 1) << BigInt(this.unitMagnitude);
  }

  private bucketIndex(v: bigint): number {
    const x = v | this.subBucketMask;
    const pow2ceiling = x.toString(2).length; // 64 - clz
    return pow2ceiling - this.unitMagnitude - (this.subBucketHalfCountMagnitude + 1);
  }

  private countsIndex(v: bigint): number {
    const b = this.bucketIndex(v);
    const sub = Number(v >> BigInt(b + this.unitMagnitude));
    return ((b + 1) << this.subBucketHalfCountMagnitude) + (sub - this.subBucketHalfCount);
  }

  /** hdr_value_at_index */
  private valueAtIndex(index: number): bigint {
    let b = (index >> this.subBucketHalfCountMagnitude) - 1;
    let sub = (index & (this.subBucketHalfCount - 1)) + this.subBucketHalfCount;
    if (b < 0) {
      sub -= this.subBucketHalfCount;
      b = 0;
    }
    return BigInt(sub) << BigInt(b + this.unitMagnitude);
  }

  /** lowest equivalent value and the size of the range of values counted with `v`. */
  private range(v: bigint): { lowest: bigint; size: bigint } {
    const b = this.bucketIndex(v);
    const sub = Number(v >> BigInt(b + this.unitMagnitude));
    const adjusted = sub >= this.subBucketCount ? b + 1 : b;
    return { lowest: BigInt(sub) << BigInt(b + this.unitMagnitude), size: 1n << BigInt(this.unitMagnitude + adjusted) };
  }

  record(v: bigint): boolean {
    if (v < 0n) return false;
    const i = this.countsIndex(v);
    this.counts.set(i, (this.counts.get(i) ?? 0n) + 1n);
    this.totalCount++;
    return true;
  }

  private nonZero(): Array<[number, bigint]> {
    return [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
  }

  private median(index: number): bigint {
    const r = this.range(this.valueAtIndex(index));
    return r.lowest + (r.size >> 1n);
  }

  /** hdr_mean (NaN when empty, as 0.0/0 in C). */
  mean(): number {
    let total = 0n;
    for (const [i, c] of this.nonZero()) total += c * this.median(i);
    return Number(total) / Number(this.totalCount);
  }

  /** hdr_stddev */
  stddev(): number {
    const mean = this.mean();
    let dev = 0;
    for (const [i, c] of this.nonZero()) {
      const d = Number(this.median(i)) - mean;
      dev += d * d * Number(c);
    }
    return Math.sqrt(dev / Number(this.totalCount));
  }

  /**
   * hdr_iter_percentile_init + hdr_iter_next: each step's highest equivalent value, percentile and
   * cumulative count, including the repeated steps the C iterator yields.
   */
  *percentiles(ticksPerHalfDistance: number): Generator<{ highest: bigint; percentile: number; cumulative: bigint }> {
    const buckets = this.nonZero();
    const total = this.totalCount;
    let pos = -1;
    let cumulative = 0n;
    let count = 0n;
    let toIterate = 0;
    let percentile = 0;
    let seenLast = false;
    const highest = () => {
      if (pos < 0) return 0n;
      const r = this.range(this.valueAtIndex(buckets[pos]![0]));
      return r.lowest + r.size - 1n;
    };
    // basic_iter_next, skipping empty counters (they can never be reported)
    const advance = (): boolean => {
      if (cumulative >= total || pos + 1 >= buckets.length) return false;
      pos++;
      count = buckets[pos]![1];
      cumulative += count;
      return true;
    };
    for (;;) {
      if (cumulative >= total) {
        if (seenLast) return;
        seenLast = true;
        percentile = 100;
        yield { highest: highest(), percentile, cumulative };
        continue;
      }
      if (pos === -1 && !advance()) return;
      let found = false;
      do {
        const current = (100 * Number(cumulative)) / Number(total);
        if (count !== 0n && toIterate <= current) {
          percentile = toIterate;
          const temp = Math.trunc(Math.log(100 / (100 - toIterate)) / Math.log(2)) + 1;
          toIterate += 100 / (ticksPerHalfDistance * 2 ** temp);
          found = true;
          break;
        }
      } while (advance());
      void found;
      yield { highest: highest(), percentile, cumulative };
    }
  }
}
