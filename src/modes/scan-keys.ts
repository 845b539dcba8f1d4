import type { Session } from '../client/session.js';
import { ModeError } from '../errors.js';
import type { RespValue } from '../resp/value.js';
import { cFixed } from '../format/printf.js';
import type { ModeContext } from './context.js';

/** What every SCAN of the key-space modes carries (redis-cli's sendScan). */
export interface ScanFilter {
  pattern?: Buffer | undefined;
  /** COUNT, sent only when given (redis-cli 7.0.15 sends none; 7.2+ with --count). */
  count?: number | undefined;
  /** TYPE (--scan --type). */
  type?: string | undefined;
}

export interface ScanPage {
  cursor: bigint;
  keys: Buffer[];
}

/** C strtoull on the cursor text: leading digits, 0 when none. */
function cursorOf(v: RespValue): bigint {
  const text = v.kind === 'bulk' || v.kind === 'simple' ? v.value.toString('latin1') : '';
  const m = /^\s*\+?(\d+)/.exec(text);
  return m ? BigInt(m[1]!) : 0n;
}

/** One `SCAN cursor [MATCH p] [COUNT n] [TYPE t]`, checked as redis-cli's sendScan checks it. */
export async function sendScan(session: Session, cursor: bigint, f: ScanFilter): Promise<ScanPage> {
  const args: Array<Buffer | string> = ['SCAN', cursor.toString()];
  if (f.pattern !== undefined) args.push('MATCH', f.pattern);
  if (f.count !== undefined) args.push('COUNT', String(f.count));
  if (f.type !== undefined) args.push('TYPE', f.type);
  const reply = await session.send(args);
  if (reply.kind === 'error') throw new ModeError(`SCAN error: ${reply.value.toString('latin1')}`);
  if (reply.kind !== 'array') throw new ModeError('Non ARRAY response from SCAN!');
  if (reply.items.length !== 2) throw new ModeError('Invalid element count from SCAN!');
  const list = reply.items[1]!;
  const keys = list.kind === 'array' ? list.items.map((k) => (k.kind === 'bulk' || k.kind === 'simple' ? k.value : Buffer.alloc(0))) : [];
  return { cursor: cursorOf(reply.items[0]!), keys };
}

/** DBSIZE, as redis-cli's getDbSize checks it. */
export async function getDbSize(session: Session): Promise<number> {
  const r = await session.send(['DBSIZE']);
  if (r.kind === 'error') throw new ModeError(`Couldn't determine DBSIZE: ${r.value.toString('latin1')}`);
  if (r.kind !== 'integer') throw new ModeError('Non INTEGER response from DBSIZE!');
  // redis-cli keeps it in an int
  return Number(BigInt.asIntN(32, r.value));
}

/** Waits `ms`, or less when `signal` aborts (Ctrl-C ends the wait, the mode then stops). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `[%05.2f%%]`: the progress tag of the key-space reports. */
export const pctTag = (pct: number) => `[${cFixed(pct, 2, 5, true)}%]`;

/**
 * The SCAN loop of findBigKeys/findHotKeys (redis-cli 7.0.15): DBSIZE, the header, then each page
 * handed to `onPage` with the progress so far (`pct`, and the keys sampled before it; it returns
 * how many it sampled); `-i` sleeps after every 100 SCANs; Ctrl-C (ctx.signal) ends after the SCAN
 * in progress. Prints the summary's first lines and returns the number of keys sampled.
 */
export async function walkKeySpace(ctx: ModeContext, f: ScanFilter, header: string, onPage: (keys: Buffer[], pct: number, sampledBefore: bigint) => Promise<number>): Promise<bigint> {
  const totalKeys = await getDbSize(ctx.session);
  ctx.out.write(header);
  let sampled = 0n;
  let cursor = 0n;
  let loops = 0;
  let pct = 0;
  do {
    pct = (100 * Number(sampled)) / totalKeys;
    const page = await sendScan(ctx.session, cursor, f);
    loops++;
    try {
      sampled += BigInt(await onPage(page.keys, pct, sampled));
    } finally {
      await ctx.out.flush(); // what was printed before an error stays before it
    }
    if (ctx.intervalMs > 0 && loops % 100 === 0) await pause(ctx.intervalMs, ctx.signal);
    cursor = page.cursor;
  } while (!ctx.signal?.aborted && cursor !== 0n);
  ctx.out.write('\n-------- summary -------\n\n');
  if (ctx.signal?.aborted) ctx.out.write(`${pctTag(pct)} `);
  ctx.out.write(`Sampled ${sampled} keys in the keyspace!\n`);
  return sampled;
}
