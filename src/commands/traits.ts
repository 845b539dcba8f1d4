/**
 * The command-traits table: what tredis-cli needs to know about a command before sending it, in one
 * place. Every caller asks here (piped stdin, the execute step, the REPL, the session, -c, the
 * modes) instead of keeping a set of names of its own; a new trait is a new column here.
 *
 * Per command, and per subcommand for the containers (`CLIENT KILL` is not `CLIENT LIST`):
 * - from redis-server 7.0.15's `COMMAND` flags — `write`, `blocking`, `pubsub`: the sets below are
 *   checked against a live server by test/integration/command-traits.test.ts, which also checks the
 *   hand-kept traits against the server's ACL categories (@connection, @dangerous);
 * - of redis-cli 7.0.15 — forced raw output (cliSendCommand's `output_raw`), sensitive
 *   (isSensitiveCommand: kept out of history), `help`;
 * - of tredis-cli — streams (the reply is a stream until Ctrl-C), changes the connection, runs alone
 *   when piped, may be slow (no silent-server warning), dangerous (the REPL asks first), how long a
 *   blocking command may block given its arguments.
 *
 * Leaf module: imports nothing, so every layer above resp/ and connection/ may use it.
 */

/** A command as typed or sent: the name, then its arguments. */
export type CommandWords = ReadonlyArray<Buffer | string>;

