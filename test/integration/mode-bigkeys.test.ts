// --bigkeys, --memkeys, --memkeys-samples and --hotkeys against a server of its own, plaintext and
// TLS, compared byte for byte with redis-cli 7.0.15 on the same data (MEMORY USAGE and LFU counters
// do not change between the two runs: nothing touches the keys in between); keys that vanish or
// change type between SCAN and TYPE/STRLEN from a scripted server, and Ctrl-C mid-scan.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runProcess, TREDIS_CLI } from '../helpers/run.js';
import { startModeServer, type ModeServer } from '../helpers/mode-server.js';
import { reply, startFakeServer } from '../helpers/fake-resp-server.js';

// a loaded machine can take seconds per spawn: a generous bound, still finite
const run: typeof runProcess = (file, args, opts = {}) => runProcess(file, args, { timeoutMs: 30_000, ...opts });

let srv: ModeServer;
// db 1: every type, binary names; db 2: one key (the report's type order is still changing there);
// db 3: empty; db 4: 1500 keys (Ctrl-C); db 5: LFU counters
beforeAll(async () => {
  srv = await startModeServer('mode-bigkeys', ['--lfu-decay-time', '0']);
  const many: Array<Array<string | Buffer>> = [['SELECT', '4']];
  for (let i = 0; i < 1500; i++) many.push(['SET', `k:${i}`, 'x'.repeat(i % 97)]);
  await srv.call([
    ['SELECT', '1'],
    ['SET', 's:short', 'ab'], ['SET', Buffer.from('s:\x00bin\xff"', 'latin1'), 'a longer value'], ['SET', 's:long', 'y'.repeat(5000)],
    ['RPUSH', 'l:1', 'a', 'b', 'c'], ['RPUSH', 'l:2', ...Array.from({ length: 300 }, (_, i) => `e${i}`)],
    ['SADD', 'set:1', 'a', 'b'], ['HSET', 'h:1', 'f', 'v', 'g', 'w'], ['ZADD', 'z:1', '1', 'a'],
    ['XADD', 'x:1', '*', 'f', 'v'], ['PFADD', 'hll', 'a', 'b', 'c'],
    ['SELECT', '2'], ['RPUSH', 'only', 'a'],
    ...many,
    ['SELECT', '5'], ['SET', 'cold', '1'], ['SET', 'warm', '1'], ['SET', 'hot', '1'],
    ...Array.from({ length: 30 }, () => ['GET', 'hot']), ...Array.from({ length: 5 }, () => ['GET', 'warm']),
  ]);
  // A key space that just grew is rehashed step by step, and SCAN's order changes until that ends: then
  // redis-cli's run and ours would list keys in different orders. Each lookup moves one bucket
  // (_dictRehashStep), so a few hundred lookups per db finish it before anything is compared.
  const settle = (db: string) => [['SELECT', db], ...Array.from({ length: 300 }, () => ['EXISTS', 'no-such-key'])];
  await srv.call([...settle('1'), ...settle('4')]);
});
afterAll(async () => {
  await srv?.stop();
});

describe.each([false, true])('key-space reports (tls: %s)', (tls) => {
  const both = async (args: string[]) => {
    const argv = [...srv.flags(tls), ...args];
    // one after the other: each run's MEMORY USAGE / OBJECT FREQ sees the same, untouched keys
    const ref = await run('redis-cli', argv);
    const ours = await run(TREDIS_CLI, argv);
    return { ref, ours };
  };

  it.each([
    ['--bigkeys', ['-n', '1', '--bigkeys']],
    ['--memkeys', ['-n', '1', '--memkeys']],
    ['--memkeys-samples 2 --pattern', ['-n', '1', '--memkeys-samples', '2', '--pattern', '*:*']],
    ['--bigkeys on one key (type order mid-rehash)', ['-n', '2', '--bigkeys']],
    ['--bigkeys on an empty db', ['-n', '3', '--bigkeys']],
    ['--hotkeys without an LFU policy: header, then the error, exit 1', ['-n', '1', '--hotkeys']],
  ])('%s: same bytes and exit code as redis-cli', async (_name, args) => {
    const { ref, ours } = await both(args);
    expect(ours.stdout.toString('latin1')).toBe(ref.stdout.toString('latin1'));
    expect(ours.stderr.toString('latin1')).toBe(ref.stderr.toString('latin1'));
    expect(ours.code).toBe(ref.code);
  });
});

it('--hotkeys with an LFU policy: the same pool and counters as redis-cli', async () => {
  await srv.call([['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu']]);
  try {
    const argv = [...srv.flags(true), '-n', '5', '--hotkeys'];
    const ref = await run('redis-cli', argv);
    const ours = await run(TREDIS_CLI, argv);
    expect(ours.stdout.toString()).toMatch(/hot key found with counter: \d+\tkeyname: "hot"\n/);
    expect(ours.stdout.toString()).toBe(ref.stdout.toString());
    expect([ours.code, ref.code]).toEqual([0, 0]);
  } finally {
    await srv.call([['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']]);
  }
});

