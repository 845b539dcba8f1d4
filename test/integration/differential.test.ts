// Differential suite: runs the real redis-cli 7.0.15 and bin/tredis-cli on the same argv, environment
// and stdin against the same lab server, and compares stdout bytes, stderr bytes and exit code.
//
// Each row of CASES is one comparison. Placeholders in args, stdin (when a string), env values and
// setup commands are filled in at run time:
//   {k}       a key prefix unique to the row (rows run concurrently, in any order)
//   {port} {tlsPort} {socket} {ca}            the lab's `main` server (plaintext, TLS, unix socket)
//   {pwPort} {pass} {aclUser} {aclPass}       the lab's `password` server and its secrets
//   {deadPort}                                a loopback port nothing listens on
//   {garbagePort} {closerPort}                fake servers: answer `?garbage`, or close on the first bytes
// `setup` commands are written as RESP on a node:net connection to `main` before EACH side runs,
// so a row that mutates data starts from the same state for both programs.
//
// Rows marked `tls: true` run a second time over TLS (`-p {port}` → `--tls --cacert {ca} -p {tlsPort}`).
//
// A failing row whose cause is outside src/modes and src/cli (src/format, src/connection,
// src/client, src/repl) is left failing on purpose, with a KNOWN FAILURE comment on the row: it
// reports a bug to fix there.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../scripts/lib/tls-lab.mjs';
import { usageText } from '../../src/cli/usage.js';
import { run, TREDIS_CLI, type RunResult } from '../helpers/run.js';
import { lab } from '../setup/env.js';

type Arg = string | Buffer;

/** Our own rendering where redis-cli 7.0.15 crashes: what redis-cli does, and what we print instead. */
interface Own {
  /** redis-cli's exit code and a pattern of its stderr (proves it still crashes there). */
  refCode: number;
  refStderr: RegExp;
  /** tredis-cli's expected stdout (latin1), stderr is empty and the exit code 0. */
  stdout: string;
}

interface Case {
  name: string;
  args: string[];
  stdin?: string | Buffer;
  env?: Record<string, string>;
  setup?: Arg[][];
  /** Replacements applied to both programs' stdout and stderr (volatile fields: ids, ports, ages). */
  norm?: Array<[RegExp, string]>;
  /**
   * 'same' (default): byte-for-byte. 'version': only the first two words of stdout are compared.
   * 'help': tredis-cli's usage differs by design: its bytes are usageText(), which
   * test/unit/cli/usage.test.ts derives from the recorded redis-cli --help; redis-cli must still print
   * that recording (test/fixtures/redis-cli-help.json).
   */
  check?: 'same' | 'version' | 'help' | Own;
  /** Also run this row over TLS. */
  tls?: boolean;
  /** stderr into stdout's pipe (`2>&1`): compares how diagnostics and replies interleave. */
  merge?: boolean;
}

const P = ['-p', '{port}'];
const PW = ['-p', '{pwPort}'];
const TLS = ['--tls', '--cacert', '{ca}', '-p', '{tlsPort}'];
const TTY = { FAKETTY: '1' };

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
/** Quotes, backslashes, control characters, DEL and non-ASCII UTF-8 (argv cannot carry NUL). */
const TRICKY = 'a"b\'c\\d\ne\rf\tg\x07h\x08i\x1bj\x7f é ✓ {}[]:,';
const nums = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));

/** Fields of CLIENT INFO that change per connection. */
const CLIENT_INFO_NORM: Array<[RegExp, string]> = [
  [/\b(id|addr|laddr|fd|age|idle|qbuf|qbuf-free|argv-mem|rbs|rbp|obl|oll|omem|tot-mem)=\S*/g, '$1=*'],
];
/** HELLO's connection id, in the TTY, raw and JSON layouts. */
const HELLO_NORM: Array<[RegExp, string]> = [
  [/("id" => \(integer\) )\d+/g, '$1N'], // TTY map
  [/("id"\n +\d+\) \(integer\) )\d+/g, '$1N'], // TTY array (RESP2)
  [/(\nid[ \n])\d+/g, '$1N'], // raw
  [/("id":)\d+/g, '$1N'], // JSON
];
/** After the server closed: the next write and read see EOF or a reset, depending on timing. */
const CLOSED_NORM: Array<[RegExp, string]> = [[/Error: Connection reset by peer/g, 'Error: Server closed the connection']];
const INFO_NORM: Array<[RegExp, string]> = [
  [/^(uptime_in_seconds|uptime_in_days|lru_clock|server_time_usec):.*$/gm, '$1:*'],
];

const NESTED_LUA = "return {1, {2, {3, 'x'}}, 'y', {}}";
const MIXED_LUA = "return {1, redis.status_reply('OK'), redis.error_reply('ERR inner'), false, 'bulk', {}}";
const LUA_MAP = "return {map={k={map={a=1,b=2}}, z={1,2}, e={}}}";
const LUA_TYPES = "return {{set={a=true}}, {double=-0.0}, {double=1e300}, {double=1.5}, {verbatim_string={format='txt',string='hi\\nthere'}}, 'x'}";
const TRACKING = 'CLIENT TRACKING ON\nGET {k}t\nSET {k}t 2\nGET {k}t\nSET {k}t 3\nPING\nDEBUG PROTOCOL push\nPING\n';
const XINFO_SETUP: Arg[][] = [['DEL', '{k}x'], ['XADD', '{k}x', '1-1', 'f', 'v'], ['XADD', '{k}x', '2-5', 'a', 'b', 'c', 'd']];
/** 1 MiB: printable runs with every byte value mixed in. */
const BIG_VALUE = Buffer.concat(Array.from({ length: 2048 }, (_, i) => Buffer.concat([Buffer.from(`chunk ${i} "q" \\ `), ALL_BYTES]))).subarray(0, 1 << 20);

// ---------------------------------------------------------------------------------------------
// The table

