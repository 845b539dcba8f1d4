import { UsageError } from '../errors.js';
import { checkModeFlags, defaultModeFlags, MODE_OPTIONS, type ModeFlags } from './mode-flags.js';
import { checkOpsFlags, defaultOpsFlags, OPS_OPTIONS, type OpsFlags } from './ops-flags.js';
import type { ClusterOptions } from '../modes/cluster/manager.js';
import { atof } from '../modes/cluster/core.js';

/** Output mode chosen by flags (undefined: decided by whether stdout is a terminal). */
export type OutputFlag = 'tty' | 'raw' | 'csv' | 'json' | 'quoted-json';

/** The flags as typed, before environment and defaults are applied (see config.ts). */
export interface Flags {
  host: string;
  port: number;
  socket?: string;
  auth?: string;
  user?: string;
  askpass: boolean;
  uri?: string;
  /** Set by a rediss:// URI. */
  uriTls: boolean;
  repeat: number;
  intervalSec: number;
  db: number;
  resp2: boolean;
  /** RESP3 (HELLO 3 after connecting): 'off'; 'asked' by -3; 'implied' by --json/--quoted-json. */
  resp3: 'off' | 'asked' | 'implied';
  stdinLastArg: boolean;
  stdinTag?: string;
  mbDelim: string;
  cmdDelim: string;
  cluster: boolean;
  failOnErrorReply: boolean;
  noAuthWarning: boolean;
  output?: OutputFlag;
  quotedInput: boolean;
  showPushes?: boolean;
  timeoutSec?: number;
  /** --reply-timeout: seconds to wait for a reply (on top of a blocking command's own timeout); unset: forever. */
  replyTimeoutSec?: number;
  tls: boolean;
  sni?: string;
  cacert?: string;
  cacertdir?: string;
  insecure: boolean;
  verifyHostname: boolean;
  cert?: string;
  key?: string;
  keyPassEnv?: string;
  p12?: string;
  tlsCiphers?: string;
  tlsCiphersuites?: string;
  tlsMinVersion?: string;
  tlsMaxVersion?: string;
  tlsGroups?: string;
  tlsKeylog?: string;
  pinSha256: string[];
  /** --resolve HOST:PORT:ADDR, as typed (repeatable). */
  resolve: string[];
  showHandshake?: 'text' | 'json';
  noConfirm: boolean;
  help: boolean;
  version: boolean;
  /** --cluster NAME ARGS…: the cluster manager. */
  clusterCommand?: { name: string; args: string[] };
  /** --cluster-* options as typed (defaults applied by the cluster manager). */
  clusterOpts: Partial<ClusterOptions>;
  /** A redis-cli mode flag that tredis-cli does not implement yet (--stat, --rdb, ...). */
  unsupported?: string;
  /** --scan, --pipe, --bigkeys, --memkeys, --hotkeys, --keystats, --eval and their options. */
  modes: ModeFlags;
  /** -4 / -6 (redis-cli 7.4+): which address family to try first when the host name resolves to both. */
  preferFamily?: 4 | 6;
  /** --stat, --latency*, --intrinsic-latency, --rdb, --functions-rdb, --replica. */
  ops: OpsFlags;
}

export interface ParsedArgs {
  flags: Flags;
  /** The command words, taken verbatim from argv. */
  command: string[];
  /** Lines for stderr that redis-cli prints while parsing (warnings that do not stop it). */
  warnings: string[];
}

export function defaultFlags(): Flags {
  return {
    host: '127.0.0.1',
    port: 6379,
    askpass: false,
    uriTls: false,
    repeat: 1,
    intervalSec: 0,
    db: 0,
    resp2: false,
    resp3: 'off',
    stdinLastArg: false,
    mbDelim: '\n',
    cmdDelim: '\n',
    cluster: false,
    failOnErrorReply: false,
    noAuthWarning: false,
    quotedInput: false,
    tls: false,
    insecure: false,
    verifyHostname: true,
    pinSha256: [],
    resolve: [],
    clusterOpts: {},
    noConfirm: false,
    help: false,
    version: false,
    modes: defaultModeFlags(),
    ops: defaultOpsFlags(),
  };
}

/** C atoi: leading white space, sign, digits; stops at the first other character; 0 when none. */
export function atoi(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  if (!m) return 0;
  const v = Number.parseInt(m[1]!, 10);
  return Number.isFinite(v) ? v | 0 : 0;
}

