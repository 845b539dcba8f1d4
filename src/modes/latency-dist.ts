/**
 * --latency-dist: PING every 10 ms and draw, every `-i` seconds (default 1), one line of coloured
 * cells: the share of samples in each latency bucket as a 256-colour xterm background, with a
 * legend every 20 lines. Mirrors latencyDistMode, showLatencyDistSamples and showLatencyDistLegend
 * (redis-cli 7.0.15), escape codes included, whatever stdout is (as redis-cli).
 */
import type { ModeContext } from './context.js';
import { reconnectingCommand } from './reconnecting.js';
import { pause } from './scan-keys.js';
import { SAMPLE_MS } from './latency.js';

export const PALETTE_COLOR = [0, 233, 234, 235, 237, 239, 241, 243, 245, 247, 144, 143, 142, 184, 226, 214, 208, 202, 196];
export const PALETTE_MONO = [0, 233, 234, 235, 237, 239, 241, 243, 245, 247, 249, 251, 253];

/** [largest latency in µs (0: the rest), character], smallest first. */
export const BUCKETS: ReadonlyArray<readonly [number, string]> = [
  [10, '.'], [125, '-'], [250, '*'], [500, '#'],
  [1000, '1'], [2000, '2'], [3000, '3'], [4000, '4'], [5000, '5'], [6000, '6'], [7000, '7'], [8000, '8'], [9000, '9'],
  [10000, 'A'], [20000, 'B'], [30000, 'C'], [40000, 'D'], [50000, 'E'],
  [100000, 'F'], [200000, 'G'], [300000, 'H'], [400000, 'I'], [500000, 'J'],
  [1000000, 'K'], [2000000, 'L'], [4000000, 'M'], [8000000, 'N'], [16000000, 'O'], [30000000, 'P'], [60000000, 'Q'],
  [0, '?'],
];

/** The bucket index of a latency in µs. */
export function bucketOf(us: number): number {
  const i = BUCKETS.findIndex(([max]) => max === 0 || us <= max);
  return i;
}

/** showLatencyDistLegend. */
export function distLegend(palette: readonly number[]): string {
  return (
    '---------------------------------------------\n' +
    '. - * #          .01 .125 .25 .5 milliseconds\n' +
    '1,2,3,...,9      from 1 to 9     milliseconds\n' +
    'A,B,C,D,E        10,20,30,40,50  milliseconds\n' +
    'F,G,H,I,J        .1,.2,.3,.4,.5       seconds\n' +
    'K,L,M,N,O,P,Q,?  1,2,4,8,16,30,60,>60 seconds\n' +
    'From 0 to 100%: ' +
    palette.map((c) => `\x1b[48;5;${c}m `).join('') +
    '\x1b[0m\n' +
    '---------------------------------------------\n'
  );
}

/** showLatencyDistSamples: one cell per bucket, coloured by its share of `total`. */
export function distSamples(counts: readonly number[], total: number, palette: readonly number[]): string {
  let s = '\x1b[38;5;0m'; // black foreground
  counts.forEach((n, j) => {
    const color = palette[Math.ceil((n / total) * (palette.length - 1))]!;
    s += `\x1b[48;5;${color}m${BUCKETS[j]![1]}`;
  });
  return `${s}\x1b[0m\n`;
}

const ustime = () => Number(process.hrtime.bigint() / 1000n);

export async function runLatencyDist(ctx: ModeContext, mono: boolean): Promise<number> {
  const palette = mono ? PALETTE_MONO : PALETTE_COLOR;
  const intervalMs = ctx.intervalMs > 0 ? ctx.intervalMs : 1000;
  const counts = BUCKETS.map(() => 0);
  let count = 0;
  let outputs = 0;
  let historyStart = ustime();
  for (;;) {
    const start = ustime();
    await reconnectingCommand(ctx, ['PING']);
    counts[bucketOf(ustime() - start)]!++;
    count++;
    if (Math.floor((ustime() - historyStart) / 1000) > intervalMs) {
      if (outputs++ % 20 === 0) ctx.out.write(distLegend(palette));
      ctx.out.write(distSamples(counts, count, palette));
      counts.fill(0);
      historyStart = ustime();
      count = 0;
      await ctx.out.flush();
    }
    await pause(SAMPLE_MS, ctx.signal);
    if (ctx.signal?.aborted) return 130;
  }
}
