import { sdscatrepr } from '../format/repr.js';
import { cString } from '../format/sink.js';
import type { ModeContext } from './context.js';
import { pause, sendScan, type ScanFilter } from './scan-keys.js';

const NL = Buffer.from('\n');

export interface ScanModeOptions extends ScanFilter {
  /** --cursor: where the iteration starts, in decimal ('0': the whole key space). */
  cursor: string;
}

/**
 * --scan: every key name, one a line. Mirrors scanMode (redis-cli 7.0.15): on a terminal (TTY
 * output) names are quoted with sdscatrepr, otherwise printed with `%s` (binary, cut at a NUL byte);
 * `-i` sleeps after every SCAN; Ctrl-C (ctx.signal) ends after the SCAN in progress, exit 0.
 */
export async function runScan(ctx: ModeContext, o: ScanModeOptions): Promise<number> {
  const quote = ctx.format.mode === 'tty';
  let cursor = BigInt(o.cursor);
  do {
    const page = await sendScan(ctx.session, cursor, o);
    for (const key of page.keys) {
      ctx.out.write(quote ? sdscatrepr(key) : cString(key));
      ctx.out.write(NL);
    }
    await ctx.out.flush();
    if (ctx.intervalMs > 0) await pause(ctx.intervalMs, ctx.signal);
    cursor = page.cursor;
  } while (!ctx.signal?.aborted && cursor !== 0n);
  return 0;
}
