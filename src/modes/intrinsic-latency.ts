/**
 * --intrinsic-latency SECONDS: how long this process is kept from running, measured without any
 * server (no connection is made). Mirrors intrinsicLatencyMode (redis-cli 7.0.15): a short fixed
 * computation timed over and over, `Max latency so far: N microseconds.` at each new maximum, and
 * the summary at the end or on Ctrl-C (exit 0).
 *
 * Node runs it in slices of 20 ms, giving the event loop a turn in between (so Ctrl-C is seen); the
 * gaps between slices are not measured.
 */
import { cFixed } from '../format/printf.js';
import type { ModeContext } from './context.js';

/** compute_something_fast: RC4-like shuffling of 256 bytes, 1000 rounds; the result keeps it from being skipped. */
const s = new Uint8Array(256);

export function computeSomethingFast(): number {
  for (let k = 0; k < 256; k++) s[k] = k;
  let i = 0;
  let j = 0;
  let out = 0;
  for (let count = 0; count < 1000; count++) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
    out += s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

/** Where the computations' results go, so that they cannot be optimised away. */
export let lastResult = 0;

const ustime = () => Number(process.hrtime.bigint() / 1000n);

/** The closing lines, as redis-cli prints them. */
export function intrinsicSummary(runs: number, runTimeUs: number, maxLatencyUs: number): string {
  const avgUs = runTimeUs / runs;
  return `\n${runs} total runs (avg latency: ${cFixed(avgUs, 4)} microseconds / ${cFixed(avgUs * 1e3, 2)} nanoseconds per run).\n` +
    `Worst run took ${cFixed(maxLatencyUs / avgUs, 0)}x longer than the average latency.\n`;
}

export async function runIntrinsicLatency(ctx: ModeContext, seconds: number): Promise<number> {
  const runTime = seconds * 1_000_000;
  const testEnd = ustime() + runTime;
  let maxLatency = 0;
  let runs = 0;
  let sink = 0;
  for (;;) {
    const sliceEnd = ustime() + 20_000;
    for (;;) {
      const start = ustime();
      sink += computeSomethingFast();
      const end = ustime();
      const latency = end - start;
      runs++;
      if (latency > 0) {
        if (latency > maxLatency) {
          maxLatency = latency;
          ctx.out.write(`Max latency so far: ${maxLatency} microseconds.\n`);
        }
        if (ctx.signal?.aborted || end > testEnd) {
          ctx.out.write(intrinsicSummary(runs, runTime, maxLatency));
          lastResult = sink;
          return 0;
        }
      }
      if (end > sliceEnd) break;
    }
    await ctx.out.flush();
    await new Promise((r) => setImmediate(r));
  }
}
