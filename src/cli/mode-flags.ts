import { UsageError } from '../errors.js';
import { splitArgs } from '../modes/split-line.js';
import type { Flags } from './args.js';

/**
 * Flags of the key-space, mass-insertion and scripting modes (--scan, --pipe, --bigkeys, --memkeys,
 * --hotkeys, --keystats, --eval, --ldb), as redis-cli 7.0.15 parses them, plus what 7.2–8.x added
 * (--count, --cursor, --top, --keystats[-samples]) with 8.x's value checks.
 */
export interface ModeFlags {
  scan: boolean;
  /** --pattern (verbatim) or --quoted-pattern (unquoted, binary-safe); the last one given wins. */
  pattern?: Buffer;
  /** --count N (7.2+): COUNT sent with every SCAN; absent: none, as redis-cli 7.0.15. */
  count?: number;
  /** --type T: TYPE sent with every SCAN of --scan (a tredis-cli addition). */
  type?: string;
  /** --cursor N (8.x): the SCAN cursor to start from, in decimal. */
  cursor: string;
  pipe: boolean;
  pipeTimeoutSec: number;
  bigkeys: boolean;
  memkeys: boolean;
  /** --memkeys-samples / --keystats-samples N (undefined: the server's default). */
  samples?: number;
  hotkeys: boolean;
  keystats: boolean;
  /** --top N (8.x): key sizes listed by --keystats. */
  top: number;
  eval?: string;
  ldb: boolean;
  ldbSync: boolean;
}

/** REDIS_CLI_DEFAULT_PIPE_TIMEOUT (redis-cli 7.0.15): seconds without a reply after the end of stdin. */
const DEFAULT_PIPE_TIMEOUT_SEC = 30;

export function defaultModeFlags(): ModeFlags {
  return { scan: false, cursor: '0', pipe: false, pipeTimeoutSec: DEFAULT_PIPE_TIMEOUT_SEC, bigkeys: false, memkeys: false, hotkeys: false, keystats: false, top: 10, ldb: false, ldbSync: false };
}

/** C atoi (leading blanks, sign, digits; 0 when none). */
function atoi(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) | 0 : 0;
}

/** `strtoll(v, &end, 10)` with `*end` checked and a negative refused: redis-cli 8.x's samples check. */
function samplesValue(flag: string, v: string): number {
  if (!/^[\t\n\v\f\r ]*[+-]?\d+$/.test(v)) throw new UsageError(`${flag} conversion error.`);
  const n = Number(v.trim());
  if (n < 0) throw new UsageError(`${flag} value should be positive.`);
  return n;
}

/** `strtoull` with `*end` checked, and a leading `-` refused unless the value is 0: 8.x's --cursor/--top check. */
function unsignedValue(flag: string, v: string): bigint {
  if (!/^[\t\n\v\f\r ]*[+-]?\d*$/.test(v)) throw new UsageError(`${flag} conversion error.`);
  const digits = v.trim().replace(/^[+-]/, '');
  const n = digits === '' ? 0n : BigInt(digits);
  if (v.trim().startsWith('-') && n !== 0n) throw new UsageError(`${flag} should be followed by a positive integer.`);
  return n;
}

type Set = (m: ModeFlags, value: string, f: Flags) => void;

/** [name, takes a value, setter], in the shape of args.ts' option table. */
export const MODE_OPTIONS: Array<[string, boolean, Set]> = [
  ['--scan', false, (m) => void (m.scan = true)],
  ['--pattern', true, (m, v) => void (m.pattern = Buffer.from(v, 'utf8'))],
  ['--quoted-pattern', true, (m, v) => {
    const parts = splitArgs(Buffer.from(v, 'utf8')); // unquoteCString: exactly one sdssplitargs token
    if (!parts || parts.length !== 1) throw new UsageError('Invalid quoted string specified for --quoted-pattern.');
    m.pattern = parts[0]!;
  }],
  ['--count', true, (m, v) => void (m.count = atoi(v))],
  ['--type', true, (m, v) => void (m.type = v)],
  ['--cursor', true, (m, v) => void (m.cursor = unsignedValue('--cursor', v).toString())],
  ['--pipe', false, (m) => void (m.pipe = true)],
  ['--pipe-timeout', true, (m, v) => void (m.pipeTimeoutSec = atoi(v))],
  ['--bigkeys', false, (m) => void (m.bigkeys = true)],
  ['--memkeys', false, (m) => {
    m.memkeys = true;
    m.samples = undefined;
  }],
  ['--memkeys-samples', true, (m, v) => {
    m.memkeys = true;
    m.samples = samplesValue('--memkeys-samples', v);
  }],
  ['--hotkeys', false, (m) => void (m.hotkeys = true)],
  ['--keystats', false, (m) => {
    m.keystats = true;
    m.samples = undefined;
  }],
  ['--keystats-samples', true, (m, v) => {
    m.keystats = true;
    m.samples = samplesValue('--keystats-samples', v);
  }],
  ['--top', true, (m, v) => void (m.top = Number(unsignedValue('--top', v)))],
  ['--eval', true, (m, v) => void (m.eval = v)],
  // --ldb forces raw output (config.output = OUTPUT_RAW in parseOptions).
  ['--ldb', false, (m, _v, f) => {
    m.ldb = true;
    f.output = 'raw';
  }],
  ['--ldb-sync-mode', false, (m, _v, f) => {
    m.ldb = true;
    m.ldbSync = true;
    f.output = 'raw';
  }],
];

/** The checks redis-cli makes once all options are read. */
export function checkModeFlags(m: ModeFlags): void {
  if (m.ldb && m.eval === undefined) {
    throw new UsageError('Options --ldb and --ldb-sync-mode require --eval.\nTry tredis-cli --help for more information.');
  }
}