/** C strtoll base 10 for -r (saturating like strtoll). */
function strtoll(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  if (!m) return 0;
  const v = Number(m[1]);
  return Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, v));
}

type Setter = (f: Flags, value: string, warnings: string[]) => void;
interface OptSpec {
  names: string[];
  /** Takes the next word as its value (redis-cli's `!lastarg` options). */
  arg: boolean;
  set: Setter;
}

const setOutput = (mode: OutputFlag): Setter => (f) => {
  if ((mode === 'json' || mode === 'quoted-json') && f.resp3 === 'off') f.resp3 = 'implied'; // not overwriting an explicit -3
  f.output = mode;
};

const TLS_VERSIONS: Record<string, string> = { '1': 'TLSv1', '1.0': 'TLSv1', '1.1': 'TLSv1.1', '1.2': 'TLSv1.2', '1.3': 'TLSv1.3', tlsv1: 'TLSv1', 'tlsv1.0': 'TLSv1', 'tlsv1.1': 'TLSv1.1', 'tlsv1.2': 'TLSv1.2', 'tlsv1.3': 'TLSv1.3' };
const tlsVersion = (flag: string, v: string): string => {
  const t = TLS_VERSIONS[v.toLowerCase()];
  if (!t) throw new UsageError(`Invalid ${flag} value '${v}' (valid: 1.0, 1.1, 1.2, 1.3)`);
  return t;
};

/** redis-cli flags that select modes tredis-cli does not have yet, with their argument counts. */
const UNSUPPORTED: Array<[string, boolean]> = [
  ['--lru-test', true],
];

type ClusterFlag = 'fromAskpass' | 'yes' | 'simulate' | 'replace' | 'copy' | 'slave' | 'useEmptyMasters' | 'searchMultipleOwners' | 'fixWithUnreachableMasters' | 'onlyMasters' | 'onlyReplicas';
/** The --cluster-* switches without a value. */
const CLUSTER_FLAGS: Array<[string, ClusterFlag]> = [
  ['--cluster-from-askpass', 'fromAskpass'], ['--cluster-yes', 'yes'], ['--cluster-simulate', 'simulate'],
  ['--cluster-replace', 'replace'], ['--cluster-copy', 'copy'], ['--cluster-slave', 'slave'],
  ['--cluster-use-empty-masters', 'useEmptyMasters'], ['--cluster-search-multiple-owners', 'searchMultipleOwners'],
  ['--cluster-fix-with-unreachable-masters', 'fixWithUnreachableMasters'], ['--cluster-only-masters', 'onlyMasters'],
  ['--cluster-only-replicas', 'onlyReplicas'],
];

/**
 * Every option, as data. Mirrors parseOptions() of redis-cli 7.0.15: options come first, the first
 * word that does not start with `-` begins the command, a value-taking option in last position is
 * "Unrecognized option or bad number of args", and values are taken verbatim (even when they start
 * with `-`).
 */