const replyTypes: Case[] = [
  { name: 'status, piped (raw)', args: [...P, 'SET', '{k}s', 'v'], tls: true },
  { name: 'status, tty', args: [...P, 'SET', '{k}s', 'v'], env: TTY },
  { name: 'error, piped', args: [...P, 'NOSUCHCMD', 'x', 'y'], tls: true },
  { name: 'error, tty', args: [...P, 'NOSUCHCMD', 'x'], env: TTY },
  { name: 'error, csv', args: [...P, '--csv', 'NOSUCHCMD', 'x'] },
  { name: 'error, json', args: [...P, '--json', 'NOSUCHCMD', 'x'] },
  { name: 'wrong type error, tty', args: [...P, 'LPUSH', '{k}s', 'x'], setup: [['SET', '{k}s', 'v']], env: TTY },
  { name: 'integer, piped', args: [...P, 'INCR', '{k}n'], setup: [['SET', '{k}n', '41']] },
  { name: 'integer, tty', args: [...P, 'INCR', '{k}n'], setup: [['SET', '{k}n', '-42']], env: TTY, tls: true },
  { name: 'integer, csv', args: [...P, '--csv', 'STRLEN', '{k}n'], setup: [['SET', '{k}n', 'hello']] },
  { name: 'integer, json', args: [...P, '--json', 'STRLEN', '{k}n'], setup: [['SET', '{k}n', 'hello']] },
  { name: 'nil, piped', args: [...P, 'GET', '{k}missing'], tls: true },
  { name: 'nil, tty', args: [...P, 'GET', '{k}missing'], env: TTY },
  { name: 'nil, csv', args: [...P, '--csv', 'GET', '{k}missing'] },
  { name: 'nil, json', args: [...P, '--json', 'GET', '{k}missing'] },
  { name: 'nil, -3 tty (RESP3 null)', args: [...P, '-3', 'GET', '{k}missing'], env: TTY },
  { name: 'empty array, piped', args: [...P, 'LRANGE', '{k}none', '0', '-1'] },
  { name: 'empty array, tty', args: [...P, 'LRANGE', '{k}none', '0', '-1'], env: TTY },
  { name: 'empty array, csv', args: [...P, '--csv', 'LRANGE', '{k}none', '0', '-1'] },
  { name: 'empty array, json', args: [...P, '--json', 'LRANGE', '{k}none', '0', '-1'] },
  { name: 'empty bulk, tty', args: [...P, 'ECHO', ''], env: TTY },
  { name: 'UTF-8 bulk, piped', args: [...P, 'ECHO', 'héllo wörld ✓ 日本'] },
  { name: 'UTF-8 bulk, tty', args: [...P, 'ECHO', 'héllo wörld ✓ 日本'], env: TTY, tls: true },
  { name: 'quotes, backslashes, \\n \\r \\t, tty', args: [...P, 'ECHO', TRICKY], env: TTY },
  { name: 'quotes, backslashes, \\n \\r \\t, piped', args: [...P, 'ECHO', TRICKY] },
  { name: 'quotes, backslashes, \\n \\r \\t, csv', args: [...P, '--csv', 'ECHO', TRICKY] },
  { name: 'quotes, backslashes, \\n \\r \\t, json', args: [...P, '--json', 'ECHO', TRICKY] },
  { name: 'quotes, backslashes, \\n \\r \\t, quoted-json', args: [...P, '--quoted-json', 'ECHO', TRICKY] },
  { name: 'bytes 0x00-0xff, tty', args: [...P, 'GET', '{k}bin'], setup: [['SET', '{k}bin', ALL_BYTES]], env: TTY, tls: true },
  { name: 'bytes 0x00-0xff, piped', args: [...P, 'GET', '{k}bin'], setup: [['SET', '{k}bin', ALL_BYTES]] },
  { name: 'bytes 0x00-0xff, csv', args: [...P, '--csv', 'GET', '{k}bin'], setup: [['SET', '{k}bin', ALL_BYTES]] },
  { name: 'bytes 0x00-0xff, json', args: [...P, '--json', 'GET', '{k}bin'], setup: [['SET', '{k}bin', ALL_BYTES]] },
  { name: 'bytes 0x00-0xff, quoted-json', args: [...P, '--quoted-json', 'GET', '{k}bin'], setup: [['SET', '{k}bin', ALL_BYTES]] },
  { name: 'bytes 0x00-0xff in an array, -3 tty', args: [...P, '-3', 'LRANGE', '{k}bl', '0', '-1'], setup: [['DEL', '{k}bl'], ['RPUSH', '{k}bl', ALL_BYTES, 'x']], env: TTY },
  { name: 'nested arrays (EVAL), tty', args: [...P, 'EVAL', NESTED_LUA, '0'], env: TTY, tls: true },
  { name: 'nested arrays (EVAL), piped', args: [...P, 'EVAL', NESTED_LUA, '0'] },
  { name: 'nested arrays (EVAL), csv', args: [...P, '--csv', 'EVAL', NESTED_LUA, '0'] },
  { name: 'nested arrays (EVAL), json', args: [...P, '--json', 'EVAL', NESTED_LUA, '0'] },
  { name: 'nested arrays (EVAL), -3 tty', args: [...P, '-3', 'EVAL', NESTED_LUA, '0'], env: TTY },
  { name: 'status/error/nil inside an array, tty', args: [...P, 'EVAL', MIXED_LUA, '0'], env: TTY },
  { name: 'status/error/nil inside an array, piped', args: [...P, 'EVAL', MIXED_LUA, '0'] },
  { name: 'status/error/nil inside an array, csv', args: [...P, '--csv', 'EVAL', MIXED_LUA, '0'] },
  { name: 'status/error/nil inside an array, json', args: [...P, '--json', 'EVAL', MIXED_LUA, '0'] },
  { name: '11-element array, tty (index alignment)', args: [...P, 'LRANGE', '{k}l', '0', '-1'], setup: [['DEL', '{k}l'], ['RPUSH', '{k}l', ...nums(11)]], env: TTY },
  { name: '101-element array, tty (index alignment)', args: [...P, 'LRANGE', '{k}l', '0', '-1'], setup: [['DEL', '{k}l'], ['RPUSH', '{k}l', ...nums(101)]], env: TTY, tls: true },
  { name: '101-element array, piped', args: [...P, 'LRANGE', '{k}l', '0', '-1'], setup: [['DEL', '{k}l'], ['RPUSH', '{k}l', ...nums(101)]] },
  { name: '11 nested arrays of 11, tty', args: [...P, 'EVAL', 'local t = {} for i = 1, 11 do t[i] = {} for j = 1, 11 do t[i][j] = j end end return t', '0'], env: TTY },
  { name: 'HGETALL, tty', args: [...P, 'HGETALL', '{k}h'], setup: [['DEL', '{k}h'], ['HSET', '{k}h', 'f1', 'v1', 'f 2', 'v\n2', 'f3', '']], env: TTY },
  { name: 'HGETALL, -3 tty (map)', args: [...P, '-3', 'HGETALL', '{k}h'], setup: [['DEL', '{k}h'], ['HSET', '{k}h', 'f1', 'v1', 'f 2', 'v\n2', 'f3', '']], env: TTY, tls: true },
  { name: 'HGETALL, -3 piped (map, raw)', args: [...P, '-3', 'HGETALL', '{k}h'], setup: [['DEL', '{k}h'], ['HSET', '{k}h', 'f1', 'v1', 'f2', 'v2']] },
  { name: 'HGETALL, --json (map via implied HELLO 3)', args: [...P, '--json', 'HGETALL', '{k}h'], setup: [['DEL', '{k}h'], ['HSET', '{k}h', 'f1', 'v1', 'f"2', 'v\\2']], tls: true },
  { name: 'HGETALL, --csv -3', args: [...P, '--csv', '-3', 'HGETALL', '{k}h'], setup: [['DEL', '{k}h'], ['HSET', '{k}h', 'f1', 'v1', 'f2', 'v2']] },
  { name: 'empty map, -3 tty', args: [...P, '-3', 'HGETALL', '{k}none'], env: TTY },
  { name: 'ZRANGE WITHSCORES, tty', args: [...P, 'ZRANGE', '{k}z', '0', '-1', 'WITHSCORES'], setup: [['DEL', '{k}z'], ['ZADD', '{k}z', '1.5', 'a', '-2', 'b', 'inf', 'c', '3', 'd']], env: TTY },
  { name: 'ZRANGE WITHSCORES, -3 tty (doubles)', args: [...P, '-3', 'ZRANGE', '{k}z', '0', '-1', 'WITHSCORES'], setup: [['DEL', '{k}z'], ['ZADD', '{k}z', '1.5', 'a', '-2', 'b', 'inf', 'c', '3', 'd']], env: TTY, tls: true },
  { name: 'ZRANGE WITHSCORES, -3 json', args: [...P, '-3', '--json', 'ZRANGE', '{k}z', '0', '-1', 'WITHSCORES'], setup: [['DEL', '{k}z'], ['ZADD', '{k}z', '1.5', 'a', '-2', 'b', '3', 'd']] },
  { name: 'ZRANGE WITHSCORES, -3 csv', args: [...P, '-3', '--csv', 'ZRANGE', '{k}z', '0', '-1', 'WITHSCORES'], setup: [['DEL', '{k}z'], ['ZADD', '{k}z', '1.5', 'a', '-2', 'b']] },
  { name: 'ZSCORE, -3 tty (double)', args: [...P, '-3', 'ZSCORE', '{k}z', 'a'], setup: [['DEL', '{k}z'], ['ZADD', '{k}z', '0.1', 'a']], env: TTY },
  { name: 'SMEMBERS intset, -3 tty (set)', args: [...P, '-3', 'SMEMBERS', '{k}st'], setup: [['DEL', '{k}st'], ['SADD', '{k}st', '3', '1', '2']], env: TTY },
  { name: 'XRANGE, tty', args: [...P, 'XRANGE', '{k}x', '-', '+'], setup: [['DEL', '{k}x'], ['XADD', '{k}x', '1-1', 'f', 'v', 'g', 'w'], ['XADD', '{k}x', '2-0', 'a', 'b']], env: TTY },
  { name: 'XRANGE, json', args: [...P, '--json', 'XRANGE', '{k}x', '-', '+'], setup: [['DEL', '{k}x'], ['XADD', '{k}x', '1-1', 'f', 'v'], ['XADD', '{k}x', '2-0', 'a', 'b']] },
  { name: 'XRANGE, -3 piped', args: [...P, '-3', 'XRANGE', '{k}x', '-', '+'], setup: [['DEL', '{k}x'], ['XADD', '{k}x', '1-1', 'f', 'v']] },
  { name: 'CONFIG GET, tty', args: [...P, 'CONFIG', 'GET', 'maxmemory-policy'], env: TTY },
  { name: 'CONFIG GET several, -3 tty (map)', args: [...P, '-3', 'CONFIG', 'GET', 'hash-max-listpack-*'], env: TTY },
  { name: 'CONFIG GET, --json -2 (array, no HELLO)', args: [...P, '--json', '-2', 'CONFIG', 'GET', 'maxmemory-policy'] },
  { name: 'HELLO 3, tty', args: [...P, 'HELLO', '3'], env: TTY, norm: HELLO_NORM, tls: true },
  { name: 'HELLO 3, piped', args: [...P, 'HELLO', '3'], norm: HELLO_NORM },
  { name: 'HELLO 3, json', args: [...P, '--json', 'HELLO', '3'], norm: HELLO_NORM },
  { name: 'HELLO 2 under -3, tty', args: [...P, '-3', 'HELLO', '2'], env: TTY, norm: HELLO_NORM },
  { name: 'MGET with a nil inside, tty', args: [...P, 'MGET', '{k}a', '{k}missing', '{k}b'], setup: [['SET', '{k}a', '1'], ['SET', '{k}b', '']], env: TTY },
  { name: 'MGET with a nil inside, piped', args: [...P, 'MGET', '{k}a', '{k}missing', '{k}b'], setup: [['SET', '{k}a', '1'], ['SET', '{k}b', '']] },
  { name: 'MGET with a nil inside, csv', args: [...P, '--csv', 'MGET', '{k}a', '{k}missing', '{k}b'], setup: [['SET', '{k}a', '1'], ['SET', '{k}b', '']] },
  { name: 'MGET with a nil inside, -3 json', args: [...P, '-3', '--json', 'MGET', '{k}a', '{k}missing', '{k}b'], setup: [['SET', '{k}a', '1'], ['SET', '{k}b', '']] },
  { name: 'XINFO STREAM (map of arrays), -3 tty', args: [...P, '-3', 'XINFO', 'STREAM', '{k}x'], setup: XINFO_SETUP, env: TTY, tls: true },
  { name: 'XINFO STREAM, tty', args: [...P, 'XINFO', 'STREAM', '{k}x'], setup: XINFO_SETUP, env: TTY },
  { name: 'XINFO STREAM, -3 json', args: [...P, '-3', '--json', 'XINFO', 'STREAM', '{k}x'], setup: XINFO_SETUP },
  { name: 'XINFO STREAM, -3 piped', args: [...P, '-3', 'XINFO', 'STREAM', '{k}x'], setup: XINFO_SETUP },
  { name: 'COMMAND DOCS GET (nested maps), -3 tty', args: [...P, '-3', 'COMMAND', 'DOCS', 'GET'], env: TTY },
  { name: 'COMMAND DOCS GET, tty', args: [...P, 'COMMAND', 'DOCS', 'GET'], env: TTY },
  { name: 'COMMAND DOCS SET, -3 csv', args: [...P, '-3', '--csv', 'COMMAND', 'DOCS', 'SET'] },
  { name: 'COMMAND INFO GET (sets inside), -3 tty', args: [...P, '-3', 'COMMAND', 'INFO', 'GET'], env: TTY },
  { name: 'COMMAND INFO GET, -3 quoted-json', args: [...P, '-3', '--quoted-json', 'COMMAND', 'INFO', 'GET'] },
  { name: 'OBJECT HELP (many status lines), tty', args: [...P, 'OBJECT', 'HELP'], env: TTY },
  { name: '1 MB bulk, tty', args: [...P, 'GET', '{k}big'], setup: [['SET', '{k}big', BIG_VALUE]], env: TTY },
  { name: '1 MB bulk, piped', args: [...P, 'GET', '{k}big'], setup: [['SET', '{k}big', BIG_VALUE]], tls: true },
  // printed while they decode (format/stream.ts): long arrays, and bulk strings of 1 MiB or more in pieces
  { name: '5000-element array, tty (streamed)', args: [...P, 'LRANGE', '{k}l2', '0', '-1'], setup: [['DEL', '{k}l2'], ['RPUSH', '{k}l2', ...nums(5000)]], env: TTY },
  { name: '5000-element array, csv (streamed)', args: [...P, '--csv', 'LRANGE', '{k}l2', '0', '-1'], setup: [['DEL', '{k}l2'], ['RPUSH', '{k}l2', ...nums(5000)]] },
  { name: '5000-element array, json (streamed)', args: [...P, '--json', 'LRANGE', '{k}l2', '0', '-1'], setup: [['DEL', '{k}l2'], ['RPUSH', '{k}l2', ...nums(5000)]] },
  { name: '1 MB bulk inside an array, tty (streamed in pieces)', args: [...P, 'LRANGE', '{k}bl2', '0', '-1'], setup: [['DEL', '{k}bl2'], ['RPUSH', '{k}bl2', 'a', BIG_VALUE, 'b']], env: TTY },
  { name: 'Lua RESP3 nested map, -3 tty', args: [...P, '-3', 'EVAL', LUA_MAP, '0'], env: TTY, tls: true },
  { name: 'Lua RESP3 nested map, -3 json', args: [...P, '-3', '--json', 'EVAL', LUA_MAP, '0'] },
  { name: 'Lua RESP3 nested map, -3 csv', args: [...P, '-3', '--csv', 'EVAL', LUA_MAP, '0'] },
  { name: 'Lua RESP3 nested map, -3 piped', args: [...P, '-3', 'EVAL', LUA_MAP, '0'] },
  { name: 'Lua RESP3 map in an array in a map, -3 tty', args: [...P, '-3', 'EVAL', "return {map={a=1,b={1,2,{map={x='y'}}}}}", '0'], env: TTY },
  { name: 'Lua RESP3 set, doubles, verbatim, -3 tty', args: [...P, '-3', 'EVAL', LUA_TYPES, '0'], env: TTY },
  { name: 'Lua RESP3 set, doubles, verbatim, -3 json', args: [...P, '-3', '--json', 'EVAL', LUA_TYPES, '0'] },
  { name: 'Lua RESP3 set, doubles, verbatim, -3 quoted-json', args: [...P, '-3', '--quoted-json', 'EVAL', LUA_TYPES, '0'] },
  { name: 'Lua RESP3 set, doubles, verbatim, -3 csv', args: [...P, '-3', '--csv', 'EVAL', LUA_TYPES, '0'] },
  { name: 'Lua RESP3 set, doubles, verbatim, -3 piped', args: [...P, '-3', 'EVAL', LUA_TYPES, '0'] },
  { name: 'Lua false is a RESP3 null in an array, -3 tty', args: [...P, '-3', 'EVAL', 'return {1, false, 3}', '0'], env: TTY },
  { name: 'binary map keys, -3 tty', args: [...P, '-3', 'HGETALL', '{k}h'], setup: [['DEL', '{k}h'], ['HSET', '{k}h', ALL_BYTES, 'v', 'f', ALL_BYTES]], env: TTY },
  { name: 'binary map keys, -3 json', args: [...P, '-3', '--json', 'HGETALL', '{k}h'], setup: [['DEL', '{k}h'], ['HSET', '{k}h', ALL_BYTES, 'v', 'f', ALL_BYTES]] },
  { name: 'binary map keys, -3 quoted-json', args: [...P, '-3', '--quoted-json', 'HGETALL', '{k}h'], setup: [['DEL', '{k}h'], ['HSET', '{k}h', ALL_BYTES, 'v']] },
  { name: 'integer extremes, tty', args: [...P, 'EVAL', "return {redis.call('INCRBY', KEYS[1], '9223372036854775807'), redis.call('DECRBY', KEYS[2], '9223372036854775807') - 1}", '2', '{k}i1', '{k}i2'], setup: [['SET', '{k}i1', '0'], ['SET', '{k}i2', '0']], env: TTY },
  { name: 'doubles inf/-inf/large, -3 tty', args: [...P, '-3', 'ZRANGE', '{k}z', '0', '-1', 'WITHSCORES'], setup: [['DEL', '{k}z'], ['ZADD', '{k}z', '-inf', 'a', '1e300', 'b', '0.30000000000000004', 'c', 'inf', 'd']], env: TTY },
  { name: 'doubles inf/-inf/large, -3 json', args: [...P, '-3', '--json', 'ZRANGE', '{k}z', '0', '-1', 'WITHSCORES'], setup: [['DEL', '{k}z'], ['ZADD', '{k}z', '-inf', 'a', '1e300', 'b', 'inf', 'd']] },
];

