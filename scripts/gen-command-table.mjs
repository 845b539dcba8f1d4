#!/usr/bin/env node
// Generates src/repl/command-table.ts: the `COMMAND DOCS` of redis-server 7.0.15, trimmed to what
// the REPL uses (summary, since, group, argument trees), bundled as the help/hints/completion table
// for servers that cannot answer `COMMAND DOCS` themselves (Redis < 7, or an ACL that forbids it).
//
// Usage: node scripts/gen-command-table.mjs [out.ts]
//   REDIS_SERVER=/path/to/redis-server (default: redis-server on PATH; must be 7.0.15)
//
// How: a private redis-server on a free loopback port (no persistence), `COMMAND DOCS` over a raw
// socket with a small RESP2 reader, stopped by its PID at the end. The output is deterministic:
// commands and subcommands sorted by name, fields in a fixed order. Plain Node ESM, node:* only.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startRedis } from './lib/tls-lab.mjs';

const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';
const repoPkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
/** The Redis version tredis-cli mirrors (package.json `redisCliVersion`). */
const EXPECTED = repoPkg.redisCliVersion;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const outFile = path.resolve(process.argv[2] ?? path.join(repoRoot, 'src/repl/command-table.ts'));

/**
 * redis-cli 7.0.15 uses its compiled-in help.h when it cannot ask a server for COMMAND DOCS. help.h
 * was made from older docs, by another script: for these commands it has another syntax than the
 * one cliAddArgument renders from the 7.0.15 docs (MIGRATE: the empty token prints as nothing
 * there, as `""` from the docs). Kept as `params` so that the bundled table prints and hints
 * exactly what redis-cli 7.0.15 does without a server; test/integration/repl-help.test.ts checks
 * every entry against the real redis-cli.
 */
const HELP_H_PARAMS = {
  MIGRATE: 'host port key| destination-db timeout [COPY] [REPLACE] [[AUTH password]|[AUTH2 username password]] [KEYS key [key ...]]',
  BITFIELD: 'key GET encoding offset|[OVERFLOW WRAP|SAT|FAIL] SET encoding offset value|INCRBY encoding offset increment [GET encoding offset|[OVERFLOW WRAP|SAT|FAIL] SET encoding offset value|INCRBY encoding offset increment ...]',
  BITFIELD_RO: 'key GET encoding offset [GET encoding offset ...]',
  REPLICAOF: 'host port',
  SLAVEOF: 'host port',
};

/** A minimal RESP2 reader: enough for COMMAND DOCS (arrays, bulk and simple strings, integers). */
function parseResp2(buf) {
  let pos = 0;
  const line = () => {
    const end = buf.indexOf('\r\n', pos);
    if (end === -1) throw new RangeError('incomplete');
    const s = buf.toString('utf8', pos, end);
    pos = end + 2; // skip \r\n
    return s;
  };
  const value = () => {
    if (pos >= buf.length) throw new RangeError('incomplete');
    const type = String.fromCharCode(buf[pos++]);
    const head = line();
    switch (type) {
      case '+':
        return head;
      case '-':
        throw new Error(`server error: ${head}`);
      case ':':
        return Number(head);
      case '$': {
        const n = Number(head);
        if (n < 0) return null;
        if (pos + n + 2 > buf.length) throw new RangeError('incomplete');
        const s = buf.toString('utf8', pos, pos + n);
        pos += n + 2; // payload, then \r\n
        return s;
      }
      case '*': {
        const n = Number(head);
        if (n < 0) return null;
        const out = [];
        for (let i = 0; i < n; i++) out.push(value());
        return out;
      }
      default:
        throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
    }
  };
  return value();
}

/** Sends one command and resolves with its parsed reply. */
function request(port, args) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error('no reply within 10 s')), 10_000);
    const finish = (err, v) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(v);
    };
    sock.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      try {
        finish(null, parseResp2(buf));
      } catch (err) {
        if (!(err instanceof RangeError)) finish(err);
      }
    });
    sock.on('error', (err) => finish(err));
    let out = `*${args.length}\r\n`;
    for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
    sock.write(out);
  });
}

/** A flat RESP2 [k1, v1, k2, v2, ...] list as a Map. */
function pairs(list) {
  const m = new Map();
  for (let i = 0; i + 1 < list.length; i += 2) m.set(list[i], list[i + 1]);
  return m;
}

/** One argument, trimmed: the fields help, hints and key completion read (see DocArg in command-docs.ts). */
function trimArg(list) {
  const m = pairs(list);
  const flags = new Set(m.get('flags') ?? []);
  const a = { name: m.get('name'), type: m.get('type') };
  if (m.has('token')) a.token = m.get('token');
  if (flags.has('optional')) a.optional = true;
  if (flags.has('multiple')) a.multiple = true;
  if (flags.has('multiple_token')) a.multipleToken = true;
  if (m.has('arguments')) a.args = m.get('arguments').map(trimArg);
  return a;
}

/** COMMAND DOCS reply → sorted [{name, summary, since, group, args}], subcommands as 'CLIENT KILL'. */
function trimDocs(reply) {
  const out = [];
  const walk = (name, list) => {
    const m = pairs(list);
    out.push({
      name: name.replace('|', ' ').toUpperCase(),
      summary: m.get('summary') ?? '(null)',
      since: m.get('since') ?? undefined,
      group: m.get('group') ?? '',
      args: (m.get('arguments') ?? []).map(trimArg),
    });
    const subs = m.get('subcommands');
    if (subs) for (const [sub, doc] of pairs(subs)) walk(sub, doc);
  };
  for (const [name, doc] of pairs(reply)) walk(name, doc);
  for (const d of out) if (Object.hasOwn(HELP_H_PARAMS, d.name)) d.params = HELP_H_PARAMS[d.name];
  // strcmp order, as redis-cli sorts its help entries (ASCII names: UTF-16 order is the same)
  out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return out;
}

async function main() {
  const { stdout } = await promisify(execFile)(REDIS_SERVER, ['--version']);
  const version = /v=(\S+)/.exec(stdout)?.[1];
  if (version !== EXPECTED) {
    process.stderr.write(`gen-command-table: ${REDIS_SERVER} is ${version ?? 'unknown'}, expected ${EXPECTED}\n`);
    return 1;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tredis-gen-'));
  let server;
  try {
    server = await startRedis({ dir, name: 'gen', plain: true, redisServer: REDIS_SERVER });
    const docs = trimDocs(await request(server.port, ['COMMAND', 'DOCS']));
    const json = JSON.stringify(docs);
    const text = `// GENERATED by scripts/gen-command-table.mjs from redis-server ${version}'s COMMAND DOCS; do not edit.
// Regenerate: node scripts/gen-command-table.mjs
import type { CommandDoc } from './command-docs.js';

/** ${docs.length} commands and subcommands, sorted by name; JSON text so that it is parsed only when used. */
const BUNDLED_DOCS_JSON = ${JSON.stringify(json)};

let parsed: readonly CommandDoc[] | undefined;

/** The bundled table (parsed on first use). */
export function bundledDocs(): readonly CommandDoc[] {
  parsed ??= JSON.parse(BUNDLED_DOCS_JSON) as CommandDoc[];
  return parsed;
}
`;
    await writeFile(outFile, text);
    process.stderr.write(`gen-command-table: wrote ${docs.length} entries (${json.length} bytes of JSON) to ${path.relative(process.cwd(), outFile)}\n`);
    return 0;
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
