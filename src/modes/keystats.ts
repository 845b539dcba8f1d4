import type { Writable } from 'node:stream';
import { cFixed } from '../format/printf.js';
import { sdscatrepr } from '../format/repr.js';
import { cString } from '../format/sink.js';
import type { ModeContext } from './context.js';
import { getKeySizes, getKeyTypes, newTypeDict, type TypeInfo } from './bigkeys.js';
import { HdrHistogram } from './hdr-histogram.js';
import { getDbSize, pause, sendScan, type ScanFilter } from './scan-keys.js';

export interface KeyStatsOptions extends ScanFilter {
  samples?: number | undefined;
  /** --cursor, in decimal */
  cursor: string;
  /** --top */
  top: number;
  /** stdout is a terminal or FAKETTY is set (IS_TTY_OR_FAKETTY): progress bar, live refresh. */
  tty: boolean;
  stderr: Writable;
}

/** bytesToHuman of redis-cli 8.x: B, K, M, G, T with two decimals; nothing from 1024 T up. */
export function bytesToHuman8(n: bigint): string {
  if (n === -(2n ** 63n)) return '--9223372036854775808B'; // -n overflows in C and stays negative
  const sign = n < 0n ? '-' : '';
  const v = n < 0n ? -n : n;
  const d = Number(v);
  const units: Array<[bigint, string]> = [[1024n ** 2n, 'K'], [1024n ** 3n, 'M'], [1024n ** 4n, 'G'], [1024n ** 5n, 'T']];
  if (v < 1024n) return `${sign}${v}B`;
  for (let i = 0; i < units.length; i++) {
    if (v < units[i]![0]) return `${sign}${cFixed(d / 1024 ** (i + 1), 2)}${units[i]![1]}`;
  }
  return sign;
}

/** A double given to a `long long` parameter: truncated; NaN and overflow become INT64_MIN (x86). */
const toLongLong = (x: number): bigint => (Number.isFinite(x) && Math.abs(x) < 2 ** 63 ? BigInt(Math.trunc(x)) : -(2n ** 63n));

interface KeyInfo {
  size: bigint;
  type: string;
  /** sdscatrepr of the name */
  name: Buffer;
}

/** The key-name length buckets of keyStats (32 B … 512 MB, then the rest). */
const LENGTH_BUCKETS = [32n, 256n, 65536n, 1024n * 1024n, 16n * 1024n * 1024n, 128n * 1024n * 1024n, 512n * 1024n * 1024n];

/**
 * --keystats / --keystats-samples (redis-cli 8.x, keyStats): memory (MEMORY USAGE) and length
 * (STRLEN, LLEN, …) of every key in one SCAN: the top --top key sizes, the biggest key per type by
 * size and by length, the key size percentiles (an HdrHistogram at 0.01% precision), the key name
 * length distribution and a table per type. On a terminal a progress bar is redrawn every 300 ms.
 * Ctrl-C ends after the current SCAN and prints the cursor to resume from with --cursor.
 */