const PROTO_TYPES = ['map', 'set', 'double', 'true', 'false', 'null', 'verbatim', 'push'] as const;
const PROTO_MODES: Array<{ label: string; flags: string[]; env?: Record<string, string> }> = [
  { label: 'tty', flags: [], env: TTY },
  { label: 'piped', flags: [] },
  { label: 'csv', flags: ['--csv'] },
  { label: 'json', flags: ['--json'] },
  { label: 'quoted-json', flags: ['--quoted-json'] },
];
const debugProtocol: Case[] = [
  ...PROTO_TYPES.flatMap((t) =>
    PROTO_MODES.map((m): Case => ({
      name: `DEBUG PROTOCOL ${t}, -3 ${m.label}`,
      args: [...P, '-3', ...m.flags, 'DEBUG', 'PROTOCOL', t],
      ...(m.env ? { env: m.env } : {}),
      ...(t === 'map' && m.label === 'tty' ? { tls: true } : {}),
    })),
  ),
  ...['map', 'set', 'double', 'true', 'null', 'verbatim'].map((t): Case => ({
    name: `DEBUG PROTOCOL ${t}, RESP2 tty`,
    args: [...P, 'DEBUG', 'PROTOCOL', t],
    env: TTY,
  })),
  { name: 'DEBUG PROTOCOL push, -3 tty --show-pushes no', args: [...P, '-3', '--show-pushes', 'no', 'DEBUG', 'PROTOCOL', 'push'], env: TTY },
  { name: 'DEBUG PROTOCOL push, -3 piped --show-pushes yes', args: [...P, '-3', '--show-pushes', 'y', 'DEBUG', 'PROTOCOL', 'push'] },
  { name: 'DEBUG PROTOCOL push, -3 piped -d/-D --show-pushes yes', args: [...P, '-3', '-d', '|', '-D', ';', '--show-pushes', 'yes', 'DEBUG', 'PROTOCOL', 'push'] },
];

