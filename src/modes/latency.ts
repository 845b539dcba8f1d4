/**
 * --latency and --latency-history: PING every 10 ms and show min, max and average round trips in
 * whole milliseconds. Mirrors latencyMode and latencyModePrint (redis-cli 7.0.15):
 * - on a terminal (TTY output) one line redrawn in place (`\x1b[0G\x1b[2K`), for ever; with
 *   --latency-history a new line every `-i` seconds (default 15) ending in ` -- N seconds range`;
 * - otherwise (--raw, --csv, --json, or stdout not a terminal) --latency samples for `-i` seconds
 *   (default 1), prints one line (`min max avg samples`, or its CSV/JSON form) and exits 0, and
 *   --latency-history prints a line after every sample (as redis-cli does).
 */
import { ModeError } from '../errors.js';
import { cFixed } from '../format/printf.js';
import type { OutputMode } from '../format/options.js';
import type { ModeContext } from './context.js';
import { reconnectingCommand } from './reconnecting.js';
import { pause } from './scan-keys.js';

/** LATENCY_SAMPLE_RATE (ms between PINGs). */
export const SAMPLE_MS = 10;
const HISTORY_DEFAULT_MS = 15_000;

export interface LatencyStats {
  min: number;
  max: number;
  avg: number;
  count: number;
}

/** latencyModePrint (redis-cli 7.0.15), for each output mode. */
export function formatLatency(s: LatencyStats, mode: OutputMode): string {
  const avg = cFixed(s.avg, 2);
  switch (mode) {
    case 'tty':
      return `min: ${s.min}, max: ${s.max}, avg: ${avg} (${s.count} samples)`;
    case 'csv':
      return `${s.min},${s.max},${avg},${s.count}\n`;
    case 'raw':
      return `${s.min} ${s.max} ${avg} ${s.count}\n`;
    case 'json':
    case 'quoted-json':
      // redis-cli 7.0.15 compares with OUTPUT_JSON only: --quoted-json prints nothing.
      return mode === 'json' ? `{"min": ${s.min}, "max": ${s.max}, "avg": ${avg}, "count": ${s.count}}\n` : '';
  }
}

/** Whole milliseconds of the wall clock, as mstime(). */
const mstime = () => Math.floor(Number(process.hrtime.bigint() / 1000n) / 1000);

export async function runLatency(ctx: ModeContext, history: boolean): Promise<number> {
  const mode = ctx.format.mode;
  const historyMs = ctx.intervalMs > 0 ? ctx.intervalMs : HISTORY_DEFAULT_MS;
  const onceAfterMs = ctx.intervalMs > 0 ? ctx.intervalMs : 1000;
  let historyStart = mstime();
  let s: LatencyStats = { min: 0, max: 0, avg: 0, count: 0 };
  let tot = 0;
  // One PING not counted: the first round trip also compiles tredis-cli's own reply path (several
  // milliseconds that are Node's, not the server's); redis-cli, compiled ahead, has no such cost.
  await reconnectingCommand(ctx, ['PING']);
  for (;;) {
    const start = mstime();
    const reply = await reconnectingCommand(ctx, ['PING']);
    if (reply.kind === 'error' && /^NOAUTH|^NOPERM/.test(reply.value.toString('latin1'))) {
      // redis-cli ignores the reply and shows the round trips of errors; a refused PING is no latency.
      throw new ModeError(`PING failed: ${reply.value.toString('latin1')}`, 'give a password (-a, --user/--pass) that may run PING');
    }
    const latency = mstime() - start;
    s.count++;
    if (s.count === 1) {
      s.min = s.max = tot = latency;
      s.avg = latency;
    } else {
      if (latency < s.min) s.min = latency;
      if (latency > s.max) s.max = latency;
      tot += latency;
      s.avg = tot / s.count;
    }
    if (mode === 'tty') {
      ctx.out.write('\x1b[0G\x1b[2K');
      ctx.out.write(formatLatency(s, mode));
    } else if (history) {
      ctx.out.write(formatLatency(s, mode));
    } else if (mstime() - historyStart > onceAfterMs) {
      ctx.out.write(formatLatency(s, mode));
      return 0;
    }
    if (history && mstime() - historyStart > historyMs) {
      ctx.out.write(` -- ${cFixed((mstime() - historyStart) / 1000, 2)} seconds range\n`);
      historyStart = mstime();
      s = { min: 0, max: 0, avg: 0, count: 0 };
      tot = 0;
    }
    await ctx.out.flush();
    await pause(SAMPLE_MS, ctx.signal);
    if (ctx.signal?.aborted) {
      if (mode === 'tty') ctx.out.write('\n');
      return 130;
    }
  }
}
