#!/usr/bin/env node
// npm run bench: tredis-cli side by side with redis-cli 7.0.15 (and, for start-up, with the least a
// Node program can do: bench/floor-tls.mjs, bench/floor-tcp.mjs), in one run, against one
// redis-server started here with mutual TLS on loopback. Runs are paired and alternate (A B A B …);
// each tool's stdout goes to a file (as `> out` would), its peak RSS comes from GNU time (%M).
// Prints a table of medians and ratios (tredis-cli / redis-cli: below 1.00 is faster or smaller),
// then each target of issue 9 as PASS or FAIL; exits 1 when a target fails or outputs differ.
//
//   npm run bench                     every row, full sizes (a few minutes)
//   npm run bench -- --quick          every row, fewer rounds
//   npm run bench -- --smoke          tiny sizes, one round, targets not checked (npm test runs this)
//   npm run bench -- --only ping,set  rows whose id starts with one of these words
//   npm run bench -- --json           the results as JSON after the table
//   npm run bench -- decoder [--smoke] [--only small|array|bulk]  the RESP decoder micro-benchmark (bench/decoder.mjs)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCerts, startRedis } from '../scripts/lib/tls-lab.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);

if (argv[0] === 'decoder') {
  // Its own process: --expose-gc lets it collect between runs, so one decoder's garbage is not
  // charged to the next.
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(root, 'bench', 'decoder.mjs'), ...argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const TREDIS = path.join(root, 'bin', 'tredis-cli');
const FLOOR_TLS = path.join(root, 'bench', 'floor-tls.mjs');
const FLOOR_TCP = path.join(root, 'bench', 'floor-tcp.mjs');
const TIME = '/usr/bin/time';
const smoke = argv.includes('--smoke');
const quick = argv.includes('--quick');
const asJson = argv.includes('--json');
const onlyArg = argv.indexOf('--only');
const only = onlyArg >= 0 ? (argv[onlyArg + 1] ?? '').split(',').filter(Boolean) : undefined;
const MiB = 1024 * 1024;

function need(cmd, pkg) {
  if (spawnSync('sh', ['-c', 'command -v "$0"', cmd]).status !== 0) {
    console.error(`bench: ${cmd} is not installed\nhint: apt-get install -y ${pkg}`);
    process.exit(1);
  }
}
need('redis-cli', 'redis-tools');
need('redis-server', 'redis-server');
// GNU time gives each tool's peak RSS (%M, KiB) without counting the benchmark's own process.
if (!existsSync(TIME)) {
  console.error(`bench: ${TIME} (GNU time) is not installed; it measures peak RSS\nhint: apt-get install -y time`);
  process.exit(1);
}
if (!existsSync(path.join(root, 'dist', 'main.cjs'))) {
  spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
}

/** Sizes: the issue's, or tiny ones for the smoke run. */
const SIZE = smoke
  ? { setLines: 300, listLen: 2000, bigBytes: MiB, pipeCmds: 2000 }
  : { setLines: 100_000, listLen: 1_000_000, bigBytes: 100 * MiB, pipeCmds: 1_000_000 };
const ROUNDS = smoke ? { startup: 2, heavy: 1 } : quick ? { startup: 10, heavy: 2 } : { startup: 20, heavy: 3 };

/**
 * Runs one tool once: `/usr/bin/time -f %M -o RSSFILE cmd args…`, stdin from `stdinFile` through a
 * pipe (`cat FILE |`, as a person pipes commands in) or /dev/null, stdout to `outFile`.
 * Resolves with wall ms (spawn to exit, the same wrappers for every tool) and peak RSS in KiB.
 */
function runOnce(cmd, args, { stdinFile, env, outFile, rssFile }) {
  return new Promise((resolve, reject) => {
    const fullEnv = { ...process.env, ...env };
    for (const [k, v] of Object.entries(fullEnv)) if (v === undefined) delete fullEnv[k];
    const timed = [TIME, '-f', '%M', '-o', rssFile, cmd, ...args];
    const [file, fileArgs] = stdinFile ? ['/bin/sh', ['-c', 'cat -- "$0" | "$@"', stdinFile, ...timed]] : [timed[0], timed.slice(1)];
    const out = openSync(outFile, 'w');
    const t0 = process.hrtime.bigint();
    let child;
    try {
      child = spawn(file, fileArgs, { env: fullEnv, stdio: ['ignore', out, 'pipe'] });
    } finally {
      closeSync(out);
    }
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${code}: ${err.slice(-600)}`));
      const rssKiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
      resolve({ ms, rssKiB, stderr: err });
    });
  });
}

function sha(file) {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * One row: every contestant runs once per round, the order rotating each round (A B C, B C A, …)
 * so that none always runs first on a quieter machine. Outputs of the first round are compared.
 */
async function measureRow(row, work) {
  const names = Object.keys(row.run);
  const res = Object.fromEntries(names.map((n) => [n, []]));
  const hashes = {};
  for (let i = 0; i < row.rounds; i++) {
    for (let k = 0; k < names.length; k++) {
      const who = names[(k + i) % names.length];
      const [cmd, args] = row.run[who];
      const outFile = path.join(work, `out-${who}`);
      const r = await runOnce(cmd, args, { stdinFile: row.stdinFile, env: row.env, outFile, rssFile: path.join(work, 'rss') });
      if (i === 0) hashes[who] = { sha: await sha(outFile), bytes: statSync(outFile).size };
      res[who].push(r);
    }
  }
  const stats = {};
  for (const n of names) stats[n] = { ms: median(res[n].map((x) => x.ms)), rssKiB: median(res[n].map((x) => x.rssKiB)) };
  // Time ratios are medians of the per-round ratios (each round's runs are neighbours in time).
  const paired = (a, b) => median(res[a].map((x, i) => x.ms / res[b][i].ms));
  const ref = hashes[names[0]];
  const sameOutput = names.every((n) => hashes[n].sha === ref.sha);
  return {
    id: row.id,
    name: row.name,
    rounds: row.rounds,
    stats,
    timeRatio: paired('tredis-cli', 'redis-cli'),
    rssRatio: stats['tredis-cli'].rssKiB / stats['redis-cli'].rssKiB,
    floorRatio: stats.floor ? paired('tredis-cli', 'floor') : undefined,
    sameOutput,
    outputBytes: ref.bytes,
    targets: row.targets,
  };
}

/** `--pipe` exists in tredis-cli? Until it does, its row is skipped with a note. */
function pipeSupported(tls) {
  const r = spawnSync(TREDIS, [...tls, '--pipe'], { input: '', encoding: 'utf8', timeout: 10_000 });
  return !/--pipe\b.*not supported yet/.test(r.stderr ?? '');
}

/** RESP of `SET key:N value:N` for N in [0, n), what `--pipe` reads. */
function writePipeFile(file, n) {
  return new Promise((resolve, reject) => {
    const ws = createWriteStream(file);
    ws.on('error', reject);
    let i = 0;
    const more = () => {
      while (i < n) {
        const parts = [];
        for (const end = Math.min(n, i + 10_000); i < end; i++) {
          const k = `key:${i}`;
          const v = `value:${i}`;
          parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`);
        }
        if (!ws.write(parts.join(''))) return void ws.once('drain', more);
      }
      ws.end(resolve);
    };
    more();
  });
}