// redis-cli 7.0.15 cannot print these: big numbers (exit 1, "Unknown reply type: 13") and attributes
// (hiredis protocol error). tredis-cli renders them (documented in src/format/{tty,raw,csv,json}.ts).
const BIG = '1234567999999999999999999999999999999';
const BIGNUM_REF = { refCode: 1, refStderr: /^Unknown reply type: 13\n$/ };
const ATTRIB_REF = { refCode: 1, refStderr: /Protocol error, got "\|" as reply type byte/ };
const ATTRIB_REPLY = 'Some real reply following the attribute';
const LUA_BIG = "return {1, {big_number='-123'}, {map={n={big_number='9'}}}}";
const crashers: Case[] = [
  { name: 'DEBUG PROTOCOL bignum, -3 tty (ours)', args: [...P, '-3', 'DEBUG', 'PROTOCOL', 'bignum'], env: TTY, check: { ...BIGNUM_REF, stdout: `(big number) ${BIG}\n` } },
  { name: 'DEBUG PROTOCOL bignum, -3 piped (ours)', args: [...P, '-3', 'DEBUG', 'PROTOCOL', 'bignum'], check: { ...BIGNUM_REF, stdout: `${BIG}\n` } },
  { name: 'DEBUG PROTOCOL bignum, -3 csv (ours)', args: [...P, '-3', '--csv', 'DEBUG', 'PROTOCOL', 'bignum'], check: { ...BIGNUM_REF, stdout: `${BIG}\n` } },
  { name: 'DEBUG PROTOCOL bignum, -3 json (ours)', args: [...P, '-3', '--json', 'DEBUG', 'PROTOCOL', 'bignum'], check: { ...BIGNUM_REF, stdout: `${BIG}\n` } },
  {
    name: 'DEBUG PROTOCOL attrib, -3 tty (ours)',
    args: [...P, '-3', 'DEBUG', 'PROTOCOL', 'attrib'],
    env: TTY,
    check: { ...ATTRIB_REF, stdout: `|1# "key-popularity" => \n    1) "key:123"\n    2) (integer) 90\n"${ATTRIB_REPLY}"\n` },
  },
  { name: 'DEBUG PROTOCOL attrib, -3 piped (ours)', args: [...P, '-3', 'DEBUG', 'PROTOCOL', 'attrib'], check: { ...ATTRIB_REF, stdout: `${ATTRIB_REPLY}\n` } },
  { name: 'DEBUG PROTOCOL attrib, -3 csv (ours)', args: [...P, '-3', '--csv', 'DEBUG', 'PROTOCOL', 'attrib'], check: { ...ATTRIB_REF, stdout: `"${ATTRIB_REPLY}"\n` } },
  { name: 'DEBUG PROTOCOL attrib, -3 json (ours)', args: [...P, '-3', '--json', 'DEBUG', 'PROTOCOL', 'attrib'], check: { ...ATTRIB_REF, stdout: `"${ATTRIB_REPLY}"\n` } },
  { name: 'Lua big numbers in an array and a map, -3 tty (ours)', args: [...P, '-3', 'EVAL', LUA_BIG, '0'], env: TTY, check: { ...BIGNUM_REF, stdout: '1) (integer) 1\n2) (big number) -123\n3) 1# "n" => (big number) 9\n' } },
  { name: 'Lua big numbers in an array and a map, -3 json (ours)', args: [...P, '-3', '--json', 'EVAL', LUA_BIG, '0'], check: { ...BIGNUM_REF, stdout: '[1,-123,{"n":9}]\n' } },
  { name: 'Lua big numbers in an array and a map, -3 csv (ours)', args: [...P, '-3', '--csv', 'EVAL', LUA_BIG, '0'], check: { ...BIGNUM_REF, stdout: '1,-123,"n",9\n' } },
  { name: 'Lua big numbers in an array and a map, -3 piped (ours)', args: [...P, '-3', 'EVAL', LUA_BIG, '0'], check: { ...BIGNUM_REF, stdout: '1\n-123\nn 9\n' } },
];

const outputModes: Case[] = [
  { name: '--raw with FAKETTY', args: [...P, '--raw', 'LRANGE', '{k}l', '0', '-1'], setup: [['DEL', '{k}l'], ['RPUSH', '{k}l', 'a', 'b c', '']], env: TTY },
  { name: '--no-raw when piped', args: [...P, '--no-raw', 'LRANGE', '{k}l', '0', '-1'], setup: [['DEL', '{k}l'], ['RPUSH', '{k}l', 'a', 'b c', '']], tls: true },
  { name: '--raw error gets a blank line', args: [...P, '--raw', 'NOSUCHCMD'] },
  { name: 'the last output flag wins: --csv --raw', args: [...P, '--csv', '--raw', 'ECHO', 'a b'] },
  { name: 'the last output flag wins: --raw --json', args: [...P, '--raw', '--json', 'ECHO', 'a b'] },
  { name: 'the last output flag wins: --json --no-raw', args: [...P, '--json', '--no-raw', 'ECHO', 'a b'] },
  { name: '-d , -D ; on an array', args: [...P, '-d', ',', '-D', ';', 'LRANGE', '{k}l', '0', '-1'], setup: [['DEL', '{k}l'], ['RPUSH', '{k}l', '1', '2', '3', '4']] },
  { name: '-D on a status reply', args: [...P, '-D', '<END>', 'SET', '{k}d', 'v'] },
  { name: '-d on nested arrays', args: [...P, '-d', ' | ', 'EVAL', NESTED_LUA, '0'] },
  { name: '-d on a RESP3 map', args: [...P, '-3', '-d', ',', 'HGETALL', '{k}h'], setup: [['DEL', '{k}h'], ['HSET', '{k}h', 'a', '1', 'b', '2']] },
  { name: '-d/-D ignored in tty', args: [...P, '-d', ',', '-D', ';', 'LRANGE', '{k}l', '0', '-1'], setup: [['DEL', '{k}l'], ['RPUSH', '{k}l', '1', '2']], env: TTY },
  { name: '-2 tty', args: [...P, '-2', 'HGETALL', '{k}h'], setup: [['DEL', '{k}h'], ['HSET', '{k}h', 'a', '1']], env: TTY },
  { name: 'forced raw: LOLWUT VERSION 5 1 1 1 (tty)', args: [...P, 'LOLWUT', 'VERSION', '5', '1', '1', '1'], env: TTY },
  { name: 'forced raw: LOLWUT VERSION 5 6 2 1 --json', args: [...P, '--json', 'LOLWUT', 'VERSION', '5', '6', '2', '1'] },
  { name: 'forced raw: LOLWUT with -D (no -D after it)', args: [...P, '-D', ';', 'lolwut', 'version', '5', '1', '1', '1'] },
  { name: 'forced raw: CLIENT INFO, tty', args: [...P, 'CLIENT', 'INFO'], env: TTY, norm: CLIENT_INFO_NORM },
  { name: 'forced raw: CLIENT INFO, -3 --csv', args: [...P, '-3', '--csv', 'client', 'info'], norm: CLIENT_INFO_NORM },
  { name: 'forced raw: CLIENT LIST TYPE replica (empty), tty', args: [...P, 'CLIENT', 'LIST', 'TYPE', 'replica'], env: TTY },
  { name: 'forced raw: INFO server, tty', args: [...P, 'INFO', 'server'], env: TTY, norm: INFO_NORM },
  { name: 'forced raw: INFO unknown section, --json', args: [...P, '--json', 'INFO', 'nosuchsection'] },
  { name: 'forced raw: MEMORY DOCTOR, --csv', args: [...P, '--csv', 'MEMORY', 'DOCTOR'] },
  { name: 'forced raw: DEBUG HTSTATS on an unused db, tty', args: [...P, 'DEBUG', 'HTSTATS', '15'], env: TTY },
  { name: 'forced raw: LATENCY GRAPH error reply, tty', args: [...P, 'LATENCY', 'GRAPH', 'nosuchevent'], env: TTY },
  { name: 'not forced raw: LATENCY GRAPH with 2 args, tty', args: [...P, 'LATENCY', 'GRAPH'], env: TTY },
];

