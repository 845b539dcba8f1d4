#!/usr/bin/env node
// Record golden rows for the reply formatters (test/fixtures/format-golden.json) from the real
// redis-cli 7.0.15. Plain Node ESM, node:* only. Usage: node scripts/record-golden.mjs [out.json]
//
// How a row is made:
// 1. A private redis-server (free loopback port, no persistence, DEBUG enabled) is started and loaded
//    with data; it is stopped by its PID at the end.
// 2. For each case and protocol the command is sent on a raw socket (after `HELLO 3` for RESP3) and
//    the exact reply bytes are captured (`resp`). Out-of-band pushes before the reply are kept.
// 3. redis-cli runs the same command once per output mode against a small replay server that answers
//    redis-cli's `HELLO 3` with the real server's HELLO reply and the command with exactly the captured
//    bytes; its stdout is `expected`. So `resp` and `expected` always belong together, also for
//    replies we normalise (client ids, ports) or craft ("synthetic" rows: blob errors, NUL bytes,
//    odd map keys, invalidate pushes ... that a real server does not send). Every server-sourced case
//    is also run directly against redis-server in two modes to check that the replay is transparent.
// 4. Modes where redis-cli 7.0.15 fails (big numbers, attributes) are recorded under `skipped`, with
//    its stderr and exit code, instead of as rows.
//
// The output is deterministic: no time-dependent command is recorded, and volatile fields are
// normalised before replay.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REDIS_CLI = process.env.REDIS_CLI ?? 'redis-cli';
const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';
/** The redis-cli tredis-cli mirrors (package.json `redisCliVersion`). */
const EXPECTED_VERSION = `redis-cli ${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).redisCliVersion}`;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const outFile = path.resolve(process.argv[2] ?? path.join(repoRoot, 'test/fixtures/format-golden.json'));

// ---------------------------------------------------------------------------------------------
// RESP helpers

/** Encode a command as a RESP multi-bulk request. */
function encodeCommand(args) {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const b = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg), 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** End offset of the RESP frame at `pos` (an attribute includes the value it annotates), or -1. */
function frameEnd(buf, pos) {
  if (pos >= buf.length) return -1;
  const type = String.fromCharCode(buf[pos]);
  const cr = buf.indexOf('\r\n', pos);
  if (cr === -1) return -1;
  const line = buf.toString('latin1', pos + 1, cr);
  let next = cr + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case ',':
    case '_':
    case '#':
    case '(':
      return next;
    case '$':
    case '!':
    case '=': {
      const len = Number(line);
      if (len < 0) return next;
      return buf.length >= next + len + 2 ? next + len + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      let n = Number(line);
      if (n < 0) return next;
      if (type === '%' || type === '|') n *= 2;
      for (let i = 0; i < n; i++) {
        next = frameEnd(buf, next);
        if (next === -1) return -1;
      }
      return type === '|' ? frameEnd(buf, next) : next;
    }
    default:
      throw new Error(`not RESP at ${pos}: ${JSON.stringify(buf.toString('latin1', pos, pos + 20))}`);
  }
}

/** Parse complete multi-bulk requests from `buf`; returns [commands, rest]. */
function parseRequests(buf) {
  const commands = [];
  let pos = 0;
  for (;;) {
    const end = frameEnd(buf, pos);
    if (end === -1) break;
    const args = [];
    const crHead = buf.indexOf('\r\n', pos);
    const count = Number(buf.toString('latin1', pos + 1, crHead));
    let p = crHead + 2;
    for (let i = 0; i < count; i++) {
      const cr = buf.indexOf('\r\n', p);
      const len = Number(buf.toString('latin1', p + 1, cr));
      args.push(buf.subarray(cr + 2, cr + 2 + len));
      p = cr + 2 + len + 2;
    }
    commands.push(args);
    pos = end;
  }
  return [commands, buf.subarray(pos)];
}

/** A raw RESP connection that captures reply bytes exactly as received. */
class RawConnection {
  static open(port) {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawConnection(sock)));
      sock.once('error', reject);
    });
  }

  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.waiter = undefined;
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiter?.();
    });
  }

  /** Wait until `ready()` returns a value other than undefined. */
  async until(ready, what) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const v = ready();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
      await new Promise((resolve) => {
        const t = setTimeout(resolve, 100);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Take the next reply's bytes, including any push frames that precede it. */
  async reply(what) {
    const end = await this.until(() => {
      let pos = 0;
      for (;;) {
        const e = frameEnd(this.buf, pos);
        if (e === -1) return undefined;
        if (this.buf[pos] !== 0x3e /* > */) return e;
        pos = e;
      }
    }, what);
    const bytes = this.buf.subarray(0, end);
    this.buf = this.buf.subarray(end);
    return Buffer.from(bytes);
  }

  /** Take the next single frame (a push, for example). */
  async frame(what) {
    const end = await this.until(() => {
      const e = frameEnd(this.buf, 0);
      return e === -1 ? undefined : e;
    }, what);
    const bytes = this.buf.subarray(0, end);
    this.buf = this.buf.subarray(end);
    return Buffer.from(bytes);
  }

  async command(args) {
    this.sock.write(encodeCommand(args));
    return this.reply(args.map(String).join(' '));
  }

  close() {
    this.sock.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Processes

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Run a program; resolve with stdout/stderr Buffers and the exit code (killed by PID after 10 s). */
function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), code: code ?? signal });
    });
  });
}