function seed(plain) {
  const cli = (...args) => {
    const r = spawnSync('redis-cli', [...plain, ...args], { encoding: 'utf8' });
    if (r.status !== 0 || /ERR/.test(r.stdout)) throw new Error(`bench: seeding failed: ${r.stdout}${r.stderr}`);
  };
  cli('FLUSHALL');
  // In batches: one EVAL of a million RPUSHes would hold the server past its busy-script limit.
  for (let start = 1; start <= SIZE.listLen; start += 100_000) {
    const end = Math.min(SIZE.listLen, start + 99_999);
    cli('EVAL', `for i=${start},${end} do redis.call('RPUSH', KEYS[1], 'element-' .. i) end return 1`, '1', 'bench:list');
  }
  cli('EVAL', `redis.call('SET', KEYS[1], string.rep('x', ${SIZE.bigBytes})) return 1`, '1', 'bench:big');
}

/** What each target checks, from issue 9's table. `get` returns the measured number. */
function check(row, t) {
  const v = t.get(row);
  const ok = t.max !== undefined ? v <= t.max : v >= t.min;
  return { row: row.name, what: t.what, value: v, bound: t.max !== undefined ? `≤ ${t.max}` : `≥ ${t.min}`, ok };
}
const T = {
  timeVsRedis: (max) => ({ what: 'time ratio (tredis-cli / redis-cli)', max, get: (r) => r.timeRatio }),
  rssVsRedis: (max) => ({ what: 'peak RSS ratio (tredis-cli / redis-cli)', max, get: (r) => r.rssRatio }),
  timeVsFloor: (max) => ({ what: 'time ratio (tredis-cli / floor script)', max, get: (r) => r.floorRatio }),
  rssMiB: (max) => ({ what: 'tredis-cli peak RSS, MiB', max, get: (r) => r.stats['tredis-cli'].rssKiB / 1024 }),
};