const PIPE_MIX = 'SET {k}a 1\nGET {k}a\nINCR {k}a\nGET {k}missing\nNOSUCHCMD\nRPUSH {k}l x y\nLRANGE {k}l 0 -1\nLRANGE {k}none 0 -1\nECHO "a\\tb"\n';
const PIPE_MIX_SETUP: Arg[][] = [['DEL', '{k}a', '{k}l']];
const stdinCases: Case[] = [
  { name: 'stdin: mixed replies, piped', args: [...P], stdin: PIPE_MIX, setup: PIPE_MIX_SETUP, tls: true },
  { name: 'stdin: mixed replies, tty', args: [...P], stdin: PIPE_MIX, setup: PIPE_MIX_SETUP, env: TTY },
  { name: 'stdin: mixed replies, csv', args: [...P, '--csv'], stdin: PIPE_MIX, setup: PIPE_MIX_SETUP },
  { name: 'stdin: mixed replies, json', args: [...P, '--json'], stdin: PIPE_MIX, setup: PIPE_MIX_SETUP },
  { name: 'stdin: mixed replies, -d -D', args: [...P, '-d', ',', '-D', '|'], stdin: PIPE_MIX, setup: PIPE_MIX_SETUP },
  { name: 'stdin: blank and white-space lines', args: [...P], stdin: '\n\nPING\n   \n\t\nECHO a\n\n' },
  { name: 'stdin: \\r\\n line ends', args: [...P], stdin: 'ECHO a\r\nECHO "b c"\r\nPING\r\n' },
  { name: 'stdin: \\r\\n line ends, tty', args: [...P], stdin: 'ECHO a\r\nECHO "b c"\r\n', env: TTY },
  { name: 'stdin: last line without \\n', args: [...P], stdin: 'ECHO first\nECHO last' },
  { name: 'stdin: repeat prefix 3 INCR', args: [...P], stdin: '3 INCR {k}c\nGET {k}c\n', setup: [['DEL', '{k}c']], tls: true },
  { name: 'stdin: repeat prefix, tty', args: [...P], stdin: '2 LRANGE {k}l 0 -1\n', setup: [['DEL', '{k}l'], ['RPUSH', '{k}l', 'a', 'b']], env: TTY },
  { name: 'stdin: invalid repeat values 0, -1, ""', args: [...P], stdin: '0 PING\n-1 PING\n"" PING\nPING\n' },
  { name: 'stdin: a lone number is a command', args: [...P], stdin: '3\n' },
  { name: 'stdin: repeat prefix with leading +', args: [...P], stdin: '+2 ECHO x\n' },
  { name: 'stdin: bad quoting → Invalid argument(s)', args: [...P], stdin: '"unterminated\nECHO "foo"bar\nECHO ok\n' },
  { name: "stdin: '\\\\' is unterminated (single-quote rules)", args: [...P], stdin: "ECHO '\\\\'\nECHO 'a\\'b'\nECHO 'x\\ny'\n" },
  { name: 'stdin: \\xHH escapes in double quotes', args: [...P], stdin: 'ECHO "\\x41\\x4a\\x4g\\xzz\\x00\\xff"\n', env: TTY },
  { name: 'stdin: escapes \\n \\r \\t \\b \\a \\" \\\\ and others', args: [...P], stdin: 'ECHO "\\n\\r\\t\\b\\a\\"\\\\\\q"\n', env: TTY },
  { name: 'stdin: quote in the middle of a token', args: [...P], stdin: 'ECHO foo"bar baz"\nECHO a\'b c\'d\n' },
  { name: 'stdin: "a"b and \'a\'b are errors', args: [...P], stdin: 'ECHO "a"b\nECHO \'a\'b\nPING\n' },
  { name: 'stdin: empty quoted arguments', args: [...P], stdin: 'ECHO ""\nECHO \'\'\n', env: TTY },
  { name: 'stdin: quit in the middle', args: [...P], stdin: 'ECHO before\nquit\nECHO after\n' },
  { name: 'stdin: EXIT in the middle', args: [...P], stdin: 'ECHO before\nEXIT\nECHO after\n' },
  { name: 'stdin: NUL bytes end the line', args: [...P], stdin: Buffer.from('ECHO a\0b\nECHO "c\\x00d"\n\0PING\nPING\n', 'latin1') },
  { name: 'stdin: bytes >= 0x80 pass through', args: [...P], stdin: Buffer.from('ECHO \xe9\xff\nECHO "\xc3\xa9"\n', 'latin1'), env: TTY },
  { name: 'stdin: SELECT then GET', args: [...P], stdin: 'SELECT 7\nGET {k}s\nSELECT 0\nGET {k}s\n', setup: [['SELECT', '7'], ['SET', '{k}s', 'in7']] },
  { name: 'stdin: MULTI/EXEC, tty', args: [...P], stdin: 'MULTI\nSET {k}m 1\nINCR {k}m\nEXEC\n', setup: [['DEL', '{k}m']], env: TTY },
  { name: 'stdin: -e is ignored when piped', args: [...P, '-e'], stdin: 'NOSUCHCMD\nPING\n' },
  { name: 'stdin: -3 maps and pushes, tty', args: [...P, '-3'], stdin: 'DEBUG PROTOCOL map\nDEBUG PROTOCOL push\nDEBUG PROTOCOL double\n', env: TTY },
  { name: 'stdin: -3 pushes hidden when piped', args: [...P, '-3'], stdin: 'DEBUG PROTOCOL push\nDEBUG PROTOCOL set\n' },
  { name: 'stdin: forced raw LOLWUT among others', args: [...P, '--csv'], stdin: 'ECHO a\nLOLWUT VERSION 5 1 1 1\nECHO b\n' },
  { name: 'stdin: connect to another host:port', args: ['-p', '{deadPort}'], stdin: 'connect 127.0.0.1 {port}\nPING\n' },
  { name: 'stdin: 500 commands (pipelined)', args: [...P], stdin: Array.from({ length: 500 }, (_, i) => `ECHO line${i}\n`).join('') },
  { name: 'stdin: :set hints is not sent to the server', args: [...P], stdin: ':set hints\nPING\n' },
  { name: 'stdin: clear prints the clear-screen sequence', args: [...P], stdin: 'PING\nclear\nPING\n' },
  { name: 'stdin: empty input', args: [...P], stdin: '' },
  { name: 'stdin: help GET', args: [...P], stdin: 'help GET\nPING\n' },
  { name: 'stdin: help, help @group, help with no match', args: [...P], stdin: 'help\nhelp @hyperloglog\nhelp nosuch\nhelp client no-evict\n' },
  { name: 'stdin: :set and unknown internal commands', args: [...P], stdin: ':set\n:set foo\n:SET HINTS\n:set nohints x\n:foo bar\nPING\n' },
  { name: 'stdin: huge and non-decimal repeat counts', args: [...P], stdin: '99999999999999999999 PING\n0x10 PING\n  2   ECHO  x  \n' },
  { name: 'stdin: \\r inside a line is white space', args: [...P], stdin: 'ECHO a\rECHO b\nECHO c\r\r\n' },
  { name: 'stdin: more quoting errors', args: [...P], stdin: 'ECHO "abc\\\nECHO \'it\'\'s\'\nECHO "\\x" "\\x4"\nECHO \'\'\'\'\n' },
  { name: 'stdin: tabs separate arguments', args: [...P], stdin: 'ECHO\t\tx\t\nSET\t{k}t\tv\n', setup: [['DEL', '{k}t']] },
  { name: 'stdin: quit with arguments still quits', args: [...P], stdin: 'ECHO a\nquit now\nECHO b\n' },
  { name: 'stdin: a 100 KB argument', args: [...P], stdin: `ECHO ${'y'.repeat(100_000)}\nECHO "${'\\x41'.repeat(1000)}"\n` },
  { name: 'stdin: connect to a dead port', args: [...P], stdin: 'PING\nconnect 127.0.0.1 {deadPort}\nPING\n' },
  // a typed AUTH is for the server it was typed to: `connect` elsewhere sends none (the other server
  // has no such user: a leaked AUTH would print "AUTH failed")
  { name: 'stdin: typed AUTH, then connect to another server', args: ['-p', '{pwPort}'], stdin: 'AUTH {aclUser} {aclPass}\nACL WHOAMI\nconnect 127.0.0.1 {port}\nACL WHOAMI\n' },
  { name: 'stdin: AUTH with a user, then AUTH with a password only', args: ['-p', '{pwPort}'], stdin: 'AUTH {aclUser} {aclPass}\nAUTH {pass}\nACL WHOAMI\n' },
  { name: 'stdin: HELLO 3 switches to maps, tty', args: [...P], stdin: 'HGETALL {k}h\nHELLO 3\nHGETALL {k}h\n', setup: [['DEL', '{k}h'], ['HSET', '{k}h', 'a', '1', 'b', '2']], env: TTY, norm: HELLO_NORM },
  { name: 'stdin: AUTH on the password server', args: [...PW], stdin: 'PING\nAUTH {pass}\nPING\nAUTH {aclUser} {aclPass}\nACL WHOAMI\n' },
  { name: 'stdin: many small commands, tty', args: [...P], stdin: Array.from({ length: 200 }, (_, i) => `ECHO ${i}\n`).join(''), env: TTY },
  // Pushes keep their place among the replies (invalidate comes after the +OK of the SET).
  { name: 'stdin: tracking invalidate pushes, -3 tty', args: [...P, '-3'], stdin: TRACKING, setup: [['SET', '{k}t', '1']], env: TTY, tls: true },
  { name: 'stdin: tracking invalidate pushes, -3 --show-pushes yes (pipelined)', args: [...P, '-3', '--show-pushes', 'yes'], stdin: TRACKING, setup: [['SET', '{k}t', '1']] },
  { name: 'stdin: tracking invalidate pushes, -3 --json --show-pushes yes', args: [...P, '-3', '--json', '--show-pushes', 'yes'], stdin: TRACKING, setup: [['SET', '{k}t', '1']] },
  { name: 'stdin: tracking invalidate pushes, -3 --show-pushes no, tty', args: [...P, '-3', '--show-pushes', 'no'], stdin: TRACKING, setup: [['SET', '{k}t', '1']], env: TTY },
  { name: 'stdin: tracking with a repeat prefix, -3 tty', args: [...P, '-3'], stdin: 'CLIENT TRACKING ON\nGET {k}t\n3 SET {k}t 2\nGET {k}t\n', setup: [['SET', '{k}t', '1']], env: TTY },
  { name: 'stdin: RESET goes back to RESP2', args: [...P, '-3'], stdin: 'HGETALL {k}h\nRESET\nHGETALL {k}h\n', setup: [['DEL', '{k}h'], ['HSET', '{k}h', 'a', '1']], env: TTY },
  // `1 QUIT` is a repeat, so QUIT goes to the server, which closes: the next command reports it and
  // the one after reconnects. Whether that report is EOF or a reset is a race in redis-cli too.
  { name: 'stdin: QUIT sent to the server, then more commands', args: [...P], stdin: `1 QUIT\n${Array.from({ length: 30 }, (_, i) => `ECHO ${i}\n`).join('')}`, norm: CLOSED_NORM },
  { name: 'stdin: QUIT sent to the server, tty', args: [...P], stdin: '1 QUIT\nPING\nPING\n', env: TTY, tls: true, norm: CLOSED_NORM },
];

