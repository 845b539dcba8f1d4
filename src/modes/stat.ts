/**
 * --stat: a rolling table of the server's figures, one line per INFO every `-i` seconds (default 1),
 * the header again every 20 lines. Mirrors statMode (redis-cli 7.0.15), byte for byte.
 */
import { ModeError } from '../errors.js';
import { cFixed } from '../format/printf.js';
import type { ModeContext } from './context.js';
import { reconnectingCommand } from './reconnecting.js';
import { pause } from './scan-keys.js';

export const STAT_HEADER =
  '------- data ------ --------------------- load -------------------- - child -\n' +
  'keys       mem      clients blocked requests            connections          \n';

/** LONG_MIN: what getLongInfoField returns for a missing field. */
const MISSING = -(2n ** 63n);

/**
 * getLongInfoField (redis-cli 7.0.15): the first occurrence of `field` anywhere in the text (so
 * `bgsave_in_progress` matches inside `rdb_bgsave_in_progress`), its value up to `\r` or `,`,
 * read by strtol.
 */
export function infoField(info: string, field: string): bigint {
  const at = info.indexOf(field);
  if (at === -1) return MISSING;
  const from = at + field.length + 1;
  let end = info.indexOf('\r', from);
  if (end === -1) end = info.length;
  const comma = info.indexOf(',', from);
  if (comma !== -1 && comma < end) end = comma;
  const m = /^\s*([+-]?\d+)/.exec(info.slice(from, end));
  return m ? BigInt(m[1]!) : 0n;
}

/** bytesToHuman (redis-cli 7.0.15): `512B`, `1.50K`, `2.00M`, `1.25G`. */
export function bytesToHuman(n: bigint): string {
  const sign = n < 0n ? '-' : '';
  const v = n < 0n ? -n : n;
  const d = Number(v);
  if (v < 1024n) return `${sign}${v}B`;
  if (v < 1024n ** 2n) return `${sign}${cFixed(d / 1024, 2)}K`;
  if (v < 1024n ** 3n) return `${sign}${cFixed(d / 1024 ** 2, 2)}M`;
  return `${sign}${cFixed(d / 1024 ** 3, 2)}G`;
}

/** One line of the table from an INFO text; `previous` is the last total_commands_processed (0 at first). */
export function statLine(info: string, previous: bigint): { line: string; requests: bigint } {
  let keys = 0n;
  for (let j = 0; j < 20; j++) {
    const k = infoField(info, `db${j}:keys`);
    if (k !== MISSING) keys += k;
  }
  const requests = infoField(info, 'total_commands_processed');
  let line = `${keys}`.padEnd(11);
  line += bytesToHuman(infoField(info, 'used_memory')).padEnd(8);
  line += ` ${infoField(info, 'connected_clients')}`.padEnd(9);
  line += `${infoField(info, 'blocked_clients')}`.padEnd(8);
  line += `${requests} (+${previous === 0n ? 0n : requests - previous})`.padEnd(19);
  line += ` ${infoField(info, 'total_connections_received')}`.padEnd(13);
  const child = infoField(info, 'bgsave_in_progress') | (infoField(info, 'aof_rewrite_in_progress') << 1n) | (infoField(info, 'loading') << 2n);
  line += ({ 1: 'SAVE', 2: 'AOF', 3: 'SAVE+AOF', 4: 'LOAD' } as Record<string, string>)[String(child)] ?? '';
  return { line: `${line}\n`, requests };
}

/** Runs --stat until Ctrl-C (which, as in redis-cli, ends the process). */
export async function runStat(ctx: ModeContext): Promise<number> {
  const intervalMs = ctx.intervalMs > 0 ? ctx.intervalMs : 1000;
  let requests = 0n;
  for (let i = 0; ; i++) {
    const reply = await reconnectingCommand(ctx, ['INFO']);
    if (reply.kind === 'error') throw new ModeError(`ERROR: ${reply.value.toString('latin1')}`);
    const info = reply.kind === 'bulk' || reply.kind === 'verbatim' || reply.kind === 'simple' ? reply.value.toString('latin1') : '';
    if (i % 20 === 0) ctx.out.write(STAT_HEADER);
    const row = statLine(info, requests);
    requests = row.requests;
    ctx.out.write(row.line);
    await ctx.out.flush();
    await pause(intervalMs, ctx.signal);
    if (ctx.signal?.aborted) return 130;
  }
}