const work = mkdtempSync(path.join(tmpdir(), 'tredis-bench-'));
const certs = await makeCerts(path.join(root, '.tmp', 'certs'));
const server = await startRedis({ dir: work, plain: true, tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, authClients: 'yes' } });
const plain = ['-h', '127.0.0.1', '-p', String(server.port)];
const tls = ['-h', '127.0.0.1', '-p', String(server.tlsPort), '--tls', '--cacert', certs.ca, '--cert', certs.clientCert, '--key', certs.clientKey];
const floorTls = [process.execPath, [FLOOR_TLS, String(server.tlsPort), certs.ca, certs.clientCert, certs.clientKey]];
const both = (args) => ({ 'redis-cli': ['redis-cli', args], 'tredis-cli': [TREDIS, args] });
const load0 = loadavg();
const notes = [];
try {
  seed(plain);
  const setFile = path.join(work, 'set.txt');
  writeFileSync(setFile, Array.from({ length: SIZE.setLines }, (_, i) => `SET key:${i} value:${i}\n`).join(''));
  const pipeFile = path.join(work, 'pipe.resp');
  const rows = [
    { id: 'ping-tls', name: 'one-shot PING over TLS', run: { ...both([...tls, 'PING']), floor: floorTls }, rounds: ROUNDS.startup, targets: [T.timeVsFloor(1.1)] },
    { id: 'ping-tcp', name: 'one-shot PING over TCP', run: { ...both([...plain, 'PING']), floor: [process.execPath, [FLOOR_TCP, String(server.port)]] }, rounds: ROUNDS.startup, targets: [] },
  ];
  if (process.env.NODE_EXTRA_CA_CERTS) {
    // Node parses every certificate in NODE_EXTRA_CA_CERTS at each start (set on the machines this
    // project is measured on): show the same row without it, for tredis-cli and the floor alike.
    rows.push({ id: 'ping-tls-noextra', name: 'one-shot PING over TLS, NODE_EXTRA_CA_CERTS unset', run: { ...both([...tls, 'PING']), floor: floorTls }, env: { NODE_EXTRA_CA_CERTS: undefined }, rounds: ROUNDS.startup, targets: [T.timeVsFloor(1.1)] });
  }
  rows.push(
    { id: 'set', name: `${SIZE.setLines} SET lines piped on stdin`, run: both(tls), stdinFile: setFile, rounds: ROUNDS.heavy, targets: [T.timeVsRedis(0.1), T.rssMiB(64)] },
    { id: 'lrange-raw', name: `LRANGE of ${SIZE.listLen} elements, raw`, run: both([...tls, 'LRANGE', 'bench:list', '0', '-1']), rounds: ROUNDS.heavy, targets: [T.timeVsRedis(1.3), T.rssVsRedis(1.0)] },
    { id: 'lrange-noraw', name: `LRANGE of ${SIZE.listLen} elements, --no-raw`, run: both([...tls, '--no-raw', 'LRANGE', 'bench:list', '0', '-1']), rounds: ROUNDS.heavy, targets: [T.timeVsRedis(1.3), T.rssVsRedis(1.0)] },
    { id: 'get', name: `GET of a ${SIZE.bigBytes / MiB} MiB value`, run: both([...tls, 'GET', 'bench:big']), rounds: ROUNDS.heavy, targets: [T.timeVsRedis(1.0), T.rssVsRedis(0.5)] },
  );
  if (pipeSupported(tls)) {
    await writePipeFile(pipeFile, SIZE.pipeCmds);
    rows.push({ id: 'pipe', name: `--pipe of ${SIZE.pipeCmds} SETs`, run: both([...tls, '--pipe']), stdinFile: pipeFile, rounds: ROUNDS.heavy, targets: [T.timeVsRedis(1.0), T.rssMiB(100)] });
  } else {
    notes.push(`--pipe row skipped: tredis-cli says "--pipe is not supported yet"`);
  }

  const results = [];
  for (const row of rows) {
    if (only && !only.some((w) => row.id.startsWith(w))) continue;
    if (!asJson) process.stderr.write(`bench: ${row.name} (${row.rounds} rounds)…\n`);
    results.push(await measureRow(row, work));
  }
  const load1 = loadavg();
  const machine = {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    redisCli: spawnSync('redis-cli', ['--version'], { encoding: 'utf8' }).stdout.trim(),
    NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ? 'set' : 'unset',
    loadavg: `${load0[0].toFixed(2)} at start, ${load1[0].toFixed(2)} at end`,
  };
  const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
  const fmtMiB = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
  console.log(`machine: ${machine.cpus}, ${machine.memGiB} GiB, Node ${machine.node}, ${machine.redisCli}, NODE_EXTRA_CA_CERTS ${machine.NODE_EXTRA_CA_CERTS}, load average ${machine.loadavg}`);
  console.log(`mutual TLS on loopback; stdout to a file; medians of paired, alternating runs${smoke ? ' (smoke: tiny sizes)' : ''}`);
  console.log('');
  console.log('| scenario | redis-cli | tredis-cli | floor script | time ratio | RSS redis-cli | RSS tredis-cli | RSS ratio | same bytes |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const floor = r.stats.floor ? `${fmtMs(r.stats.floor.ms)} (tredis-cli ${r.floorRatio.toFixed(2)} ×)` : '—';
    console.log(`| ${r.name} | ${fmtMs(r.stats['redis-cli'].ms)} | ${fmtMs(r.stats['tredis-cli'].ms)} | ${floor} | ${r.timeRatio.toFixed(2)} | ${fmtMiB(r.stats['redis-cli'].rssKiB)} | ${fmtMiB(r.stats['tredis-cli'].rssKiB)} | ${r.rssRatio.toFixed(2)} | ${r.sameOutput ? 'yes' : 'NO'} |`);
  }
  for (const n of notes) console.log(`note: ${n}`);
  console.log('');
  let failed = results.some((r) => !r.sameOutput);
  const checks = [];
  for (const r of results) {
    if (!r.sameOutput) checks.push({ row: r.name, what: 'same stdout bytes as redis-cli', value: 'differ', bound: 'same', ok: false });
    for (const t of r.targets) checks.push(check(r, t));
  }
  if (smoke) {
    console.log(`targets: not checked (smoke run; ${checks.length} targets defined)`);
  } else {
    console.log('| target | measured | bound | result |');
    console.log('|---|---|---|---|');
    for (const c of checks) {
      if (!c.ok) failed = true;
      console.log(`| ${c.row}: ${c.what} | ${typeof c.value === 'number' ? c.value.toFixed(2) : c.value} | ${c.bound} | ${c.ok ? 'PASS' : 'FAIL'} |`);
    }
  }
  if (asJson) console.log(JSON.stringify({ machine, results: results.map(({ targets, ...r }) => r), checks, notes }, null, 2));
  if (failed) process.exitCode = 1;
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