const stdinArg: Case[] = [
  { name: '-x keeps the trailing newline', args: [...P, '-x', 'ECHO'], stdin: 'hello\n', env: TTY, tls: true },
  { name: '-x SET', args: [...P, '-x', 'SET', '{k}x'], stdin: 'hello\n' },
  { name: '-x with binary stdin', args: [...P, '-x', 'ECHO'], stdin: ALL_BYTES, env: TTY },
  { name: '-x with binary stdin, piped', args: [...P, '-x', 'ECHO'], stdin: ALL_BYTES },
  { name: '-x with empty stdin', args: [...P, '-x', 'ECHO'], stdin: '', env: TTY },
  { name: '-x with stdin at /dev/null', args: [...P, '-x', 'ECHO'], env: TTY },
  { name: '-x with several lines', args: [...P, '-x', 'ECHO'], stdin: 'a\nb\r\nc', env: TTY },
  { name: '-X tag matches', args: [...P, '-X', 'TAG', 'ECHO', 'TAG'], stdin: 'from stdin\n', env: TTY },
  { name: '-X tag in the middle', args: [...P, '-X', '@', 'EVAL', 'return ARGV', '0', 'a', '@', 'b'], stdin: 'x', env: TTY },
  { name: '-X tag twice', args: [...P, '-X', '@', 'EVAL', 'return ARGV', '0', '@', 'b', '@'], stdin: 'x', env: TTY },
  { name: '-X tag does not match', args: [...P, '-X', 'TAG', 'ECHO', 'nope'], stdin: 'x' },
  { name: '--quoted-input valid', args: [...P, '--quoted-input', 'EVAL', '"return ARGV"', '0', '"a\\x41\\n"', "'b c'", 'plain'], env: TTY },
  { name: '--quoted-input empty quotes', args: [...P, '--quoted-input', 'ECHO', '""'], env: TTY },
  { name: '--quoted-input two tokens → Invalid quoted string', args: [...P, '--quoted-input', 'ECHO', '"a" b'] },
  { name: '--quoted-input unterminated → Invalid quoted string', args: [...P, '--quoted-input', 'ECHO', '"a'] },
  { name: '--quoted-input empty word → Invalid quoted string', args: [...P, '--quoted-input', 'ECHO', ''] },
  { name: '-r 3 INCR', args: [...P, '-r', '3', 'INCR', '{k}r'], setup: [['DEL', '{k}r']], tls: true },
  { name: '-r 3 -i 0.01', args: [...P, '-r', '3', '-i', '0.01', 'ECHO', 'x'] },
  { name: '-r 2 arrays, tty', args: [...P, '-r', '2', 'LRANGE', '{k}l', '0', '-1'], setup: [['DEL', '{k}l'], ['RPUSH', '{k}l', 'a', 'b']], env: TTY },
  { name: '-r 0 runs nothing', args: [...P, '-r', '0', 'PING'] },
  { name: '-r 3 -e stops at the first error', args: [...P, '-r', '3', '-e', 'NOSUCHCMD'] },
  { name: '-e with an error reply: stderr and exit 1', args: [...P, '-e', 'NOSUCHCMD', 'x'], tls: true },
  { name: '-e with an error reply, tty', args: [...P, '-e', 'INCR', '{k}e'], setup: [['SET', '{k}e', 'notanumber']], env: TTY },
  { name: '-e with a success', args: [...P, '-e', 'PING'] },
  { name: 'command words after the command are arguments', args: [...P, 'ECHO', '--nope'] },
  { name: '-r 2 -x reads stdin once', args: [...P, '-r', '2', '-x', 'ECHO'], stdin: 'once\n', env: TTY },
  { name: '-i without -r runs once', args: [...P, '-i', '0.01', 'PING'] },
  { name: '-r 3 with pushes, -3 tty', args: [...P, '-3', '-r', '3', 'DEBUG', 'PROTOCOL', 'push'], env: TTY },
  { name: '-r 3 with pushes, -3 --show-pushes yes', args: [...P, '-3', '--show-pushes', 'yes', '-r', '3', 'DEBUG', 'PROTOCOL', 'push'] },
  { name: 'one-shot QUIT', args: [...P, 'QUIT'] },
  { name: 'empty -d and -D', args: [...P, '-d', '', '-D', '', 'LRANGE', '{k}l', '0', '-1'], setup: [['DEL', '{k}l'], ['RPUSH', '{k}l', 'a', 'b']] },
  { name: '-d \\t is taken literally', args: [...P, '-3', '-d', '\\t', 'DEBUG', 'PROTOCOL', 'map'] },
  { name: '--no-raw with -x', args: [...P, '--no-raw', '-x', 'ECHO'], stdin: 'a\tb\n' },
];