async function startRedisServer(dir) {
  const port = await freePort();
  const child = spawn(
    REDIS_SERVER,
    [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--enable-debug-command', 'yes', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const c = await RawConnection.open(port);
      const pong = await c.command(['PING']);
      c.close();
      if (pong.toString() === '+PONG\r\n') break;
    } catch {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { port, child };
}

async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise((r) => child.once('close', r));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5000);
  await closed;
  clearTimeout(timer);
}

/**
 * The replay server redis-cli talks to: the first command of a connection is answered with the real
 * HELLO 3 reply when a RESP3 handshake is expected; the next one with the case's captured bytes.
 */
async function startReplayServer() {
  const state = { expectHello: false, hello: Buffer.alloc(0), resp: Buffer.alloc(0), received: [] };
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    let first = true;
    sock.on('data', (d) => {
      let commands;
      [commands, buf] = parseRequests(Buffer.concat([buf, d]));
      for (const args of commands) {
        state.received.push(args.map((a) => a.toString('latin1')));
        if (first && state.expectHello) sock.write(state.hello);
        else sock.write(state.resp);
        first = false;
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    state,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(resolve);
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Data and cases

const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const bytes = (list) => Buffer.from(list);

const STRINGS = {
  's:plain': Buffer.from('hello world'),
  's:quotes': Buffer.from('he said "hi" and \'bye\''),
  's:backslash': Buffer.from('a\\b\\\\c\\'),
  's:newlines': Buffer.from('line1\nline2\r\n\tend'),
  's:ctrl': bytes([...range(0x00, 0x1f), 0x7f]),
  's:high': bytes(range(0x80, 0xff)),
  's:all256': bytes(range(0x00, 0xff)),
  's:utf8': Buffer.from('café é ü 日本 🎉'),
  's:empty': Buffer.alloc(0),
  's:int': Buffer.from('12345'),
  's:spaces': Buffer.from('  leading and trailing  '),
  's:json': Buffer.from('{"a":[1,"b\\"c"],"d":null}'),
  's:csv': Buffer.from('a,b;c\nd'),
  's:nul': Buffer.from('a\0b\0'),
  's:long': Buffer.from('x'.repeat(300)),
};

async function loadData(port) {
  const c = await RawConnection.open(port);
  const send = async (...args) => {
    const r = await c.command(args);
    if (r[0] === 0x2d) throw new Error(`load failed: ${args.join(' ')}: ${r}`);
  };
  for (const [k, v] of Object.entries(STRINGS)) await send('SET', k, v);
  // keys the cases write (SET tmp, the tracking case) exist from the start, so INFO keyspace is stable
  await send('SET', 'tmp', 'x');
  await send('SET', 'tracked', '0');
  await send('SET', 'big:max', '9223372036854775807');
  await send('SET', 'big:min', '-9223372036854775808');
  for (let b = 0; b < 256; b++) await send('SET', byteKey(b), Buffer.from([b]));
  await send('RPUSH', 'l:3', '1', '2', '3');
  await send('RPUSH', 'l:11', ...range(1, 11).map(String));
  await send('RPUSH', 'l:101', ...range(1, 101).map((i) => `item-${i}`));
  await send('RPUSH', 'l:bin', STRINGS['s:quotes'], STRINGS['s:ctrl'], STRINGS['s:utf8'], STRINGS['s:empty'], STRINGS['s:nul']);
  await send('RPUSH', 'l:one', 'only');
  await send('HSET', 'h:small', 'f1', 'v1', 'f 2', 'v"2', 'empty', '');
  await send('HSET', 'h:10', ...range(1, 10).flatMap((i) => [`field${i}`, `value${i}`]));
  await send('HSET', 'h:bin', STRINGS['s:ctrl'], STRINGS['s:high'], 'k\\"', 'é');
  await send('HSET', 'h:one', 'k', 'v');
  await send('SADD', 's:ints', '3', '1', '2', '10', '-5');
  await send('SADD', 's:one', 'only member');
  await send('ZADD', 'z', '1', 'a', '2.5', 'b', '-3', 'c', 'inf', 'd', '0.1', 'e', '-inf', 'f', '1e20', 'g');
  await send('XADD', 'st', '1-1', 'f1', 'v1', 'f2', 'v2');
  await send('XADD', 'st', '2-1', 'name', 'é "q"');
  await send('XADD', 'st', '3-0', 'n', '3');
  await send('GEOADD', 'geo', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
  await send('SELECT', '0');
  c.close();
}

/** Normalise the volatile parts of a CLIENT LIST / CLIENT INFO reply (bulk or verbatim). */
function normaliseClientList(resp) {
  const s = resp.toString('latin1');
  const m = /^([$=])(\d+)\r\n/.exec(s);
  if (!m) return resp;
  const body = s.slice(m[0].length, m[0].length + Number(m[2]));
  const fixed = body
    .replace(/\bid=\d+/g, 'id=7')
    .replace(/\baddr=127\.0\.0\.1:\d+/g, 'addr=127.0.0.1:50000')
    .replace(/\bladdr=127\.0\.0\.1:\d+/g, 'laddr=127.0.0.1:6379')
    .replace(/\b(fd|age|idle|qbuf|qbuf-free|argv-mem|multi-mem|obl|oll|omem|tot-mem|rbs|rbp|events)=[^ \n]*/g, (_, k) => `${k}=0`);
  return Buffer.from(`${m[1]}${fixed.length}\r\n${fixed}\r\n`, 'latin1');
}

/** Normalise the client id in a HELLO reply. */
function normaliseHello(resp) {
  return Buffer.from(resp.toString('latin1').replace(/(\$2\r\nid\r\n:)\d+/, '$17'), 'latin1');
}

/** Key holding the one-byte string `b` (for the per-byte escape tables). */
const byteKey = (b) => `byte:${b.toString(16).padStart(2, '0')}`;

const lua = (script, ...args) => ['EVAL', script, '0', ...args];

/** Cases answered by the real server. `protocols` defaults to both; `normalise` rewrites volatile bytes. */
const SERVER_CASES = [
  // strings and escapes
  ...Object.keys(STRINGS).map((k) => ({ name: `GET ${k}`, command: ['GET', k] })),
  { name: 'MGET every single byte', command: ['MGET', ...range(0, 255).map(byteKey)] },
  { name: 'GET missing (nil)', command: ['GET', 'missing'] },
  { name: 'MGET with nil inside', command: ['MGET', 's:plain', 'missing', 's:quotes'] },
  { name: 'PING (status)', command: ['PING'] },
  { name: 'PING message (bulk)', command: ['PING', 'hello "there"'] },
  { name: 'ECHO utf8', command: ['ECHO', 'naïve ☃'] },
  { name: 'TYPE (status)', command: ['TYPE', 'l:3'] },
  { name: 'SET (OK)', command: ['SET', 'tmp', 'x'] },
  { name: 'STRLEN (integer)', command: ['STRLEN', 's:all256'] },
  { name: 'EXISTS 0', command: ['EXISTS', 'missing'] },
  { name: 'INCRBY max int64', command: ['INCRBY', 'big:max', '0'] },
  { name: 'INCRBY min int64', command: ['INCRBY', 'big:min', '0'] },
  { name: 'OBJECT ENCODING', command: ['OBJECT', 'ENCODING', 'l:3'] },
  // lists and index alignment
  { name: 'LRANGE 3', command: ['LRANGE', 'l:3', '0', '-1'] },
  { name: 'LRANGE 11 (idx width 2)', command: ['LRANGE', 'l:11', '0', '-1'] },
  { name: 'LRANGE 101 (idx width 3)', command: ['LRANGE', 'l:101', '0', '-1'] },
  { name: 'LRANGE 10 (idx width 2, exact)', command: ['LRANGE', 'l:11', '0', '9'] },
  { name: 'LRANGE binary', command: ['LRANGE', 'l:bin', '0', '-1'] },
  { name: 'LRANGE one', command: ['LRANGE', 'l:one', '0', '-1'] },
  { name: 'LRANGE missing (empty array)', command: ['LRANGE', 'missing', '0', '-1'] },
  { name: 'LPOP count missing (null array)', command: ['LPOP', 'missing', '2'] },
  { name: 'SORT ALPHA', command: ['SORT', 'l:11', 'ALPHA'] },
  // hashes
  { name: 'HGETALL small', command: ['HGETALL', 'h:small'] },
  { name: 'HGETALL 10 (idx width 2)', command: ['HGETALL', 'h:10'] },
  { name: 'HGETALL binary', command: ['HGETALL', 'h:bin'] },
  { name: 'HGETALL one', command: ['HGETALL', 'h:one'] },
  { name: 'HGETALL missing (empty hash)', command: ['HGETALL', 'missing'] },
  { name: 'HKEYS', command: ['HKEYS', 'h:small'] },
  { name: 'HMGET with nil', command: ['HMGET', 'h:small', 'f1', 'nope', 'empty'] },
  // sets
  { name: 'SMEMBERS ints (set)', command: ['SMEMBERS', 's:ints'] },
  { name: 'SMEMBERS one', command: ['SMEMBERS', 's:one'] },
  { name: 'SMEMBERS missing (empty set)', command: ['SMEMBERS', 'missing'] },
  // sorted sets and doubles
  { name: 'ZRANGE WITHSCORES', command: ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'] },
  { name: 'ZRANGE', command: ['ZRANGE', 'z', '0', '-1'] },
  { name: 'ZSCORE 0.1 (double)', command: ['ZSCORE', 'z', 'e'] },
  { name: 'ZSCORE inf', command: ['ZSCORE', 'z', 'd'] },
  { name: 'ZSCORE -inf', command: ['ZSCORE', 'z', 'f'] },
  { name: 'ZSCORE 1e20', command: ['ZSCORE', 'z', 'g'] },
  { name: 'ZSCORE missing', command: ['ZSCORE', 'z', 'nope'] },
  { name: 'ZRANDMEMBER missing', command: ['ZRANDMEMBER', 'missing', '2', 'WITHSCORES'] },
  { name: 'GEOPOS', command: ['GEOPOS', 'geo', 'Palermo', 'Nowhere', 'Catania'] },
  { name: 'GEODIST', command: ['GEODIST', 'geo', 'Palermo', 'Catania', 'km'] },
  // streams
  { name: 'XRANGE', command: ['XRANGE', 'st', '-', '+'] },
  { name: 'XREAD', command: ['XREAD', 'STREAMS', 'st', '0'] },
  { name: 'XREAD COUNT 1', command: ['XREAD', 'COUNT', '1', 'STREAMS', 'st', '0'] },
  { name: 'XREAD nothing new (null)', command: ['XREAD', 'STREAMS', 'st', '99-0'] },
  { name: 'XINFO STREAM', command: ['XINFO', 'STREAM', 'st'] },
  // server replies with nested maps
  { name: 'HELLO 3', command: ['HELLO', '3'], normalise: normaliseHello },
  { name: 'HELLO 2', command: ['HELLO', '2'], normalise: normaliseHello },
  { name: 'CONFIG GET (map in RESP3)', command: ['CONFIG', 'GET', 'maxmemory-policy'] },
  { name: 'CONFIG GET no match', command: ['CONFIG', 'GET', 'no-such-*'] },
  { name: 'COMMAND INFO get', command: ['COMMAND', 'INFO', 'get'] },
  { name: 'COMMAND INFO zadd nosuch', command: ['COMMAND', 'INFO', 'zadd', 'nosuch'] },
  { name: 'COMMAND DOCS get', command: ['COMMAND', 'DOCS', 'get'] },
  { name: 'COMMAND DOCS set', command: ['COMMAND', 'DOCS', 'set'] },
  // DEBUG PROTOCOL
  ...['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push', 'verbatim', 'true', 'false'].map(
    (t) => ({ name: `DEBUG PROTOCOL ${t}`, command: ['DEBUG', 'PROTOCOL', t] }),
  ),
  // errors
  { name: 'WRONGTYPE error', command: ['GET', 'h:small'] },
  { name: 'unknown command error', command: ['NOSUCHCMD', 'a', 'b c'] },
  { name: 'arity error', command: ['GET'] },
  { name: 'syntax error', command: ['SET', 'k', 'v', 'BADOPT'] },
  { name: 'Lua error_reply', command: lua("return redis.error_reply('MYERR custom \"quoted\" message')") },
  { name: 'Lua status_reply', command: lua("return redis.status_reply('FINE and \\'dandy\\'')") },
  // forced raw (verbatim) commands
  { name: 'INFO keyspace', command: ['INFO', 'keyspace'] },
  { name: 'info KEYSPACE (case)', command: ['info', 'KEYSPACE'] },
  { name: 'INFO nosuchsection (empty)', command: ['INFO', 'nosuchsection'] },
  { name: 'CLIENT LIST', command: ['CLIENT', 'LIST'], normalise: normaliseClientList },
  { name: 'CLIENT INFO', command: ['CLIENT', 'INFO'], normalise: normaliseClientList },
  { name: 'MEMORY DOCTOR', command: ['MEMORY', 'DOCTOR'] },
  { name: 'LATENCY DOCTOR', command: ['LATENCY', 'DOCTOR'] },
  { name: 'LATENCY GRAPH (error, forced raw)', command: ['LATENCY', 'GRAPH', 'command'] },
  { name: 'LATENCY HISTORY (not forced)', command: ['LATENCY', 'HISTORY', 'command'] },
  { name: 'DEBUG HTSTATS empty db', command: ['DEBUG', 'HTSTATS', '9'] },
  { name: 'CLUSTER INFO (error, forced raw)', command: ['CLUSTER', 'INFO'] },
  { name: 'CLUSTER NODES (error, forced raw)', command: ['cluster', 'nodes'] },
  // Lua: nesting, RESP3 types, odd map keys
  { name: 'Lua nested arrays', command: lua("return {1,{2,{3,'x'}},'y',{}}") },
  { name: 'Lua nested with 11 items', command: lua("return {'a',{1,2,3,4,5,6,7,8,9,10,{'deep','er'}},{'z'}}") },
  { name: 'Lua 10 deep', command: lua('local t = {} for i=1,10 do t = {t} end return t') },
  { name: 'Lua 10 deep with siblings', command: lua("local t = {'leaf'} for i=1,10 do t = {i, t, 'x'} end return t") },
  { name: 'Lua binary strings', command: lua("return {'a\\0b', '\\1\\2\\127\\128\\255', 'tab\\there', 'q\"\\\\'}") },
  { name: 'Lua integers', command: lua('return {0, -1, 42, -9007199254740991}') },
  { name: 'Lua double', command: lua('return {double=3.5}') },
  { name: 'Lua doubles in array', command: lua('return {{double=0.1}, {double=-2}, {double=1e300}}') },
  { name: 'Lua big_number', command: lua("return {big_number='123456789012345678901234567890'}") },
  { name: 'Lua verbatim mkd', command: lua("return {verbatim_string={format='mkd', string='# Title\\n*x*'}}") },
  { name: 'Lua true (setresp 3)', command: lua('redis.setresp(3) return true') },
  { name: 'Lua false (setresp 3)', command: lua('redis.setresp(3) return false') },
  { name: 'Lua set', command: lua("return {set={['only']=true}}") },
  { name: 'Lua map one pair', command: lua("return {map={k='v'}}") },
  { name: 'Lua map value one-element array', command: lua("return {map={k={'only'}}}") },
  { name: 'Lua map value two-element array', command: lua("return {map={k={'a','b'}}}") },
  { name: 'Lua map value nested single chain', command: lua("return {map={k={{'a','b'}}}}") },
  { name: 'Lua map value single-pair map, multi value', command: lua("return {map={k={map={inner={1,2}}}}}") },
  { name: 'Lua map value single-pair map, scalar', command: lua("return {map={k={map={inner='v'}}}}") },
  { name: 'Lua map value empty array', command: lua("return {map={k={}}}") },
  { name: 'Lua map int keys', command: lua("return {map={'a','b','c'}}") },
  { name: 'Lua map 11 int keys', command: lua("local t = {} for i=1,11 do t[i] = {i, 'x'} end return {map=t}") },
  { name: 'Lua map error key', command: lua("local t = {} t[{err='bad key'}] = 1 return {map=t}") },
  { name: 'Lua map status key', command: lua("local t = {} t[{ok='st key'}] = {1,2} return {map=t}") },
  { name: 'Lua map array key', command: lua("local t = {} t[{1,'a\"b'}] = 'v' return {map=t}") },
  { name: 'Lua map double key', command: lua('local t = {} t[{double=1.5}] = 2 return {map=t}') },
  { name: 'Lua map bool key', command: lua("redis.setresp(3) local t = {} t[true] = 'yes' return {map=t}") },
  { name: 'Lua map map key', command: lua("local t = {} t[{map={a='b'}}] = 'v' return {map=t}") },
  { name: 'Lua map empty array key', command: lua("local t = {} t[{}] = 'v' return {map=t}") },
  { name: 'Lua map empty map value', command: lua("return {map={k={map={}}}}") },
  { name: 'Lua set of arrays', command: lua("local t = {} t[{1,2}] = true return {set=t}") },
  { name: 'Lua array of maps', command: lua("return {{map={a=1}}, {map={b={1,2}}}, {set={}}}") },
];

/** Hand-made replies (source "synthetic"): things a real server does not send but redis-cli handles. */
const SYNTHETIC_CASES = [
  { name: 'blob error', resp: '!21\r\nSYNTAX invalid syntax\r\n' },
  { name: 'blob error with NUL', resp: '!8\r\nERR a\0bc\r\n' },
  { name: 'blob error with newline', resp: '!9\r\nERR a\nb c\r\n' },
  { name: 'simple error with NUL', resp: '-ERR x\0y\r\n' },
  { name: 'status with NUL', resp: '+ab\0cd\r\n' },
  { name: 'status with high bytes', resp: '+caf\xc3\xa9 "q" \\ \x01\r\n' },
  { name: 'empty status', resp: '+\r\n' },
  { name: 'empty error', resp: '-\r\n' },
  { name: 'double exponent', resp: ',1.5e10\r\n' },
  { name: 'double inf', resp: ',inf\r\n' },
  { name: 'double -inf in array', resp: '*2\r\n,-inf\r\n,-0.0\r\n' },
  { name: 'double nan', resp: ',nan\r\n' },
  { name: 'RESP3 null in array', resp: '*3\r\n_\r\n$-1\r\n*-1\r\n' },
  { name: 'RESP2 null array nested', resp: '*2\r\n*-1\r\n:1\r\n' },
  { name: 'booleans in array', resp: '*2\r\n#t\r\n#f\r\n' },
  { name: 'set of strings', resp: '~3\r\n$1\r\na\r\n+b\r\n:3\r\n' },
  { name: 'verbatim txt', resp: '=15\r\ntxt:Some string\r\n' },
  { name: 'verbatim empty', resp: '=4\r\ntxt:\r\n' },
  { name: 'verbatim with NUL and quotes', resp: '=10\r\ntxt:a\0"b\\\n\r\n' },
  { name: 'map null key', resp: '%1\r\n_\r\n:1\r\n' },
  { name: 'map bool and double keys', resp: '%2\r\n#t\r\n$1\r\nx\r\n,2.5\r\n$1\r\ny\r\n' },
  { name: 'map array key multi', resp: '%1\r\n*2\r\n:1\r\n:2\r\n$1\r\nv\r\n' },
  { name: 'map set value one', resp: '%1\r\n$1\r\nk\r\n~1\r\n$1\r\nv\r\n' },
  { name: 'map key verbatim and error', resp: '%2\r\n=5\r\ntxt:k\r\n:1\r\n-ERR e\r\n:2\r\n' },
  { name: 'map key map', resp: '%1\r\n%1\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nv\r\n' },
  { name: 'map of 100 pairs', resp: `%100\r\n${range(1, 100).map((i) => `$${String(i).length}\r\n${i}\r\n:${i}\r\n`).join('')}` },
  { name: 'array of 1000', modes: ['tty', 'raw', 'json'], resp: `*1000\r\n${range(1, 1000).map((i) => `:${i}\r\n`).join('')}` },
  { name: 'nested 100 in 11', resp: `*11\r\n${range(1, 10).map((i) => `:${i}\r\n`).join('')}*100\r\n${range(1, 100).map((i) => `:${i}\r\n`).join('')}` },
  { name: 'push nested in array', resp: '*2\r\n>2\r\n$1\r\na\r\n$1\r\nb\r\n:1\r\n' },
  { name: 'empty push nested', resp: '*1\r\n>0\r\n' },
  { name: 'integer extremes', resp: '*3\r\n:9223372036854775807\r\n:-9223372036854775808\r\n:0\r\n' },
  // forced raw with aggregates and delimiters
  { name: 'forced raw array', command: ['INFO', 'synthetic'], resp: '*3\r\n$1\r\na\r\n:2\r\n_\r\n' },
  { name: 'forced raw map', command: ['CLIENT', 'INFO'], resp: '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*2\r\n:1\r\n:2\r\n' },
  { name: 'forced raw error', command: ['MEMORY', 'DOCTOR'], resp: '-ERR nope\r\n' },
  { name: 'forced raw nil', command: ['LATENCY', 'DOCTOR'], resp: '$-1\r\n' },
  { name: 'not forced: LATENCY DOCTOR x', command: ['LATENCY', 'DOCTOR', 'x'], resp: '$3\r\na\nb\r\n' },
  { name: 'not forced: CLUSTER INFO x', command: ['CLUSTER', 'INFO', 'x'], resp: '$3\r\na\nb\r\n' },
  { name: 'not forced: LATENCY GRAPH', command: ['LATENCY', 'GRAPH'], resp: '$3\r\na\nb\r\n' },
  { name: 'forced: debug client-eviction', command: ['debug', 'CLIENT-EVICTION'], resp: '$3\r\na\nb\r\n' },
  { name: 'forced: proxy info', command: ['PROXY', 'INFO', 'x'], resp: '$3\r\na\nb\r\n' },
  { name: 'forced: lolwut', command: ['LOLWUT'], resp: '$3\r\na\nb\r\n' },
  // out-of-band pushes before the reply (printed only when redis-cli shows pushes)
  { name: 'invalidate push', resp: '>2\r\n$10\r\ninvalidate\r\n*2\r\n$2\r\nk1\r\n$4\r\nk"\\2\r\n+OK\r\n', protocols: [3] },
  { name: 'invalidate push NUL key', resp: '>2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\na\0b\r\n+OK\r\n', protocols: [3] },
  { name: 'invalidate push empty keys', resp: '>2\r\n$10\r\ninvalidate\r\n*0\r\n+OK\r\n', protocols: [3] },
  { name: 'invalidateX prefix push', resp: '>2\r\n$11\r\ninvalidateX\r\n*1\r\n$1\r\nk\r\n+OK\r\n', protocols: [3] },
  { name: 'invalidate push null (flush)', resp: '>2\r\n$10\r\ninvalidate\r\n_\r\n+OK\r\n', protocols: [3] },
  { name: 'invalidate push status name', resp: '>2\r\n+invalidate\r\n*1\r\n$1\r\nk\r\n+OK\r\n', protocols: [3] },
  { name: 'invalidate push set keys', resp: '>2\r\n$10\r\ninvalidate\r\n~1\r\n$1\r\nk\r\n+OK\r\n', protocols: [3] },
  { name: 'other push', resp: '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n:1\r\n', protocols: [3] },
  { name: 'two pushes', resp: '>1\r\n:1\r\n>0\r\n$1\r\nx\r\n', protocols: [3] },
  // redis-cli fails on these (recorded under `skipped`)
  { name: 'big number', resp: '(12345678901234567890\r\n', protocols: [3] },
  { name: 'attribute on reply', resp: '|1\r\n+ttl\r\n:3600\r\n$5\r\nvalue\r\n', protocols: [3] },
];

/**
 * The output modes recorded. `mode` is ours; `flags` are redis-cli's; FAKETTY makes redis-cli think
 * stdout is a terminal (and show pushes).
 */
const MODES = [
  { id: 'raw', mode: 'raw', flags: [], showPushes: false },
  { id: 'tty', mode: 'tty', flags: [], env: { FAKETTY: '1' }, showPushes: true },
  { id: 'no-raw', mode: 'tty', flags: ['--no-raw'], showPushes: false },
  { id: 'csv', mode: 'csv', flags: ['--csv'], showPushes: false },
  { id: 'json', mode: 'json', flags: ['--json'], showPushes: false, json: true },
  { id: 'quoted-json', mode: 'quoted-json', flags: ['--quoted-json'], showPushes: false, json: true },
  { id: 'delims', mode: 'raw', flags: ['--raw', '-d', ',', '-D', ';'], mbDelim: ',', cmdDelim: ';', showPushes: false },
  { id: 'delims-utf8', mode: 'raw', flags: ['--raw', '-d', ' é ', '-D', '<END>\n'], mbDelim: ' é ', cmdDelim: '<END>\n', showPushes: false, only: 'aggregate' },
];

/** redis-cli flags that select the protocol for a mode (JSON modes imply HELLO 3 unless -2). */
function protocolFlags(mode, protocol) {
  if (mode.json) return protocol === 2 ? ['-2'] : [];
  return protocol === 3 ? ['-3'] : [];
}

/** The `output_raw = 1` list of cliSendCommand (redis-cli 7.0.15); the test cross-checks it. */
function isForcedRaw(args) {
  const a = args.map((x) => String(x).toLowerCase());
  const argc = a.length;
  const [cmd, sub] = a;
  return (
    cmd === 'info' ||
    cmd === 'lolwut' ||
    (argc >= 2 && cmd === 'debug' && ['htstats', 'htstats-key', 'client-eviction'].includes(sub)) ||
    (argc >= 2 && cmd === 'memory' && ['malloc-stats', 'doctor'].includes(sub)) ||
    (argc === 2 && cmd === 'cluster' && ['nodes', 'info'].includes(sub)) ||
    (argc >= 2 && cmd === 'client' && ['list', 'info'].includes(sub)) ||
    (argc === 3 && cmd === 'latency' && sub === 'graph') ||
    (argc === 2 && cmd === 'latency' && sub === 'doctor') ||
    (argc >= 2 && cmd === 'proxy' && sub === 'info')
  );
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const version = (await run(REDIS_CLI, ['--version'], process.env)).stdout.toString().trim();
  if (version !== EXPECTED_VERSION) throw new Error(`need ${EXPECTED_VERSION}, found "${version}"`);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'record-golden-'));
  const cliEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LC_ALL: 'C', TERM: 'dumb' };
  let server;
  let replay;
  try {
    server = await startRedisServer(dir);
    await loadData(server.port);
    replay = await startReplayServer();

    // The HELLO 3 reply redis-cli gets for its RESP3 handshake.
    const helloConn = await RawConnection.open(server.port);
    replay.state.hello = normaliseHello(await helloConn.command(['HELLO', '3']));
    helloConn.close();

    // Capture the server's reply bytes per case and protocol.
    const cases = [];
    for (const c of SERVER_CASES) {
      const captured = {};
      for (const protocol of c.protocols ?? [2, 3]) {
        const conn = await RawConnection.open(server.port);
        if (protocol === 3) await conn.command(['HELLO', '3']);
        let resp = await conn.command(c.command);
        conn.close();
        if (c.normalise) resp = c.normalise(resp);
        captured[protocol] = resp;
      }
      cases.push({ ...c, source: 'server', captured });
    }
    cases.push(await captureInvalidatePush(server.port));
    for (const c of SYNTHETIC_CASES) {
      const resp = Buffer.from(c.resp, 'latin1');
      const captured = {};
      for (const protocol of c.protocols ?? [2, 3]) captured[protocol] = resp;
      cases.push({
        name: `synthetic: ${c.name}`,
        command: c.command ?? ['ECHO', 'synthetic'],
        source: 'synthetic',
        modes: c.modes,
        captured,
      });
    }

    const rows = [];
    const skipped = [];
    const problems = [];
    for (const c of cases) {
      const protocols = Object.keys(c.captured).map(Number);
      for (const protocol of protocols) {
        const resp = c.captured[protocol];
        // RESP3 rows only where the server's bytes differ from RESP2 (or there is no RESP2 row).
        if (protocol === 3 && c.captured[2] !== undefined && c.captured[2].equals(resp)) continue;
        const isAggregate = /^[*%~>|]/.test(resp.toString('latin1', 0, 1));
        for (const mode of MODES) {
          if (mode.only === 'aggregate' && !isAggregate) continue;
          if (c.modes !== undefined && !c.modes.includes(mode.id)) continue;
          const args = [...mode.flags, ...protocolFlags(mode, protocol), ...c.command];
          const expectHello = protocol === 3;
          replay.state.expectHello = expectHello;
          replay.state.resp = resp;
          replay.state.received = [];
          const result = await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(replay.port), ...args], {
            ...cliEnv,
            ...mode.env,
          });
          const got = replay.state.received;
          const wanted = [...(expectHello ? [['HELLO', '3']] : []), c.command.map((a) => Buffer.from(a).toString('latin1'))];
          if (JSON.stringify(got) !== JSON.stringify(wanted)) {
            problems.push(`${c.name} p${protocol} ${mode.id}: replay server received ${JSON.stringify(got)}`);
          }
          const name = `${c.name} | RESP${protocol} | ${mode.id}`;
          if (result.code !== 0 || result.stderr.length > 0) {
            skipped.push({
              name,
              protocol,
              command: c.command,
              resp: resp.toString('base64'),
              flags: args.slice(0, args.length - c.command.length),
              exitCode: result.code,
              stderr: result.stderr.toString('latin1'),
              stdout: result.stdout.toString('base64'),
            });
            continue;
          }
          rows.push({
            name,
            source: c.source,
            protocol,
            command: c.command,
            flags: args.slice(0, args.length - c.command.length),
            resp: resp.toString('base64'),
            mode: mode.mode,
            mbDelim: mode.mbDelim ?? '\n',
            cmdDelim: mode.cmdDelim ?? '\n',
            verbatim: isForcedRaw(c.command),
            showPushes: mode.showPushes,
            expected: result.stdout.toString('base64'),
          });
        }
      }
    }

    // The replay must be transparent: for server cases that were not normalised, redis-cli straight
    // against redis-server prints the same bytes.
    for (const row of rows) {
      const c = cases.find((x) => row.name.startsWith(`${x.name} | `));
      if (c.source !== 'server' || c.normalise || c.direct === false) continue;
      if (!['raw', 'tty', 'json'].some((m) => row.name.endsWith(`| ${m}`))) continue;
      const mode = MODES.find((m) => row.name.endsWith(`| ${m.id}`));
      const direct = await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(server.port), ...row.flags, ...row.command], {
        ...cliEnv,
        ...mode.env,
      });
      if (direct.stdout.toString('base64') !== row.expected) {
        problems.push(`${row.name}: direct run differs from replay:\n${direct.stdout.toString('latin1')}`);
      }
    }
    if (problems.length > 0) throw new Error(`recording problems:\n${problems.join('\n')}`);

    // Per-byte escape tables: redis-cli's output for `GET byte:xx` (a one-byte string), straight from
    // the server, in the modes that quote strings.
    const byteTables = { tty: [], csv: [], json: [], quotedJson: [] };
    const byteModes = [
      ['tty', [], { FAKETTY: '1' }],
      ['csv', ['--csv'], {}],
      ['json', ['--json', '-2'], {}],
      ['quotedJson', ['--quoted-json', '-2'], {}],
    ];
    for (let b = 0; b < 256; b++) {
      for (const [table, flags, env] of byteModes) {
        const r = await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(server.port), ...flags, 'GET', byteKey(b)], {
          ...cliEnv,
          ...env,
        });
        if (r.code !== 0 || r.stderr.length > 0) throw new Error(`GET ${byteKey(b)} failed: ${r.stderr}`);
        byteTables[table].push(r.stdout.toString('base64'));
      }
    }

    const doc = {
      description:
        'Golden rows for src/format, recorded by scripts/record-golden.mjs from redis-cli 7.0.15. ' +
        'resp: the reply bytes (base64) redis-cli was given; expected: its stdout (base64). ' +
        'source "server": resp captured from redis-server 7.0.15 (volatile ids/ports normalised); ' +
        '"synthetic": hand-made bytes. showPushes: whether redis-cli printed out-of-band pushes ' +
        '(frames before the last). skipped: modes where redis-cli 7.0.15 fails. byteTables: ' +
        'redis-cli stdout (base64) for GET of each one-byte string 0x00..0xff, per mode.',
      redisCli: version,
      rows,
      skipped,
      byteTables,
    };
    await mkdir(path.dirname(outFile), { recursive: true });
    await writeFile(outFile, JSON.stringify(doc, null, 1) + '\n');
    console.log(`wrote ${rows.length} rows and ${skipped.length} skipped to ${path.relative(process.cwd(), outFile)}`);
  } finally {
    await replay?.close();
    if (server) await stopProcess(server.child);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A real invalidate push: connection A tracks a key it read, connection B changes it, A receives
 * the push. The row's bytes are that push followed by A's reply to a PING.
 */
async function captureInvalidatePush(port) {
  const a = await RawConnection.open(port);
  const b = await RawConnection.open(port);
  await a.command(['HELLO', '3']);
  await a.command(['CLIENT', 'TRACKING', 'ON']);
  await b.command(['SET', 'tracked', '1']);
  await a.command(['GET', 'tracked']);
  await b.command(['SET', 'tracked', '2']);
  const push = await a.frame('invalidate push');
  const pong = await a.command(['PING']);
  a.close();
  b.close();
  return {
    name: 'CLIENT TRACKING invalidate push, then PING',
    command: ['PING'],
    source: 'server',
    direct: false,
    captured: { 3: Buffer.concat([push, pong]) },
  };
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