export async function runKeyStats(ctx: ModeContext, o: KeyStatsOptions): Promise<number> {
  let cursor = BigInt(o.cursor);
  const memTypes = newTypeDict();
  const lenTypes = newTypeDict();
  const top: KeyInfo[] = [];
  const hist = new HdrHistogram(4);
  const lengthCounts = new Array<bigint>(LENGTH_BUCKETS.length + 1).fill(0n);
  let lengthTotal = 0n;
  let lengthCount = 0n;
  let lengthMax = 0n;
  let sampled = 0n;
  let totalSize = 0n;
  let loops = 0;
  let refreshAt = Date.now();

  // cleanPrintfln: a line (cleared first on a terminal), at most 1023 bytes; returns the lines written
  const lines: Buffer[] = [];
  const println = (s: string | Buffer): number => {
    let b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    if (b.length >= 1024) {
      o.stderr.write('Warning: String was trimmed in cleanPrintln\n');
      b = b.subarray(0, 1023);
    }
    if (o.tty) lines.push(Buffer.from('\x1b[2K\r'));
    lines.push(b, Buffer.from('\n'));
    let n = 1;
    for (const c of b) if (c === 0x0a) n++;
    return n;
  };
  const flushLines = () => {
    ctx.out.write(Buffer.concat(lines));
    lines.length = 0;
  };

  const totalKeys = await getDbSize(ctx.session);
  ctx.out.write(
    '\n# Scanning the entire keyspace to find the biggest keys and distribution information.\n' +
      '# Use -i 0.1 to sleep 0.1 sec per 100 SCAN commands (not usually needed).\n' +
      '# Use --cursor <n> to start the scan at the cursor <n> (usually after a Ctrl-C).\n' +
      '# Use --top <n> to display <n> top key sizes (default is 10).\n' +
      '# Ctrl-C to stop the scan.\n\n',
  );

  const display = (moveUp: boolean) => {
    let n = 0;
    const done = totalKeys ? (sampled < BigInt(totalKeys) ? Number(sampled) / totalKeys : 1) : 0;
    if (o.tty) {
      const width = Math.round(60 * done);
      n += println(`${cFixed(done * 100, 2, 6)}% \x1b[32m${'|'.repeat(width)}\x1b[31m${'-'.repeat(60 - width)}\x1b[39m`);
    } else {
      n += println(`${cFixed(done * 100, 2, 6)}% keys scanned`);
    }
    n += println(`Keys sampled: ${sampled}`);
    n += println(`Keys size:    ${bytesToHuman8(totalSize)}`);
    n += println('');
    n += println(`--- Top ${o.top} key sizes ---`);
    top.forEach((k, i) => {
      n += println(Buffer.concat([Buffer.from(`${String(i + 1).padStart(3)} ${bytesToHuman8(k.size).padStart(8)} ${k.type.padEnd(10)} `), k.name]));
    });
    n += println('');
    n += println('--- Top size per type ---');
    for (const t of memTypes.values()) {
      if (t.biggestKey) n += println(Buffer.concat([Buffer.from(`${t.name.padEnd(10)} `), cString(t.biggestKey), Buffer.from(` is ${bytesToHuman8(t.biggest)}`)]));
    }
    n += println('');
    n += println('--- Top length and cardinality per type ---');
    for (const t of lenTypes.values()) {
      if (!t.biggestKey) continue;
      const size = t.unit === 'bytes' ? bytesToHuman8(t.biggest) : `${t.biggest} ${t.unit}`;
      n += println(Buffer.concat([Buffer.from(`${t.name.padEnd(10)} `), cString(t.biggestKey), Buffer.from(` has ${size}`)]));
    }
    if (moveUp) lines.push(Buffer.from(`\x1b[${n}A\r`));
    flushLines();
  };

  // updateKeyType: here the biggest key's name is kept raw (printed with %s)
  const updateType = (t: TypeInfo, key: Buffer, size: bigint) => {
    t.total += size;
    t.count++;
    if (t.biggest < size) {
      t.biggestKey = key;
      t.biggest = size;
    }
  };
  // updateTopSizes: sorted biggest first, at most --top (0 keeps none)
  const updateTop = (key: Buffer, size: bigint, type: string) => {
    if (o.top !== 0 && top.length === o.top && size <= top[top.length - 1]!.size) return;
    let at = 0;
    while (at < top.length && size <= top[at]!.size) at++;
    top.splice(at, 0, { size, type: type.slice(0, 9), name: sdscatrepr(key) });
    if (top.length === o.top + 1) top.pop();
  };

  do {
    const page = await sendScan(ctx.session, cursor, o);
    loops++;
    const memKeyTypes = await getKeyTypes(ctx, memTypes, page.keys);
    const memSizes = await getKeySizes(ctx, page.keys, memKeyTypes, { memkeys: true, samples: o.samples, stderr: o.stderr });
    const lenKeyTypes = await getKeyTypes(ctx, lenTypes, page.keys);
    const lenSizes = await getKeySizes(ctx, page.keys, lenKeyTypes, { memkeys: false, samples: o.samples, stderr: o.stderr });
    page.keys.forEach((key, i) => {
      const mt = memKeyTypes[i];
      const lt = lenKeyTypes[i];
      if (!mt || !lt) return; // gone since SCAN
      totalSize += memSizes[i]!;
      sampled++;
      updateTop(key, memSizes[i]!, mt.name);
      updateType(mt, key, memSizes[i]!);
      updateType(lt, key, lenSizes[i]!);
      if (!hist.record(memSizes[i]!)) o.stderr.write(`Value ${memSizes[i]} not added in the hdr histogram.\n`);
      const len = BigInt(key.length);
      lengthCount++;
      lengthTotal += len;
      if (len > lengthMax) lengthMax = len;
      let j = 0;
      while (j < LENGTH_BUCKETS.length && len > LENGTH_BUCKETS[j]!) j++;
      lengthCounts[j]!++;
    });
    if (Date.now() > refreshAt + 300 && o.tty) {
      display(true);
      refreshAt = Date.now();
    }
    await ctx.out.flush();
    if (ctx.intervalMs > 0 && loops % 100 === 0) await pause(ctx.intervalMs, ctx.signal);
    cursor = page.cursor;
  } while (!ctx.signal?.aborted && cursor !== 0n);

  display(false);
  println('');
  // displayKeyStatsSizeDist
  println('Key size Percentile Total keys');
  println('-------- ---------- -----------');
  let shown = 0n;
  for (const p of hist.percentiles(1)) {
    if (p.cumulative === shown) continue;
    const pct = p.cumulative === hist.totalCount ? 100 : p.percentile;
    println(`${bytesToHuman8(p.highest).padStart(8)} ${cFixed(pct, 4, 9)}% ${String(p.cumulative).padStart(11)}`);
    shown = p.cumulative;
  }
  println(`Note: 0.01% size precision, Mean: ${bytesToHuman8(toLongLong(hist.mean()))}, StdDeviation: ${bytesToHuman8(toLongLong(hist.stddev()))}`);
  println('');
  // displayKeyStatsLengthDist
  println('Key name length Percentile Total keys');
  println('--------------- ---------- -----------');
  let counted = 0n;
  LENGTH_BUCKETS.forEach((limit, i) => {
    if (lengthCounts[i] === 0n) return;
    counted += lengthCounts[i]!;
    const size = lengthMax < limit ? lengthMax : limit;
    println(`${bytesToHuman8(size).padStart(15)} ${cFixed((100 * Number(counted)) / Number(lengthCount), 4, 9)}% ${String(counted).padStart(11)}`);
  });
  if (counted < lengthCount) println(`           inf ${cFixed(100, 4, 9)}% ${String(lengthCount).padStart(11)}`);
  println(`Total key length is ${bytesToHuman8(lengthTotal)} (${lengthCount ? bytesToHuman8(lengthTotal / lengthCount) : '0'} avg)`);
  println('');
  // displayKeyStatsType
  println('Type        Total keys  Keys % Tot size Avg size  Total length/card Avg ln/card');
  println('--------- ------------ ------- -------- -------- ------------------ -----------');
  for (const mt of memTypes.values()) {
    if (!mt.count) continue;
    let totalLength = ' - ';
    let lengthAvg = ' - ';
    const lt = lenTypes.find(mt.name);
    if (lt && lt.sizeCmd && lt.count) {
      const avg = Number(lt.total) / Number(lt.count);
      if (lt.unit === 'bytes') {
        totalLength = bytesToHuman8(lt.total);
        lengthAvg = bytesToHuman8(BigInt(Math.round(avg)));
      } else {
        totalLength = `${lt.total} ${lt.unit}`;
        lengthAvg = cFixed(avg, 2);
      }
    }
    const share = sampled ? (100 * Number(mt.count)) / Number(sampled) : 0;
    println(`${mt.name.padEnd(10)} ${String(mt.count).padStart(11)} ${cFixed(share, 2, 6)}% ${bytesToHuman8(mt.total).padStart(8)} ${bytesToHuman8(mt.total / mt.count).padStart(8)} ${totalLength.padStart(18)} ${lengthAvg.padStart(11)}`);
  }
  flushLines();
  if (cursor !== 0n) ctx.out.write(`\nScan interrupted:\nUse 'redis-cli --keystats --cursor ${cursor}' to restart from the last cursor.\n`);
  return 0;
}