const connecting: Case[] = [
  { name: '-n selects the db', args: [...P, '-n', '5', 'GET', '{k}n'], setup: [['SELECT', '5'], ['SET', '{k}n', 'in5']], tls: true },
  { name: '-n 0 does not see db 5', args: [...P, '-n', '0', 'GET', '{k}n'], setup: [['SELECT', '5'], ['SET', '{k}n', 'in5']] },
  { name: '-n out of range: SELECT failed', args: [...P, '-n', '99', 'PING'] },
  { name: '-n not a number is db 0', args: [...P, '-n', 'abc', 'PING'] },
  { name: '-n 5, piped', args: [...P, '-n', '5'], stdin: 'GET {k}n\nSELECT 0\nGET {k}n\n', setup: [['SELECT', '5'], ['SET', '{k}n', 'in5']] },
  { name: '-h localhost', args: ['-h', 'localhost', ...P, 'PING'] },
  { name: '-h unknown host', args: ['-h', 'nonexistent.invalid', '-p', '1', 'PING'] },
  { name: '-p not a number', args: ['-p', 'abc', 'PING'] },
  { name: '-u with a db', args: ['-u', 'redis://127.0.0.1:{port}/5', 'GET', '{k}u'], setup: [['SELECT', '5'], ['SET', '{k}u', 'uri5']] },
  { name: '-u without a port, then -p', args: ['-u', 'redis://127.0.0.1', ...P, 'PING'] },
  { name: '-u then -n overrides the db', args: ['-u', 'redis://127.0.0.1:{port}/5', '-n', '0', 'GET', '{k}u'], setup: [['SELECT', '5'], ['SET', '{k}u', 'uri5']] },
  { name: '-u with a password', args: ['-u', 'redis://:{pass}@127.0.0.1:{pwPort}', 'PING'] },
  { name: '-u with user and password and db', args: ['-u', 'redis://{aclUser}:{aclPass}@127.0.0.1:{pwPort}/3', 'ACL', 'WHOAMI'] },
  { name: '-u percent-encoded password', args: ['-u', 'redis://default:%73%33cr%65t@127.0.0.1:{pwPort}', 'PING'] },
  { name: '-u --no-auth-warning', args: ['--no-auth-warning', '-u', 'redis://:{pass}@127.0.0.1:{pwPort}', 'PING'] },
  { name: '-u Invalid URI scheme', args: ['-u', 'http://127.0.0.1:{port}', 'PING'] },
  { name: '-u Illegal character in URI encoding', args: ['-u', 'redis://u:p%zz@127.0.0.1:{port}', 'PING'] },
  { name: '-u %4 before @: Illegal character', args: ['-u', 'redis://:p%4@127.0.0.1:{port}', 'PING'] },
  { name: '-u % before @: Incomplete URI encoding', args: ['-u', 'redis://:p%@127.0.0.1:{port}', 'PING'] },
  { name: '-u the port colon is searched past the slash', args: ['-u', 'redis://127.0.0.1/1:{port}', 'PING'] },
  { name: '-a prints the warning', args: [...PW, '-a', '{pass}', 'PING'], tls: false },
  { name: '-a --no-auth-warning', args: [...PW, '--no-auth-warning', '-a', '{pass}', 'PING'] },
  { name: '--pass', args: [...PW, '--pass', '{pass}', 'PING'] },
  { name: '--user and --pass', args: [...PW, '--user', '{aclUser}', '--pass', '{aclPass}', 'ACL', 'WHOAMI'] },
  { name: 'REDISCLI_AUTH', args: [...PW, 'PING'], env: { REDISCLI_AUTH: '{pass}' } },
  { name: '-a wins over REDISCLI_AUTH', args: [...PW, '--no-auth-warning', '-a', '{pass}', 'PING'], env: { REDISCLI_AUTH: 'wrong' } },
  { name: 'wrong password: AUTH failed and NOAUTH', args: [...PW, '--no-auth-warning', '-a', 'wrong', 'PING'] },
  { name: 'no password: NOAUTH', args: [...PW, 'PING'] },
  { name: '-a, piped', args: [...PW, '-a', '{pass}'], stdin: 'PING\nACL WHOAMI\n' },
  { name: '--askpass reads the password from piped stdin', args: [...PW, '--askpass', 'PING'], stdin: '{pass}\n' },
  { name: '--askpass, then piped commands', args: [...PW, '--askpass'], stdin: '{pass}\nPING\nACL WHOAMI\n' },
  { name: '-a with an empty password', args: [...P, '--no-auth-warning', '-a', '', 'PING'] },
  { name: '--user without a password', args: [...PW, '--user', '{aclUser}', 'PING'] },
  { name: '-u userinfo without a colon is the password', args: ['--no-auth-warning', '-u', 'redis://{pass}@127.0.0.1:{pwPort}', 'PING'] },
  { name: '--json without auth: HELLO 3 failed', args: [...PW, '--json', 'PING'] },
  { name: '-3 without auth', args: [...PW, '-3', 'PING'] },
  { name: '-n without auth: SELECT failed', args: [...PW, '-n', '3', 'PING'] },
  { name: 'TLS: rediss:// URI with --cacert', args: ['--cacert', '{ca}', '-u', 'rediss://127.0.0.1:{tlsPort}/4', 'GET', '{k}u'], setup: [['SELECT', '4'], ['SET', '{k}u', 'tls4']] },
  { name: 'TLS: piped -3 maps, tty', args: [...TLS, '-3'], stdin: 'DEBUG PROTOCOL map\nHGETALL {k}h\n', setup: [['DEL', '{k}h'], ['HSET', '{k}h', 'a', '1']], env: TTY },
  { name: 'unknown option', args: ['--nope'] },
  { name: 'unknown option after valid ones', args: [...P, '-n', '1', '--nope', 'PING'] },
  { name: 'value-taking option in last position: -p', args: ['-p'] },
  { name: 'value-taking option in last position: -n', args: [...P, '-n'] },
  { name: 'value-taking option in last position: -a', args: [...P, '-a'] },
  { name: '-2 -3 together', args: [...P, '-2', '-3', 'PING'] },
  { name: '-x -X together', args: [...P, '-x', '-X', 'TAG', 'PING'] },
  { name: '-x -X together with -a (warning first)', args: [...P, '-a', 'x', '-x', '-X', 'TAG', 'PING'] },
  { name: '-c -s together', args: ['-c', '-s', '/nonexistent.sock', 'PING'] },
  { name: '--show-pushes maybe', args: [...P, '--show-pushes', 'maybe', 'PING'] },
  { name: 'connection refused, one-shot', args: ['-p', '{deadPort}', 'PING'] },
  { name: 'connection refused, piped', args: ['-p', '{deadPort}'], stdin: 'PING\nPING\n' },
  // Unreadable replies: redis-cli survives EOF and resets when reading stdin (it reconnects for the
  // next command) but exits 1 on a protocol error; during AUTH/SELECT/HELLO at start it prints only
  // "\nI/O error" and the first command meets the error again.
  { name: 'garbage reply, one-shot', args: ['-p', '{garbagePort}', 'PING'] },
  { name: 'garbage reply, piped: exit 1 at the first', args: ['-p', '{garbagePort}'], stdin: 'PING\nPING\n' },
  { name: 'garbage reply, piped tty', args: ['-p', '{garbagePort}'], stdin: 'ECHO a\n"bad\nPING\n', env: TTY },
  { name: 'garbage reply, piped, help needs no reply', args: ['-p', '{garbagePort}'], stdin: 'help\nPING\n' },
  { name: 'garbage HELLO, -3 one-shot', args: ['-p', '{garbagePort}', '-3', 'PING'] },
  { name: 'garbage HELLO, -3 piped', args: ['-p', '{garbagePort}', '-3'], stdin: 'PING\nPING\n' },
  { name: 'garbage HELLO, -3 piped, no input', args: ['-p', '{garbagePort}', '-3'], stdin: '' },
  { name: 'garbage AUTH, -a piped', args: ['-p', '{garbagePort}', '--no-auth-warning', '-a', 'x'], stdin: 'PING\n' },
  { name: 'garbage SELECT, -n piped --json', args: ['-p', '{garbagePort}', '-n', '2', '--json'], stdin: 'PING\n' },
  { name: 'closed without a reply, one-shot', args: ['-p', '{closerPort}', 'PING'], norm: CLOSED_NORM },
  { name: 'closed without a reply, piped', args: ['-p', '{closerPort}'], stdin: 'PING\nPING\n', norm: CLOSED_NORM },
  { name: 'closed during HELLO, -3 one-shot', args: ['-p', '{closerPort}', '-3', 'PING'], norm: CLOSED_NORM },
  { name: 'closed during HELLO, -3 piped', args: ['-p', '{closerPort}', '-3'], stdin: 'PING\nPING\n', norm: CLOSED_NORM },
  { name: 'closed during SELECT, -n piped tty', args: ['-p', '{closerPort}', '-n', '3'], stdin: 'PING\n', env: TTY, norm: CLOSED_NORM },
  { name: 'closed during AUTH, -a one-shot', args: ['-p', '{closerPort}', '--no-auth-warning', '-a', 'x', 'PING'], norm: CLOSED_NORM },
  // The same with stderr and stdout in one pipe: the order of diagnostics among replies.
  { name: '2>&1: connect to a dead port and back', args: [...P], stdin: 'PING\nconnect 127.0.0.1 {deadPort}\nPING\nconnect 127.0.0.1 {port}\nPING\n', merge: true },
  { name: '2>&1: connection refused, piped', args: ['-p', '{deadPort}'], stdin: 'PING\nPING\n', merge: true },
  { name: '2>&1: QUIT sent to the server, then more commands', args: [...P], stdin: 'ECHO a\n1 QUIT\nECHO b\nECHO c\n', merge: true, norm: CLOSED_NORM },
  { name: '2>&1: closed during HELLO, -3 piped', args: ['-p', '{closerPort}', '-3'], stdin: 'ECHO a\nPING\n', merge: true, norm: CLOSED_NORM },
  { name: '2>&1: garbage reply after good ones, piped', args: ['-p', '{garbagePort}'], stdin: 'PING\nPING\n', merge: true },
  { name: '2>&1: -e ignored, piped tty', args: [...P, '-e'], stdin: 'ECHO a\nNOSUCHCMD\nECHO b\n', env: TTY, merge: true },
  { name: '2>&1: -a warning, SELECT failed, then the reply', args: [...P, '-a', 'x', '-n', '99', 'PING'], merge: true },
  { name: '2>&1: -r 3 -e stops at the first error', args: [...P, '-r', '3', '-e', 'NOSUCHCMD'], merge: true },
  // Not compared merged: redis-cli prints `help` with printf and no fflush, so in a pipe its text
  // comes out after later stderr lines (at the next reply or at exit); tredis-cli keeps the order.
  { name: 'help with nothing listening, one-shot', args: ['-p', '{deadPort}', 'help', 'GET'] },
  { name: 'help with nothing listening, piped', args: ['-p', '{deadPort}'], stdin: 'help GET\nPING\n' },
  { name: 'port out of range', args: ['-p', '99999', 'PING'] },
  { name: 'negative port', args: ['-p', '-1', 'PING'] },
  { name: 'unix socket path is a regular file', args: ['-s', '/etc/hostname', 'PING'] },
  { name: '-n -1: SELECT failed', args: [...P, '-n', '-1', 'PING'] },
  { name: 'one-shot ignores piped stdin without -x', args: [...P, 'ECHO', 'argv'], stdin: 'ECHO stdin\n' },
  { name: '--quoted-input does not change piped lines', args: [...P, '--quoted-input'], stdin: 'ECHO "a b" c\n' },
  { name: '-c against a standalone server', args: [...P, '-c', 'GET', '{k}c'], setup: [['SET', '{k}c', 'v']] },
  { name: '-c piped against a standalone server', args: [...P, '-c'], stdin: 'SET {k}c 1\nINCR {k}c\n', setup: [['DEL', '{k}c']] },
  { name: 'unix socket', args: ['-s', '{socket}', 'ECHO', 'via unix'] },
  { name: 'unix socket, piped', args: ['-s', '{socket}'], stdin: 'PING\nECHO b\n' },
  { name: 'unix socket missing, one-shot', args: ['-s', '/nonexistent/tredis.sock', 'PING'] },
  { name: 'unix socket missing, piped', args: ['-s', '/nonexistent/tredis.sock'], stdin: 'PING\n' },
  { name: '--version', args: ['--version'], check: 'version' },
  { name: '-v', args: ['-v'], check: 'version' },
  { name: '--help', args: ['--help'], check: 'help' },
  { name: '-h in last position is help', args: ['-h'], check: 'help' },
  { name: 'one-shot help GET', args: [...P, 'help', 'GET'] },
  // help.h has its own syntax strings for a few commands (BITFIELD_RO, MIGRATE, REPLICAOF…).
  { name: 'one-shot help BITFIELD_RO (help.h syntax)', args: [...P, 'help', 'BITFIELD_RO'] },
  { name: 'one-shot help MIGRATE (help.h syntax)', args: [...P, 'help', 'MIGRATE'] },
  { name: 'stdin: help REPLICAOF and help @bitmap (help.h syntax)', args: [...P], stdin: 'help REPLICAOF\nhelp @bitmap\n' },
];

