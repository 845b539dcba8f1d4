import { UsageError } from '../errors.js';
import { atoi } from './args.js';
import type { Flags } from './args.js';

/**
 * Flags of the monitoring and replication modes (--stat, --latency, --latency-history,
 * --latency-dist, --intrinsic-latency, --rdb, --functions-rdb, --replica), as redis-cli 7.0.15's
 * parseOptions reads them.
 */
export interface OpsFlags {
  stat: boolean;
  /** --latency, --latency-history (both set config.latency_mode) and --latency-dist. */
  latency: boolean;
  latencyHistory: boolean;
  latencyDist: boolean;
  /** --mono: the grey palette for --latency-dist. */
  mono: boolean;
  /** --intrinsic-latency SECONDS (atoi). */
  intrinsicSec?: number;
  /** --rdb FILE / --functions-rdb FILE: the last one names the file. */
  rdbFile?: string;
  rdb: boolean;
  functionsRdb: boolean;
  /** --replica / --slave. */
  replica: boolean;
}

export function defaultOpsFlags(): OpsFlags {
  return { stat: false, latency: false, latencyHistory: false, latencyDist: false, mono: false, rdb: false, functionsRdb: false, replica: false };
}

type Set = (o: OpsFlags, value: string, f: Flags) => void;

/** [name, takes a value, setter], in the shape of args.ts' option table. */
export const OPS_OPTIONS: Array<[string, boolean, Set]> = [
  ['--stat', false, (o) => void (o.stat = true)],
  ['--latency', false, (o) => void (o.latency = true)],
  ['--latency-history', false, (o) => {
    o.latency = true;
    o.latencyHistory = true;
  }],
  ['--latency-dist', false, (o) => void (o.latencyDist = true)],
  ['--mono', false, (o) => void (o.mono = true)],
  ['--intrinsic-latency', true, (o, v) => void (o.intrinsicSec = atoi(v))],
  ['--rdb', true, (o, v) => {
    o.rdb = true;
    o.rdbFile = v;
  }],
  ['--functions-rdb', true, (o, v) => {
    o.functionsRdb = true;
    o.rdbFile = v;
  }],
  ['--replica', false, (o) => void (o.replica = true)],
  ['--slave', false, (o) => void (o.replica = true)],
];

/** The checks redis-cli makes once all options are read. */
export function checkOpsFlags(o: OpsFlags): void {
  if (o.rdb && o.functionsRdb) throw new UsageError('Option --functions-rdb and --rdb are mutually exclusive.');
}
