import { describe, expect, it } from 'vitest';
import { HdrHistogram } from '../../../src/modes/hdr-histogram.js';

// Expectations printed by redis 8.0-m01's deps/hdr_histogram/hdr_histogram.c, compiled with gcc and
// driven as redis-cli's keyStats drives it: hdr_init(1, 1 TiB, 4), hdr_record_value for each value,
// hdr_iter_percentile_init(ticks 1) printing `highest_equivalent_value percentile cumulative_count`
// whenever cumulative_count changes (100 at the total), then (long long) hdr_mean and hdr_stddev.
const CASES: Array<{ values: number[]; rows: string[]; mean: bigint; stddev: bigint }> = [
  { values: [64, 64, 64, 200, 200, 4728], rows: ['64 0.0000 3', '200 75.0000 5', '4728 100.0000 6'], mean: 886n, stddev: 1718n },
  {
    values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100, 1000, 10000, 100000, 1000000, 123456789, 5000000000],
    rows: ['1 0.0000 1', '9 50.0000 9', '10000 75.0000 13', '1000031 87.5000 15', '123457535 93.7500 16', '5000134655 100.0000 17'],
    mean: 301445308n,
    stddev: 1174996882n,
  },
];

const toLongLong = (x: number) => (Number.isFinite(x) ? BigInt(Math.trunc(x)) : -(2n ** 63n));

describe('HdrHistogram (as hdr_histogram.c)', () => {
  it.each(CASES)('$values', ({ values, rows, mean, stddev }) => {
    const h = new HdrHistogram(4);
    for (const v of values) h.record(BigInt(v));
    const got: string[] = [];
    let last = 0n;
    for (const p of h.percentiles(1)) {
      if (p.cumulative === last) continue;
      got.push(`${p.highest} ${(p.cumulative === h.totalCount ? 100 : p.percentile).toFixed(4)} ${p.cumulative}`);
      last = p.cumulative;
    }
    expect(got).toEqual(rows);
    expect([toLongLong(h.mean()), toLongLong(h.stddev())]).toEqual([mean, stddev]);
  });
  it('empty: no rows, mean and stddev NaN (INT64_MIN once cast, as in C)', () => {
    const h = new HdrHistogram(4);
    expect([...h.percentiles(1)].filter((p) => p.cumulative !== 0n)).toEqual([]);
    expect([toLongLong(h.mean()), toLongLong(h.stddev())]).toEqual([-(2n ** 63n), -(2n ** 63n)]);
  });
});