/** ASCII case-insensitive equality with a lower-case word (C `strcasecmp`); no string is made. */
export function isWord(arg: Buffer | string | undefined, word: string): boolean {
  if (arg === undefined || arg.length !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    let c = typeof arg === 'string' ? arg.charCodeAt(i) : arg[i]!;
    if (c >= 0x41 && c <= 0x5a) c += 0x20; // A-Z → a-z
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}

function text(arg: Buffer | string | undefined): string {
  if (arg === undefined) return '';
  return typeof arg === 'string' ? arg : arg.toString('latin1');
}

/**
 * The last command name lowered, and its bytes: piped input repeats the same few names, and making a
 * string of each (several traits are asked per command) was ~2 % of a 100,000-line run.
 */
const lastBytes: Buffer = Buffer.alloc(16);
let lastLength = -1;
let lastLower = '';

function lower(arg: Buffer | string | undefined): string {
  if (arg === undefined || typeof arg === 'string') return text(arg).toLowerCase();
  const n = arg.length;
  if (n === lastLength) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (arg[i] !== lastBytes[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastLower;
  }
  const s = arg.toString('latin1').toLowerCase();
  if (n <= lastBytes.length) {
    arg.copy(lastBytes, 0, 0, n);
    lastLength = n;
    lastLower = s;
  }
  return s;
}

/** Commands whose traits depend on the subcommand (redis-server 7.0.15 containers). */
const CONTAINERS = new Set(['acl', 'client', 'cluster', 'command', 'config', 'function', 'latency', 'memory', 'module', 'object', 'pubsub', 'script', 'slowlog', 'xgroup', 'xinfo']);

/**
 * The table's key for a command: `get`, or `client kill` for a container's subcommand (`client` alone
 * when the subcommand is missing). Lower case.
 */
export function commandKey(args: CommandWords): string {
  const name = lower(args[0]);
  return CONTAINERS.has(name) && args.length > 1 ? `${name} ${lower(args[1])}` : name;
}

// --- Traits redis-server 7.0.15 declares (COMMAND flags); kept equal by the integration test ---

/** Flag `write`. */
const WRITE = new Set([
  'append', 'bitfield', 'bitop', 'blmove', 'blmpop', 'blpop', 'brpop', 'brpoplpush', 'bzmpop', 'bzpopmax', 'bzpopmin',
  'copy', 'decr', 'decrby', 'del', 'expire', 'expireat', 'flushall', 'flushdb', 'function delete', 'function flush',
  'function load', 'function restore', 'geoadd', 'georadius', 'georadiusbymember', 'geosearchstore', 'getdel', 'getex',
  'getset', 'hdel', 'hincrby', 'hincrbyfloat', 'hmset', 'hset', 'hsetnx', 'incr', 'incrby', 'incrbyfloat', 'linsert',
  'lmove', 'lmpop', 'lpop', 'lpush', 'lpushx', 'lrem', 'lset', 'ltrim', 'migrate', 'move', 'mset', 'msetnx', 'persist',
  'pexpire', 'pexpireat', 'pfadd', 'pfdebug', 'pfmerge', 'psetex', 'rename', 'renamenx', 'restore', 'restore-asking',
  'rpop', 'rpoplpush', 'rpush', 'rpushx', 'sadd', 'sdiffstore', 'set', 'setbit', 'setex', 'setnx', 'setrange',
  'sinterstore', 'smove', 'sort', 'spop', 'srem', 'sunionstore', 'swapdb', 'unlink', 'xack', 'xadd', 'xautoclaim',
  'xclaim', 'xdel', 'xgroup create', 'xgroup createconsumer', 'xgroup delconsumer', 'xgroup destroy', 'xgroup setid',
  'xreadgroup', 'xsetid', 'xtrim', 'zadd', 'zdiffstore', 'zincrby', 'zinterstore', 'zmpop', 'zpopmax', 'zpopmin',
  'zrangestore', 'zrem', 'zremrangebylex', 'zremrangebyrank', 'zremrangebyscore', 'zunionstore',
]);

/** Flag `blocking` (XREAD and XREADGROUP have it although they block only with BLOCK). */
const BLOCKING = new Set(['blmove', 'blmpop', 'blpop', 'brpop', 'brpoplpush', 'bzmpop', 'bzpopmax', 'bzpopmin', 'xread', 'xreadgroup']);

/** Flag `pubsub`. */
const PUBSUB = new Set([
  'psubscribe', 'publish', 'pubsub channels', 'pubsub numpat', 'pubsub numsub', 'pubsub shardchannels',
  'pubsub shardnumsub', 'punsubscribe', 'spublish', 'ssubscribe', 'subscribe', 'sunsubscribe', 'unsubscribe',
]);

// --- Traits of tredis-cli, as bits per command key ---

/** The reply is a stream printed until Ctrl-C or the connection ends (SUBSCRIBE family, MONITOR). */
const STREAMS = 1;
/** Changes this connection's state: who it is, its database, protocol, name, tracking, replies. */
const CONNECTION = 2;
/** Piped stdin sends it alone, after every earlier reply is printed, instead of pipelining it. */
const ALONE = 4;
/** Its first reply may rightly take long: the session does not warn that the server is silent. */
const SLOW = 8;
/** Turns the connection into a replication stream (redis-cli's slave_mode: "Entering replica output mode..."). */
const REPLICATES = 16;

const OWN: ReadonlyMap<string, number> = new Map([
  ['subscribe', STREAMS | ALONE | SLOW],
  ['psubscribe', STREAMS | ALONE | SLOW],
  ['ssubscribe', STREAMS | ALONE | SLOW],
  ['monitor', STREAMS | ALONE | SLOW],
  ['auth', CONNECTION | ALONE],
  ['hello', CONNECTION | ALONE],
  ['reset', CONNECTION | ALONE],
  ['quit', CONNECTION | ALONE],
  // SELECT is tracked in reply order (modes/execute.ts trackState): it may be pipelined.
  ['select', CONNECTION],
  ['client caching', CONNECTION | ALONE],
  ['client kill', CONNECTION | ALONE],
  ['client no-evict', CONNECTION | ALONE],
  ['client no-touch', CONNECTION | ALONE],
  ['client reply', CONNECTION | ALONE],
  ['client setinfo', CONNECTION | ALONE],
  ['client setname', CONNECTION | ALONE],
  ['client tracking', CONNECTION | ALONE],
  // The rest of CLIENT reports on connections (CLIENT LIST/INFO show the query buffer, which a
  // pipeline would fill) or pauses them: alone, as before the table.
  ['client', ALONE],
  ['shutdown', ALONE],
  ['sync', ALONE | SLOW | REPLICATES],
  ['psync', ALONE | SLOW | REPLICATES],
  ['wait', SLOW],
  ['waitaof', SLOW],
  ['debug', SLOW],
  ['eval', SLOW],
  ['evalsha', SLOW],
  ['fcall', SLOW],
  ['save', SLOW],
  ['keys', SLOW],
  ['flushall', SLOW],
  ['flushdb', SLOW],
]);

function own(args: CommandWords): number {
  const key = commandKey(args);
  const bits = OWN.get(key);
  if (bits !== undefined) return bits;
  const sp = key.indexOf(' ');
  return sp === -1 ? 0 : OWN.get(key.slice(0, sp)) ?? 0;
}

/** Whether redis-server 7.0.15 flags the command `write`. */
export function isWrite(args: CommandWords): boolean {
  return WRITE.has(commandKey(args));
}

/** Whether redis-server 7.0.15 flags the command `blocking` (see `blockingTimeoutMs` for WAIT and BLOCK). */
export function isBlocking(args: CommandWords): boolean {
  return BLOCKING.has(commandKey(args));
}

/** Whether redis-server 7.0.15 flags the command `pubsub`. */
export function isPubSub(args: CommandWords): boolean {
  return PUBSUB.has(commandKey(args));
}

/** `help` / `?`: answered by the client, never sent (redis-cli 7.0.15's cliSendCommand). */
export function isHelp(args: CommandWords): boolean {
  return isWord(args[0], 'help') || isWord(args[0], '?');
}

/** SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, MONITOR: the reply is a stream until Ctrl-C or the connection ends. */
export function isStreaming(args: CommandWords): boolean {
  return (own(args) & STREAMS) !== 0;
}

/** SYNC and PSYNC: the reply is an RDB, then the master's command stream (cliSendCommand's slave_mode). */
export function startsReplication(args: CommandWords): boolean {
  return (own(args) & REPLICATES) !== 0;
}

/** AUTH, HELLO, SELECT, RESET, QUIT, CLIENT SETNAME/REPLY/TRACKING/KILL…: changes this connection's state. */
export function changesConnection(args: CommandWords): boolean {
  return (own(args) & CONNECTION) !== 0;
}

/**
 * Piped stdin sends this command alone (after every earlier reply is printed) rather than
 * pipelining it: `help`, streams, what changes or reports on the connection, what ends it.
 */
export function runsAlone(args: CommandWords): boolean {
  return isHelp(args) || (own(args) & ALONE) !== 0;
}

/** SHUTDOWN: the server closes the connection instead of replying (success, not an error). */
export function endsServer(args: CommandWords): boolean {
  return isWord(args[0], 'shutdown');
}

/** The first reply may rightly take long (blocking, streaming or heavy): no silent-server warning. */
export function mayBeSlow(args: CommandWords): boolean {
  return (own(args) & SLOW) !== 0 || BLOCKING.has(lower(args[0]));
}

/** A timeout argument in seconds (BLPOP …) or milliseconds: 0 means forever; a bad one is an immediate error. */
function timeoutMs(arg: Buffer | string | undefined, unitMs: number): number {
  const t = Number(lower(arg));
  if (arg === undefined || !Number.isFinite(t) || t < 0) return 0;
  return t === 0 ? Infinity : t * unitMs;
}

/**
 * How long the server may hold the reply back waiting for data or replicas, in ms, given the
 * arguments: `Infinity` for a zero timeout, 0 when the arguments are bad (the server answers with an
 * error at once), undefined for a command that does not block (XREAD without BLOCK, GET…).
 * Covers the `blocking` commands plus WAIT and WAITAOF.
 */
export function blockingTimeoutMs(args: CommandWords): number | undefined {
  const name = lower(args[0]);
  switch (name) {
    case 'blpop':
    case 'brpop':
    case 'bzpopmin':
    case 'bzpopmax':
    case 'brpoplpush':
    case 'blmove':
      return timeoutMs(args[args.length - 1], 1000); // … timeout (seconds, last)
    case 'blmpop':
    case 'bzmpop':
      return timeoutMs(args[1], 1000); // timeout numkeys key …
    case 'wait':
      return timeoutMs(args[2], 1); // numreplicas timeout (ms)
    case 'waitaof':
      return timeoutMs(args[3], 1); // numlocal numreplicas timeout (ms)
    case 'xread':
    case 'xreadgroup':
      // options before STREAMS: [GROUP g c] [COUNT n] [BLOCK ms] [NOACK]
      for (let i = 1; i < args.length - 1; i++) {
        if (isWord(args[i], 'streams')) break;
        if (isWord(args[i], 'block')) return timeoutMs(args[i + 1], 1);
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * --reply-timeout: how long the reply of `args` may take, in ms — what a blocking command asked to
 * wait (BLPOP's timeout, WAIT's, XREAD's BLOCK) plus `replyTimeoutMs`; `Infinity` for a stream
 * (SUBSCRIBE family, MONITOR: unbounded while streaming) and for a block with a zero (forever) timeout.
 */
export function replyAllowanceMs(args: CommandWords, replyTimeoutMs: number): number {
  if (isStreaming(args)) return Infinity;
  const blocks = blockingTimeoutMs(args);
  return blocks === undefined ? replyTimeoutMs : blocks + replyTimeoutMs;
}

/**
 * Whether redis-cli prints this command's reply in the forced raw form (mirrors the `output_raw = 1`
 * list of cliSendCommand, redis-cli 7.0.15): INFO, LOLWUT, DEBUG HTSTATS|HTSTATS-KEY|CLIENT-EVICTION,
 * MEMORY MALLOC-STATS|DOCTOR, CLUSTER NODES|INFO (exactly 2 args), CLIENT LIST|INFO,
 * LATENCY GRAPH (exactly 3 args), LATENCY DOCTOR (exactly 2 args), PROXY INFO. Case-insensitive.
 */
export function isForcedRaw(args: CommandWords): boolean {
  const argc = args.length;
  const cmd = args[0];
  const sub = args[1];
  if (isWord(cmd, 'info') || isWord(cmd, 'lolwut')) return true;
  if (argc < 2) return false;
  if (isWord(cmd, 'debug')) {
    return isWord(sub, 'htstats') || isWord(sub, 'htstats-key') || isWord(sub, 'client-eviction');
  }
  if (isWord(cmd, 'memory')) return isWord(sub, 'malloc-stats') || isWord(sub, 'doctor');
  if (isWord(cmd, 'cluster')) return argc === 2 && (isWord(sub, 'nodes') || isWord(sub, 'info'));
  if (isWord(cmd, 'client')) return isWord(sub, 'list') || isWord(sub, 'info');
  if (isWord(cmd, 'latency')) {
    return (argc === 3 && isWord(sub, 'graph')) || (argc === 2 && isWord(sub, 'doctor'));
  }
  if (isWord(cmd, 'proxy')) return isWord(sub, 'info');
  return false;
}

/**
 * Whether a command carries a secret and must stay out of the history (in memory and on disk).
 * Mirrors isSensitiveCommand of redis-cli 7.0.15 — AUTH; ACL SETUSER; CONFIG SET masterauth,
 * masteruser or requirepass; HELLO … AUTH user pass; MIGRATE … AUTH pass / AUTH2 user pass — and
 * goes further where 7.0.15 lets a secret through: CONFIG SET checks every parameter of a
 * multi-parameter call (`CONFIG SET maxmemory 0 requirepass x`), not only the first, and the TLS key
 * passphrases (`tls-key-file-pass`, `tls-client-key-file-pass`) are secrets too.
 */
/** CONFIG SET parameters whose value is a secret. */
const SECRET_PARAMETERS = ['masterauth', 'masteruser', 'requirepass', 'tls-key-file-pass', 'tls-client-key-file-pass'];

export function isSensitive(argv: CommandWords): boolean {
  const argc = argv.length;
  if (argc === 0) return false;
  if (isWord(argv[0], 'auth')) return true;
  if (argc > 1 && isWord(argv[0], 'acl') && isWord(argv[1], 'setuser')) return true;
  if (argc > 2 && isWord(argv[0], 'config') && isWord(argv[1], 'set')) {
    for (let j = 2; j < argc; j += 2) {
      if (SECRET_PARAMETERS.some((name) => isWord(argv[j], name))) return true;
    }
    return false;
  }
  // HELLO [protover [AUTH username password] [SETNAME clientname]]
  if (argc > 4 && isWord(argv[0], 'hello')) {
    for (let j = 2; j < argc; j++) {
      const more = argc - 1 - j;
      if (isWord(argv[j], 'auth') && more >= 2) return true;
      if (isWord(argv[j], 'setname') && more > 0) j++;
      else return false;
    }
    return false;
  }
  // MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
  //         [AUTH2 username password] [KEYS key [key ...]]
  if (argc > 7 && isWord(argv[0], 'migrate')) {
    for (let j = 6; j < argc; j++) {
      const more = argc - 1 - j;
      if (isWord(argv[j], 'auth') && more > 0) return true;
      if (isWord(argv[j], 'auth2') && more >= 2) return true;
      if (isWord(argv[j], 'keys') && more > 0) return false;
    }
  }
  return false;
}

/**
 * Commands the REPL asks about before sending (tredis-cli; redis-cli asks nothing): they delete
 * data, stop the server, or can stall it. What the command would do, for the question; null when it
 * needs no confirmation. Off with `--no-confirm` or `:set noconfirm`.
 */
export function dangerOf(argv: CommandWords): string | null {
  const a = argv[0];
  if (isWord(a, 'flushall')) return 'FLUSHALL deletes every key of every database';
  if (isWord(a, 'flushdb')) return 'FLUSHDB deletes every key of the current database';
  if (isWord(a, 'shutdown')) return 'SHUTDOWN stops the server';
  if (isWord(a, 'debug')) {
    const sub = text(argv[1]).toUpperCase();
    return `DEBUG${sub ? ` ${sub}` : ''} can block, crash or alter the server`;
  }
  if (isWord(a, 'keys') && argv.length === 2 && /^\*+$/.test(text(argv[1]))) {
    return 'KEYS * walks every key and blocks the server meanwhile (SCAN does not)';
  }
  return null;
}
