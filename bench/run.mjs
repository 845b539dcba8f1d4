#!/usr/bin/env node
// npm run bench: tredis-cli side by side with redis-cli 7.0.15, in one run, on this machine, against
// real redis-servers started here (plaintext and TLS). Prints a table of medians and ratios
// (tredis-cli / redis-cli: below 1.00 means tredis-cli is faster or smaller), and checks that both
// printed the same bytes. Options: --quick (fewer rounds), --json (machine-readable).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCerts, startRedis } from '../scripts/lib/tls-lab.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TREDIS = path.join(root, 'bin', 'tredis-cli');
const quick = process.argv.includes('--quick');
const asJson = process.argv.includes('--json');

function need(cmd) {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) {
    console.error(`bench: ${cmd} is not installed (apt-get install -y ${cmd === 'redis-cli' ? 'redis-tools' : cmd === 'redis-server' ? 'redis-server' : cmd})`);
    process.exit(1);
  }
}
need('redis-cli');
need('redis-server');
if (!existsSync(path.join(root, 'dist', 'main.mjs'))) spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });

/** Runs a command with stdin from a file; returns wall ms, peak RSS KiB and a hash of stdout. */
function measure(cmd, args, { stdinFile, env } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    // GNU time reports the peak RSS of the child (%M, KiB) on its stderr's last line.
    const useTime = existsSync('/usr/bin/time');
    const fullEnv = { ...process.env, ...env };
    for (const [k, v] of Object.entries(fullEnv)) if (v === undefined) delete fullEnv[k];
    const child = useTime
      ? spawn('/usr/bin/time', ['-f', '__RSS__%M', cmd, ...args], { env: fullEnv, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(cmd, args, { env: fullEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const hash = createHash('sha256');
    let bytes = 0;
    let err = '';
    child.stdout.on('data', (d) => {
      hash.update(d);
      bytes += d.length;
    });
    child.stderr.on('data', (d) => (err += d));
    if (stdinFile) {
      import('node:fs').then(({ createReadStream }) => createReadStream(stdinFile).pipe(child.stdin));
    } else {
      child.stdin.end();
    }
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const m = /__RSS__(\d+)/.exec(err);
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-500)}`));
      resolve({ ms, rssKiB: m ? Number(m[1]) : NaN, sha: hash.digest('hex').slice(0, 16), bytes });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function compare(name, makeArgs, { rounds, stdinFile, note, env }) {
  const res = { redis: [], tredis: [] };
  for (let i = 0; i < rounds; i++) {
    // Alternate the order so neither tool always runs on a warmer machine.
    const order = i % 2 ? ['tredis', 'redis'] : ['redis', 'tredis'];
    for (const who of order) {
      const bin = who === 'redis' ? 'redis-cli' : TREDIS;
      res[who].push(await measure(bin, makeArgs(who), { stdinFile, env }));
    }
  }
  const r = { ms: median(res.redis.map((x) => x.ms)), rss: median(res.redis.map((x) => x.rssKiB)) };
  const t = { ms: median(res.tredis.map((x) => x.ms)), rss: median(res.tredis.map((x) => x.rssKiB)) };
  const same = res.redis[0].sha === res.tredis[0].sha && res.redis[0].bytes === res.tredis[0].bytes;
  return { name, note, rounds, redis: r, tredis: t, timeRatio: t.ms / r.ms, rssRatio: t.rss / r.rss, sameOutput: same, outputBytes: res.redis[0].bytes };
}

const work = mkdtempSync(path.join(tmpdir(), 'tredis-bench-'));
const certs = await makeCerts(path.join(root, '.tmp', 'certs'));
const server = await startRedis({ dir: work, plain: true, tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, authClients: 'no' } });
const plain = ['-p', String(server.port)];
const tls = ['--tls', '--cacert', certs.ca, '-p', String(server.tlsPort)];
try {
  // Data: a 100 MB string and a 100k-element list.
  const big = 100 * 1024 * 1024;
  spawnSync('redis-cli', [...plain, 'EVAL', `redis.call('SET', KEYS[1], string.rep('x', ${big})) return 1`, '1', 'bench:big'], { stdio: 'ignore' });
  spawnSync('redis-cli', [...plain, 'EVAL', "for i=1,100000 do redis.call('RPUSH', KEYS[1], 'element-' .. i) end return 1", '1', 'bench:list'], { stdio: 'ignore' });
  const n = quick ? 20000 : 100000;
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(i % 2 ? `GET bench:k:${i - 1}` : `SET bench:k:${i} value-${i}`);
  const cmdFile = path.join(work, 'cmds.txt');
  writeFileSync(cmdFile, lines.join('\n') + '\n');
  const R = quick ? 3 : 7;
  const rows = [];
  rows.push(await compare('start-up: PING over TCP', () => [...plain, 'PING'], { rounds: quick ? 10 : 30 }));
  rows.push(await compare('start-up: PING over TLS', () => [...tls, 'PING'], { rounds: quick ? 10 : 30 }));
  if (process.env.NODE_EXTRA_CA_CERTS) {
    // Node parses every certificate of NODE_EXTRA_CA_CERTS at each start (~50 ms here): show both.
    rows.push(await compare('start-up: PING over TCP, NODE_EXTRA_CA_CERTS unset', () => [...plain, 'PING'], { rounds: quick ? 10 : 30, env: { NODE_EXTRA_CA_CERTS: undefined } }));
    rows.push(await compare('start-up: PING over TLS, NODE_EXTRA_CA_CERTS unset', () => [...tls, 'PING'], { rounds: quick ? 10 : 30, env: { NODE_EXTRA_CA_CERTS: undefined } }));
  }
  rows.push(await compare(`piped stdin: ${n} SET/GET over TCP`, () => plain, { rounds: R, stdinFile: cmdFile }));
  rows.push(await compare(`piped stdin: ${n} SET/GET over TLS`, () => tls, { rounds: R, stdinFile: cmdFile }));
  rows.push(await compare('huge reply: GET 100 MB over TLS (raw)', () => [...tls, 'GET', 'bench:big'], { rounds: R }));
  rows.push(await compare('large array: LRANGE 100k over TLS (tty format)', () => [...tls, '--no-raw', 'LRANGE', 'bench:list', '0', '-1'], { rounds: R }));
  const machine = { cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, redisCli: spawnSync('redis-cli', ['--version']).stdout.toString().trim(), NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ? 'set' : 'unset' };
  if (asJson) {
    console.log(JSON.stringify({ machine, rows }, null, 2));
  } else {
    console.log(`machine: ${machine.cpus}, ${machine.memGiB} GiB, Node ${machine.node}, ${machine.redisCli}, NODE_EXTRA_CA_CERTS ${machine.NODE_EXTRA_CA_CERTS}`);
    console.log('| case | redis-cli | tredis-cli | time ratio | peak RSS redis-cli | peak RSS tredis-cli | RSS ratio | same bytes |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      console.log(`| ${r.name} | ${r.redis.ms.toFixed(1)} ms | ${r.tredis.ms.toFixed(1)} ms | ${r.timeRatio.toFixed(2)} | ${(r.redis.rss / 1024).toFixed(1)} MiB | ${(r.tredis.rss / 1024).toFixed(1)} MiB | ${r.rssRatio.toFixed(2)} | ${r.sameOutput ? 'yes' : 'NO'} |`);
    }
    console.log(`(medians; ratio = tredis-cli / redis-cli; below 1.00 is better; ${new Date().toISOString()})`);
  }
  if (rows.some((r) => !r.sameOutput)) process.exitCode = 1;
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