const BASE: Case[] = [...replyTypes, ...debugProtocol, ...crashers, ...outputModes, ...stdinCases, ...stdinArg, ...connecting];

/** The same row over TLS: `-p {port}` becomes `--tls --cacert {ca} -p {tlsPort}`. */
function overTls(c: Case): Case {
  const args: string[] = [];
  for (let i = 0; i < c.args.length; i++) {
    if (c.args[i] === '-p' && c.args[i + 1] === '{port}') {
      args.push(...TLS);
      i++;
    } else {
      args.push(c.args[i]!);
    }
  }
  return { ...c, name: `TLS: ${c.name}`, args, tls: false };
}

const CASES: Array<Case & { index: number }> = [...BASE, ...BASE.filter((c) => c.tls).map(overTls)].map((c, index) => ({ ...c, index }));

// ---------------------------------------------------------------------------------------------
// Running

interface Env {
  port: number;
  tlsPort: number;
  socket: string;
  ca: string;
  pwPort: number;
  pass: string;
  aclUser: string;
  aclPass: string;
  deadPort: number;
  garbagePort: number;
  closerPort: number;
  home: string;
}
let ENV: Env;

function fill(s: string, index: number): string {
  return s.replace(/\{(k|port|tlsPort|socket|ca|pwPort|pass|aclUser|aclPass|deadPort|garbagePort|closerPort)\}/g, (_, name: string) =>
    name === 'k' ? `dt${index}:` : String(ENV[name as keyof Env]),
  );
}

/** RESP array of bulk strings. */
function encode(args: Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** End offset of the RESP2 reply starting at `i`, or -1 when incomplete. Errors are thrown. */
function skipReply(b: Buffer, i: number): number {
  const eol = b.indexOf('\r\n', i);
  if (eol === -1) return -1;
  const head = b.toString('latin1', i + 1, eol);
  const p = eol + 2;
  switch (b[i]) {
    case 0x2b: // +
    case 0x3a: // :
      return p;
    case 0x2d: // -
      throw new Error(`setup command failed: ${head}`);
    case 0x24: { // $
      const n = Number(head);
      if (n < 0) return p;
      return p + n + 2 <= b.length ? p + n + 2 : -1;
    }
    case 0x2a: { // *
      let q = p;
      for (let k = 0; k < Number(head); k++) {
        q = skipReply(b, q);
        if (q === -1) return -1;
      }
      return q;
    }
    default:
      throw new Error(`setup: unexpected reply byte ${b[i]}`);
  }
}

/** Sends `commands` to the main server on one connection and waits for every reply. */
function setupKeys(commands: Arg[][]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: ENV.port });
    let buf = Buffer.alloc(0);
    let seen = 0;
    const timer = setTimeout(() => finish(new Error('setup: no reply within 5 s')), 5_000);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        let end: number;
        while (buf.length > 0 && (end = skipReply(buf, 0)) !== -1) {
          buf = buf.subarray(end);
          if (++seen === commands.length) finish();
        }
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('error', (err) => finish(err));
    socket.write(Buffer.concat(commands.map(encode)));
  });
}

/** Bytes made visible and comparable: printable ASCII as is, `\n` kept as a line break, the rest `\xHH`. */
function visible(b: Buffer): string {
  let s = '';
  for (const c of b) {
    if (c === 0x5c) s += '\\\\';
    else if (c === 0x0a) s += '\\n\n';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}

function normalise(b: Buffer, norm: Case['norm']): Buffer {
  if (!norm) return b;
  let s = b.toString('latin1');
  for (const [re, to] of norm) s = s.replace(re, to);
  return Buffer.from(s, 'latin1');
}

async function runSide(bin: string, c: Case & { index: number }): Promise<RunResult> {
  if (c.setup) await setupKeys(c.setup.map((cmd) => cmd.map((a) => (typeof a === 'string' ? fill(a, c.index) : a))));
  const env: Record<string, string | undefined> = {
    // Nothing from the developer's shell may change the output.
    FAKETTY: undefined,
    REDISCLI_AUTH: undefined,
    REDISCLI_HISTFILE: '/dev/null',
    REDISCLI_RCFILE: '/dev/null',
    SSLKEYLOGFILE: undefined,
    HOME: ENV.home,
  };
  for (const [k, v] of Object.entries(c.env ?? {})) env[k] = fill(v, c.index);
  return run(bin, c.args.map((a) => fill(a, c.index)), {
    env,
    stdin: typeof c.stdin === 'string' ? fill(c.stdin, c.index) : c.stdin,
    mergeStderr: c.merge === true,
    timeoutMs: 15_000,
  });
}

const view = (r: RunResult, norm?: Case['norm']) => ({
  code: r.code,
  stdout: visible(normalise(r.stdout, norm)),
  stderr: visible(normalise(r.stderr, norm)),
});

const recordedHelp = JSON.parse(readFileSync(new URL('../fixtures/redis-cli-help.json', import.meta.url), 'utf8')) as { stdout: string };
let redisCliVersion = '';
const fakes: net.Server[] = [];

/** A loopback server that answers every read with `reply`, or closes the connection when null. */
async function fakeServer(reply: string | null): Promise<number> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.on('data', () => (reply === null ? s.end() : s.write(reply)));
  });
  fakes.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  const { servers, certs, secrets } = lab();
  ENV = {
    port: servers.main.port!,
    tlsPort: servers.main.tlsPort!,
    socket: servers.main.socket!,
    ca: certs.ca,
    pwPort: servers.password.port!,
    pass: secrets.requirepass,
    aclUser: secrets.aclUser,
    aclPass: secrets.aclPassword,
    deadPort: (await freePorts(1))[0]!,
    garbagePort: await fakeServer('?garbage\r\n'),
    closerPort: await fakeServer(null),
    home: mkdtempSync(path.join(os.tmpdir(), 'tredis-diff-home-')),
  };
  redisCliVersion = execFileSync('redis-cli', ['--version'], { encoding: 'utf8' });
});

afterAll(async () => {
  await Promise.all(fakes.map((f) => new Promise((r) => f.close(r))));
  if (ENV?.home !== undefined) rmSync(ENV.home, { recursive: true, force: true });
});

describe('differential: redis-cli 7.0.15 vs tredis-cli', () => {
  it('the oracle is redis-cli 7.0.15 and the table is big enough', () => {
    expect(redisCliVersion).toBe('redis-cli 7.0.15\n');
    expect(CASES.length).toBeGreaterThanOrEqual(120);
    expect(CASES.filter((c) => c.name.startsWith('TLS: ')).length).toBeGreaterThanOrEqual(15);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  // `%s` of the name (not `$name`, which vitest cuts at 40 characters) so failures are readable.
  it.concurrent.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const ref = await runSide('redis-cli', c);
    const ours = await runSide(TREDIS_CLI, c);
    expect(ref.timedOut, 'redis-cli timed out').toBe(false);
    expect(ours.timedOut, 'tredis-cli timed out').toBe(false);
    const check = c.check ?? 'same';
    if (check === 'same') {
      // A row where redis-cli crashed on a big number or an attribute compares nothing useful: such
      // rows check our own rendering instead (`check: Own`).
      expect(ref.stderr.toString('latin1')).not.toMatch(/Unknown reply type|got "\|" as reply type/);
      expect(view(ours, c.norm)).toEqual(view(ref, c.norm));
    } else if (check === 'version') {
      // Different by design: `redis-cli 7.0.15 (tredis-cli X)`.
      const firstTwo = (b: Buffer) => b.toString('utf8').split(/\s+/).slice(0, 2).join(' ');
      expect(firstTwo(ours.stdout)).toBe(firstTwo(ref.stdout));
      expect({ code: ours.code, stderr: visible(ours.stderr) }).toEqual({ code: ref.code, stderr: visible(ref.stderr) });
    } else if (check === 'help') {
      // Different by design (our own flags are listed): each side against its expected text.
      expect({ code: ref.code, stdout: ref.stdout.toString('utf8'), stderr: visible(ref.stderr) }).toEqual({ code: 0, stdout: recordedHelp.stdout, stderr: '' });
      expect({ code: ours.code, stdout: ours.stdout.toString('utf8'), stderr: visible(ours.stderr) }).toEqual({ code: 0, stdout: usageText(), stderr: '' });
    } else {
      expect({ code: ref.code, stderr: ref.stderr.toString('latin1') }).toMatchObject({ code: check.refCode, stderr: expect.stringMatching(check.refStderr) });
      expect(view(ours)).toEqual({ code: 0, stdout: visible(Buffer.from(check.stdout, 'latin1')), stderr: '' });
    }
  });
});