it('keys that vanish or change type mid-scan: skipped or warned about, as redis-cli does', async () => {
  const fake = await startFakeServer((args) => {
    const [cmd, key] = [args[0]!.toUpperCase(), args[1]];
    if (cmd === 'DBSIZE') return reply.int(4);
    if (cmd === 'SCAN') return reply.array([reply.bulk('0'), reply.array(['a', 'gone', 'b', 'flip'].map(reply.bulk))]);
    if (cmd === 'TYPE') return reply.status(key === 'gone' ? 'none' : key === 'b' ? 'list' : 'string');
    if (cmd === 'STRLEN') return key === 'flip' ? reply.error('WRONGTYPE Operation against a key holding the wrong kind of value') : reply.int(7);
    if (cmd === 'LLEN') return reply.int(2);
    if (cmd === 'MEMORY') return args[2] === 'flip' ? reply.nil() : reply.int(56);
    return reply.error('ERR unexpected');
  });
  try {
    for (const mode of ['--bigkeys', '--memkeys']) {
      const argv = ['-p', String(fake.port), mode];
      const [ref, ours] = await Promise.all([run('redis-cli', argv), run(TREDIS_CLI, argv)]);
      expect(ours.stdout.toString()).toContain('Sampled 3 keys in the keyspace!');
      expect(ours.stderr.toString()).toMatch(/^Warning: {2}(STRLEN|MEMORY USAGE) on 'flip' failed \(may have changed type\)\n$/);
      expect(ours.stdout.toString()).toBe(ref.stdout.toString());
      expect(ours.stderr.toString()).toBe(ref.stderr.toString());
      expect([ours.code, ref.code]).toEqual([0, 0]);
    }
  } finally {
    await fake.close();
  }
});

it('Ctrl-C during the -i pause: the summary of what was seen, exit 0, as redis-cli', async () => {
  // -i 8 sleeps after the 100th SCAN; SIGINT then ends both after exactly 100 SCANs
  const argv = ['-p', String(srv.port), '-n', '4', '--bigkeys', '-i', '8'];
  const interrupted = (cmd: string) =>
    new Promise<{ out: string; code: number | null }>((resolve) => {
      const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const t = setTimeout(() => child.kill('SIGINT'), 4000);
      child.on('close', (code) => {
        clearTimeout(t);
        resolve({ out, code });
      });
    });
  const [ref, ours] = await Promise.all([interrupted('redis-cli'), interrupted(TREDIS_CLI)]);
  expect(ours.out).toMatch(/\n\[\d\d\.\d\d%\] Sampled \d+ keys in the keyspace!\n/);
  expect(ours.out).toBe(ref.out);
  expect([ours.code, ref.code]).toEqual([0, 0]);
}, 20_000);

// --keystats is redis-cli 8.x's (no 8.x binary here to compare with): its numbers are checked
// against --memkeys/--bigkeys on the same data (whose bytes match redis-cli 7.0.15 above), its
// histogram against hdr_histogram.c in test/unit/modes/hdr-histogram.test.ts.
describe.each([false, true])('--keystats (tls: %s)', (tls) => {
  it('sizes and lengths agree with --memkeys and --bigkeys; --top limits the list', async () => {
    const base = [...srv.flags(tls), '-n', '1'];
    const [ks, mem, big] = await Promise.all([run(TREDIS_CLI, [...base, '--keystats', '--top', '3']), run(TREDIS_CLI, [...base, '--memkeys']), run(TREDIS_CLI, [...base, '--bigkeys'])]);
    const out = ks.stdout.toString('latin1');
    expect(ks.code).toBe(0);
    expect(out).toMatch(/^\n# Scanning the entire keyspace to find the biggest keys and distribution information\.\n/);
    expect(out).toContain('100.00% keys scanned\nKeys sampled: 10\n');
    const topBlock = out.split('--- Top 3 key sizes ---\n')[1]!.split('\n\n')[0]!.split('\n');
    expect(topBlock).toHaveLength(3);
    // the biggest stream by memory, in both reports
    const memStream = /Biggest stream found '"x:1"' has (\d+) bytes/.exec(mem.stdout.toString())![1]!;
    expect(out).toMatch(new RegExp(`\\nstream +x:1 is ${Number(memStream) < 1024 ? `${memStream}B` : `${(Number(memStream) / 1024).toFixed(2)}K`}\\n`));
    expect(big.stdout.toString()).toContain("Biggest   list found '\"l:2\"' has 300 items");
    expect(out).toContain('\nlist       l:2 has 300 items\n');
    expect(out).toMatch(/\nKey size Percentile Total keys\n-------- ---------- -----------\n[^]*100\.0000% +10\n/);
    expect(out).toContain('Key name length Percentile Total keys\n');
    expect(out).toMatch(/\nlist +2 +20\.00% /);
    expect(out).not.toContain('Scan interrupted');
  });
});

it('--keystats with Ctrl-C: what was seen, and the cursor to resume from with --cursor', async () => {
  const argv = ['-p', String(srv.port), '-n', '4', '--keystats', '-i', '8'];
  const child = spawn(TREDIS_CLI, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const t = setTimeout(() => child.kill('SIGINT'), 4000);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearTimeout(t);
  expect(code).toBe(0);
  const m = /\nScan interrupted:\nUse 'redis-cli --keystats --cursor (\d+)' to restart from the last cursor\.\n$/.exec(out);
  expect(m, out.slice(-300)).not.toBeNull();
  // resuming there scans the rest only
  const rest = await run(TREDIS_CLI, ['-p', String(srv.port), '-n', '4', '--keystats', '--cursor', m![1]!]);
  const first = Number(/Keys sampled: (\d+)/.exec(out)![1]);
  const second = Number(/Keys sampled: (\d+)/.exec(rest.stdout.toString())![1]);
  expect(first).toBeGreaterThan(0);
  expect(first + second).toBeGreaterThanOrEqual(1500);
}, 20_000);