const OPTIONS: OptSpec[] = [
  { names: ['-h'], arg: true, set: (f, v) => void (f.host = v) },
  { names: ['--help'], arg: false, set: (f) => void (f.help = true) },
  { names: ['-x'], arg: false, set: (f) => void (f.stdinLastArg = true) },
  { names: ['-X'], arg: true, set: (f, v) => void (f.stdinTag = v) },
  { names: ['-p'], arg: true, set: (f, v) => void (f.port = atoi(v)) },
  { names: ['-s'], arg: true, set: (f, v) => void (f.socket = v) },
  { names: ['-r'], arg: true, set: (f, v) => void (f.repeat = strtoll(v)) },
  { names: ['-i'], arg: true, set: (f, v) => void (f.intervalSec = atof(v)) },
  { names: ['-n'], arg: true, set: (f, v) => void (f.db = atoi(v)) },
  { names: ['-t'], arg: true, set: (f, v) => {
    const t = Number(v);
    if (!Number.isFinite(t) || t <= 0) throw new UsageError(`Invalid timeout '${v}': give seconds > 0 (decimals allowed)`);
    f.timeoutSec = t;
  } },
  { names: ['--reply-timeout'], arg: true, set: (f, v) => {
    const t = Number(v);
    if (v.trim() === '' || !Number.isFinite(t) || t <= 0) throw new UsageError(`Invalid --reply-timeout '${v}': give seconds > 0 (decimals allowed)`);
    f.replyTimeoutSec = t;
  } },
  { names: ['--no-auth-warning'], arg: false, set: (f) => void (f.noAuthWarning = true) },
  { names: ['--askpass'], arg: false, set: (f) => void (f.askpass = true) },
  { names: ['-a', '--pass'], arg: true, set: (f, v) => void (f.auth = v) },
  { names: ['--user'], arg: true, set: (f, v) => void (f.user = v) },
  { names: ['-u'], arg: true, set: (f, v) => applyUri(f, v) },
  { names: ['--raw'], arg: false, set: setOutput('raw') },
  { names: ['--no-raw'], arg: false, set: setOutput('tty') },
  { names: ['--quoted-input'], arg: false, set: (f) => void (f.quotedInput = true) },
  { names: ['--csv'], arg: false, set: setOutput('csv') },
  { names: ['--json'], arg: false, set: setOutput('json') },
  { names: ['--quoted-json'], arg: false, set: setOutput('quoted-json') },
  { names: ['-d'], arg: true, set: (f, v) => void (f.mbDelim = v) },
  { names: ['-D'], arg: true, set: (f, v) => void (f.cmdDelim = v) },
  { names: ['-e'], arg: false, set: (f) => void (f.failOnErrorReply = true) },
  { names: ['-c'], arg: false, set: (f) => void (f.cluster = true) },
  // accepted as redis-cli does; tredis-cli has nothing more to say with it
  { names: ['--verbose'], arg: false, set: (f) => void (f.clusterOpts.verbose = true) }, // only rebalance reads it
  { names: ['--tls'], arg: false, set: (f) => void (f.tls = true) },
  { names: ['--sni'], arg: true, set: (f, v) => void (f.sni = v) },
  { names: ['--cacertdir'], arg: true, set: (f, v) => void (f.cacertdir = v) },
  { names: ['--cacert'], arg: true, set: (f, v) => void (f.cacert = v) },
  { names: ['--cert'], arg: true, set: (f, v) => void (f.cert = v) },
  { names: ['--key'], arg: true, set: (f, v) => void (f.key = v) },
  { names: ['--tls-ciphers'], arg: true, set: (f, v) => void (f.tlsCiphers = v) },
  { names: ['--insecure'], arg: false, set: (f) => void (f.insecure = true) },
  { names: ['--tls-ciphersuites'], arg: true, set: (f, v) => void (f.tlsCiphersuites = v) },
  { names: ['--no-verify-hostname'], arg: false, set: (f) => void (f.verifyHostname = false) },
  { names: ['--key-pass-env'], arg: true, set: (f, v) => void (f.keyPassEnv = v) },
  { names: ['--p12', '--pfx'], arg: true, set: (f, v) => void (f.p12 = v) },
  { names: ['--tls-min-version'], arg: true, set: (f, v) => void (f.tlsMinVersion = tlsVersion('--tls-min-version', v)) },
  { names: ['--tls-max-version'], arg: true, set: (f, v) => void (f.tlsMaxVersion = tlsVersion('--tls-max-version', v)) },
  { names: ['--tls-groups'], arg: true, set: (f, v) => void (f.tlsGroups = v) },
  { names: ['--tls-keylog'], arg: true, set: (f, v) => void (f.tlsKeylog = v) },
  { names: ['--pin-sha256'], arg: true, set: (f, v) => void f.pinSha256.push(...v.split(',').map((p) => p.trim().replace(/^sha256\/\//, '')).filter((p) => p !== '')) },
  { names: ['--resolve'], arg: true, set: (f, v) => void f.resolve.push(v) },
  { names: ['--show-handshake'], arg: false, set: (f) => void (f.showHandshake = 'text') },
  { names: ['--show-handshake=json'], arg: false, set: (f) => void (f.showHandshake = 'json') },
  { names: ['--show-handshake=text'], arg: false, set: (f) => void (f.showHandshake = 'text') },
  { names: ['--no-confirm'], arg: false, set: (f) => void (f.noConfirm = true) },
  { names: ['-v', '--version'], arg: false, set: (f) => void (f.version = true) },
  { names: ['-2'], arg: false, set: (f) => void (f.resp2 = true) },
  { names: ['-3'], arg: false, set: (f) => void (f.resp3 = 'asked') },
  { names: ['--show-pushes'], arg: true, set: (f, v, w) => {
    if (/^n/i.test(v)) f.showPushes = false;
    else if (/^y/i.test(v)) f.showPushes = true;
    else w.push(`Unknown --show-pushes value '${v}' (valid: '[y]es', '[n]o')`);
  } },
  ...MODE_OPTIONS.map(([name, arg, set]): OptSpec => ({ names: [name], arg, set: (f, v) => set(f.modes, v, f) })),
  { names: ['-4'], arg: false, set: (f) => preferFamily(f, 4) },
  { names: ['-6'], arg: false, set: (f) => preferFamily(f, 6) },
  ...OPS_OPTIONS.map(([name, arg, set]): OptSpec => ({ names: [name], arg, set: (f, v) => set(f.ops, v, f) })),
  ...UNSUPPORTED.map(([name, arg]): OptSpec => ({ names: [name], arg, set: (f) => void (f.unsupported ??= name) })),
  // --cluster-* (parseOptions, redis-cli 7.0.15); --cluster and --cluster-weight are read in parseArgs
  ...CLUSTER_FLAGS.map(([name, key]): OptSpec => ({ names: [name], arg: false, set: (f) => void (f.clusterOpts[key] = true) })),
  { names: ['--cluster-replicas'], arg: true, set: (f, v) => void (f.clusterOpts.replicas = atoi(v)) },
  { names: ['--cluster-master-id'], arg: true, set: (f, v) => void (f.clusterOpts.masterId = v) },
  { names: ['--cluster-from'], arg: true, set: (f, v) => void (f.clusterOpts.from = v) },
  { names: ['--cluster-to'], arg: true, set: (f, v) => void (f.clusterOpts.to = v) },
  { names: ['--cluster-from-user'], arg: true, set: (f, v) => void (f.clusterOpts.fromUser = v) },
  { names: ['--cluster-from-pass'], arg: true, set: (f, v) => void (f.clusterOpts.fromPass = v) },
  { names: ['--cluster-slots'], arg: true, set: (f, v) => void (f.clusterOpts.slots = atoi(v)) },
  { names: ['--cluster-timeout'], arg: true, set: (f, v) => void (f.clusterOpts.timeout = atoi(v)) },
  { names: ['--cluster-pipeline'], arg: true, set: (f, v) => void (f.clusterOpts.pipeline = atoi(v)) },
  { names: ['--cluster-threshold'], arg: true, set: (f, v) => void (f.clusterOpts.threshold = atof(v)) },
];

function preferFamily(f: Flags, family: 4 | 6): void {
  if (f.preferFamily !== undefined && f.preferFamily !== family) throw new UsageError('Options -4 and -6 are mutually exclusive.');
  f.preferFamily = family;
}

const BY_NAME = new Map<string, OptSpec>(OPTIONS.flatMap((o) => o.names.map((n) => [n, o] as const)));

/**
 * `redis[s]://[[user]:[password]@]host[:port][/db]` exactly as parseRedisUri (cli_common.c):
 * percent-decoding of user and password, an empty user kept as given.
 */
export function applyUri(f: Flags, uri: string): void {
  f.uri = uri;
  let cur = uri;
  if (/^rediss:\/\//i.test(cur)) {
    f.uriTls = true;
    cur = cur.slice(9);
  } else if (/^redis:\/\//i.test(cur)) {
    cur = cur.slice(8);
  } else {
    throw new UsageError('Invalid URI scheme');
  }
  if (cur === '') return;
  const at = cur.indexOf('@');
  if (at !== -1) {
    const colon = cur.indexOf(':');
    if (colon !== -1 && colon < at) {
      f.user = percentDecode(cur.slice(0, colon));
      cur = cur.slice(colon + 1);
      f.auth = percentDecode(cur.slice(0, cur.indexOf('@')));
    } else {
      f.auth = percentDecode(cur.slice(0, at));
    }
    cur = cur.slice(cur.indexOf('@') + 1);
  }
  if (cur === '') return;
  if (cur.startsWith('[')) {
    // A bracketed IPv6 literal (RFC 3986), `rediss://[::1]:6380/0`: redis-cli 7.0.15 splits at the
    // first ':' and takes `[` for the host; here the brackets delimit the address.
    const close = cur.indexOf(']');
    // named by its host part only: what came before `@` may hold a password
    if (close === -1) throw new UsageError(`Invalid URI: '[' without ']' in the host part '${cur}'`, 'an IPv6 address in a URI is written in brackets: redis://[::1]:6379');
    f.host = cur.slice(1, close);
    cur = cur.slice(close + 1);
    if (cur.startsWith(':')) {
      const end = cur.indexOf('/');
      f.port = atoi(cur.slice(1, end === -1 ? undefined : end));
      cur = end === -1 ? '' : cur.slice(end);
    }
    if (cur.startsWith('/') && cur.length > 1) f.db = atoi(cur.slice(1));
    return;
  }
  const slash = cur.indexOf('/');
  if (!cur.startsWith('/')) {
    // strchr(curr, ':') in cli_common.c searches the whole rest, past a '/' too: `redis://h/1:2`
    // is host "h/1", port 2 (and db 1).
    const colon = cur.indexOf(':');
    if (colon !== -1) {
      f.port = atoi(cur.slice(colon + 1));
      f.host = cur.slice(0, colon);
    } else {
      f.host = slash === -1 ? cur : cur.slice(0, slash);
    }
  }
  if (slash === -1) return;
  const rest = cur.slice(slash + 1);
  if (rest === '') return;
  f.db = atoi(rest);
}

function percentDecode(s: string): string {
  const bytes: number[] = [];
  const src = Buffer.from(s, 'utf8');
  for (let i = 0; i < src.length; i++) {
    if (src[i] === 0x25) {
      // cli_common.c checks `end - curr < 2` only, so `%4` at the end reads the byte after the
      // field (the ':' or '@' that ends it): "Illegal character", not "Incomplete".
      if (src.length - i < 2) throw new UsageError('Incomplete URI encoding');
      const hex = String.fromCharCode(src[i + 1]!, src[i + 2] ?? 0x40);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new UsageError('Illegal character in URI encoding');
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(src[i]!);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Parses argv (without node and the script). Throws UsageError with redis-cli's wording.
 * `--help` and `-h` in last position set `help`; `--version` sets `version`.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const f = defaultFlags();
  const warnings: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i]!;
    const last = i === argv.length - 1;
    if (word === '--cluster') {
      // mirrors parseOptions: the subcommand, then its words up to the next one starting with '-'
      if (last || f.clusterCommand) throw new UsageError(usageLine());
      const name = argv[++i]!;
      const args: string[] = [];
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) args.push(argv[++i]!);
      f.clusterCommand = { name, args };
      continue;
    }
    if (word === '--cluster-weight' && !last) {
      if (f.clusterOpts.weight) {
        throw new UsageError('WARNING: you cannot use --cluster-weight more than once.\nYou can set more weights by adding them as a space-separated list, ie:\n--cluster-weight n1=w n2=w');
      }
      const weight: string[] = [];
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--') && argv[i + 1]!.includes('=')) weight.push(argv[++i]!);
      if (weight.length > 0) f.clusterOpts.weight = weight;
      continue;
    }
    const spec = BY_NAME.get(word);
    if (spec && (!spec.arg || !last)) {
      spec.set(f, spec.arg ? argv[++i]! : '', warnings);
      if (f.help || f.version) break; // redis-cli exits at once
      continue;
    }
    if (word === '-h' && last) {
      f.help = true; // usage(0), as redis-cli does
      break;
    }
    if (word.startsWith('-')) throw new UsageError(`Unrecognized option or bad number of args for: '${word}'`);
    break;
  }
  const command = f.help || f.version ? [] : argv.slice(i);
  if (f.socket !== undefined && f.cluster) throw new UsageError('Options -c and -s are mutually exclusive.');
  if (f.resp2 && f.resp3 === 'asked') throw new UsageError('Options -2 and -3 are mutually exclusive.');
  checkModeFlags(f.modes);
  checkOpsFlags(f.ops);
  if (!f.noAuthWarning && f.auth !== undefined && !f.help && !f.version) {
    warnings.push("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.");
  }
  if (f.stdinLastArg && f.stdinTag !== undefined) {
    // redis-cli has printed its warnings by the time it checks this.
    throw new UsageError([...warnings, 'Options -x and -X are mutually exclusive.'].join('\n'));
  }
  return { flags: f, command, warnings };
}

/** What redis-cli's usage(1) leads with, for --cluster without a subcommand. */
function usageLine(): string {
  return '--cluster needs a subcommand: --cluster help lists them';
}
