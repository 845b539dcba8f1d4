// --cluster backup | import | fix on a TLS cluster (3 primaries + 3 replicas, IP endpoints),
// compared with redis-cli 7.0.15: the same breakage is made before each tool runs, and the printed
// report (ports and node IDs named by position), the exit code and the resulting state must match.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCli } from '../../scripts/lib/cluster-lab.mjs';
import { startRedis, type RedisHandle } from '../../scripts/lib/tls-lab.mjs';
import { useCluster, type ClusterLab } from '../helpers/cluster.js';
import { keyHashSlot } from '../../src/modes/cluster/core.js';
import { run, TREDIS_CLI } from '../helpers/run.js';

const cluster = useCluster('ip');
const TOOLS = ['redis-cli', TREDIS_CLI] as const;

function normalise(text: string, c: ClusterLab, more: Array<[string, string]> = []): string {
  let out = text;
  for (const [a, b] of more) out = out.split(a).join(b);
  c.nodes.forEach((n, i) => {
    out = out.split(n.id).join(`<id${i + 1}>`).split(n.id.slice(0, 8)).join(`<id${i + 1}>`).split(`:${n.port}`).join(`:<p${i + 1}>`);
  });
  return out;
}

async function tool(program: string, args: string[], stdin?: string) {
  const r = await run(program, [...cluster().tlsArgs, ...args], { env: { TERM: 'dumb' }, timeoutMs: 60_000, ...(stdin !== undefined ? { stdin } : {}) });
  return { out: r.stdout.toString('latin1'), err: r.stderr.toString('latin1'), code: r.code };
}

const cli = (i: number, ...args: string[]) => redisCli([...cluster().tlsArgs, '-p', String(cluster().nodes[i]!.port), ...args]);
const seed = () => `127.0.0.1:${cluster().nodes[0]!.port}`;

/** Waits (bounded) until every primary agrees on the slot table again. */
async function settle(): Promise<void> {
  const c = cluster();
  for (const t0 = Date.now(); Date.now() - t0 < 20_000; await new Promise((r) => setTimeout(r, 200))) {
    const r = await run('redis-cli', [...c.tlsArgs, '--cluster', 'check', seed()], { env: { TERM: 'dumb' }, timeoutMs: 20_000 });
    if (r.code === 0) return;
  }
  throw new Error('the cluster did not settle within 20 s');
}

describe('--cluster backup', () => {
  it('writes the same nodes.json and one RDB per primary, with the same report as redis-cli', async () => {
    const c = cluster();
    for (let i = 0; i < 20; i++) await redisCli([...c.tlsArgs, '-c', '-p', String(c.nodes[0]!.port), 'SET', `bk${i}`, `v${i}`]);
    const res = [];
    for (const p of TOOLS) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'tredis-backup-'));
      try {
        const r = await tool(p, ['--cluster', 'backup', seed(), dir]);
        const files = (await readdir(dir)).sort();
        res.push({ ...r, out: normalise(r.out, c, [[dir, '<dir>']]), err: normalise(r.err, c, [[dir, '<dir>']]), files: normalise(files.join(' '), c), json: await readFile(path.join(dir, 'nodes.json'), 'latin1') });
        // every RDB is a whole one
        for (const f of files.filter((x) => x.endsWith('.rdb'))) {
          const chk = await run('redis-check-rdb', [path.join(dir, f)]);
          expect(chk.stdout.toString()).toContain('RDB looks OK!');
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    const [r, t] = res;
    expect(t!.code).toBe(0);
    expect(t).toEqual(r);
    expect(t!.files.split(' ')).toHaveLength(4);
  });

  it('a directory that does not exist: exit 1, no nodes.json, as redis-cli', async () => {
    const [r, t] = await Promise.all(TOOLS.map((p) => tool(p, ['--cluster', 'backup', seed(), '/nonexistent-dir-tredis'])));
    expect(t!.code).toBe(1);
    expect(t!.code).toBe(r!.code);
    expect(t!.err).toContain("Error opening '/nonexistent-dir-tredis/redis-node-127.0.0.1-");
    expect(t!.out).toBe(r!.out);
  });
});

describe('--cluster import', () => {
  let source: RedisHandle;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tredis-import-'));
    const n = cluster().nodes[0]!;
    // MIGRATE from the source to TLS-only nodes needs tls-cluster and a client certificate
    source = await startRedis({ dir, name: 'source', plain: true, tls: { cert: n.cert, key: n.key, ca: path.join(path.dirname(n.cert), '..', 'ca.crt'), authClients: 'yes' }, extraArgs: ['--tls-cluster', 'yes', '--requirepass', 'srcpw'] });
  }, 30_000);
  afterAll(async () => {
    await source?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const fill = async () => {
    for (let i = 0; i < 12; i++) await redisCli(['-p', String(source.port), '-a', 'srcpw', '--no-auth-warning', 'SET', `imp${i}`, `v${i}`]);
  };
  const clean = async () => {
    for (let i = 0; i < 12; i++) await redisCli([...cluster().tlsArgs, '-c', '-p', String(cluster().nodes[0]!.port), 'DEL', `imp${i}`]);
  };
  // redis-cli reaches the source in plaintext, tredis-cli with the cluster's TLS options
  const from = (p: string) => `127.0.0.1:${p === 'redis-cli' ? source.port : source.tlsPort}`;
  const norm = (p: string, s: string) => normalise(s, cluster(), [[from(p), '<source>']]);

  it('migrates every key to its slot owner, with redis-cli lines (--cluster-copy, --cluster-replace)', async () => {
    await fill();
    const res = [];
    for (const p of TOOLS) {
      await clean();
      const r = await tool(p, ['--cluster', 'import', seed(), '--cluster-from', from(p), '--cluster-from-pass', 'srcpw', '--cluster-copy']);
      // SCAN order depends on the source's hash seed: the lines are compared as a set
      res.push({ code: r.code, err: norm(p, r.err), lines: norm(p, r.out).split('\n').sort() });
      expect(await redisCli([...cluster().tlsArgs, '-c', '-p', String(cluster().nodes[1]!.port), 'GET', 'imp7'])).toBe('v7\n');
    }
    expect(res[1]).toEqual(res[0]);
    expect(res[1]!.code).toBe(0);
    expect(res[1]!.lines.filter((l) => l.startsWith('Migrating imp'))).toHaveLength(12);
    // the keys exist now: without --cluster-replace both stop at the first one (BUSYKEY), exit 1
    const busy = await Promise.all(TOOLS.map(async (p) => {
      const r = await tool(p, ['--cluster', 'import', seed(), '--cluster-from', from(p), '--cluster-from-pass', 'srcpw', '--cluster-copy']);
      return { code: r.code, tail: norm(p, r.out).split('\n').slice(-3).join('\n').replace(/imp\d+/, 'impN').replace(/<p\d>/, '<p>') };
    }));
    expect(busy[1]).toEqual(busy[0]);
    expect(busy[1]!.tail).toContain('BUSYKEY');
    const replaced = await tool(TREDIS_CLI, ['--cluster', 'import', seed(), '--cluster-from', from(TREDIS_CLI), '--cluster-from-pass', 'srcpw', '--cluster-copy', '--cluster-replace']);
    expect(replaced.code).toBe(0);
    await clean();
  });

  it.each([
    ['wrong source password', (p: string) => ['--cluster-from', from(p), '--cluster-from-pass', 'nope']],
    ['no source password', (p: string) => ['--cluster-from', from(p)]],
    ['unreachable source', () => ['--cluster-from', '127.0.0.1:1']],
    ['no --cluster-from', () => []],
    ['bad --cluster-from', () => ['--cluster-from', 'nocolon']],
  ])('%s: redis-cli message and exit code', async (_name, extra) => {
    const [r, t] = await Promise.all(TOOLS.map(async (p) => {
      const x = await tool(p, ['--cluster', 'import', seed(), ...extra(p)]);
      return { ...x, out: norm(p, x.out), err: norm(p, x.err) };
    }));
    expect(t!.code).toBe(1);
    expect(t).toEqual(r);
  });
});

describe('--cluster fix', () => {
  it('case 4: a slot left migrating without keys is closed, same report as redis-cli', async () => {
    const c = cluster();
    const res = [];
    for (const p of TOOLS) {
      // several open slots: listed and closed in redis-cli's (hash table) order
      for (let slot = 200; slot < 206; slot++) await cli(0, 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', c.nodes[1]!.id);
      const r = await tool(p, ['--cluster', 'fix', seed()]);
      res.push({ ...r, out: normalise(r.out, c), nodes: (await cli(0, 'CLUSTER', 'NODES')).includes('[200-') });
    }
    expect(res[1]!.out).toContain('>>> Case 4: Closing slot 200 on 127.0.0.1:<p1>');
    expect(res[1]).toEqual(res[0]);
    expect(res[1]!.nodes).toBe(false);
  });

  /** `n` key names that hash to `slot`. */
  const keysOf = (slot: number, n: number) => {
    const out: string[] = [];
    for (let j = 0; out.length < n; j++) if (keyHashSlot(Buffer.from(`k${j}`)) === slot) out.push(`k${j}`);
    return out;
  };

  it.each([
    // case 1: migrating on the owner, importing on the target, keys on the owner
    ['case 1: migrating + importing, keys moved to the importing node', 2100, async (slot: number, keys: string[]) => {
      const c = cluster();
      for (const k of keys) await cli(0, 'SET', k, 'v');
      await cli(1, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', c.nodes[0]!.id);
      await cli(0, 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', c.nodes[1]!.id);
    }],
    // case 2: importing only, most keys on the importing node: it becomes the owner
    ['case 2: importing with keys on two primaries, moved to the one with most', 2200, async (slot: number, keys: string[]) => {
      const c = cluster();
      await cli(0, 'SET', keys[0]!, 'v');
      await cli(1, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', c.nodes[0]!.id);
      await run('redis-cli', [...c.tlsArgs, '-p', String(c.nodes[1]!.port)], { stdin: `ASKING\nSET ${keys[1]} x\nASKING\nSET ${keys[2]} y\n` });
    }],
  ])('%s: same report, exit code and result as redis-cli', async (_name, base, breakIt) => {
    const c = cluster();
    const res = [];
    for (const [i, p] of TOOLS.entries()) {
      // a slot of primary 1 per tool
      const slot = base + 10 * i;
      const keys = keysOf(slot, 3);
      await breakIt(slot, keys);
      const r = await tool(p, ['--cluster', 'fix', seed()]);
      const out = normalise(r.out, c).replace(new RegExp(`\\b${slot}\\b`, 'g'), '<slot>').replace(/^.*(keys \||keys in \d+ masters|slots:).*\n/gm, '');
      res.push({ code: r.code, out, onTarget: (await cli(1, 'CLUSTER', 'COUNTKEYSINSLOT', String(slot))).trim() });
      await settle();
      for (const k of keys) await redisCli([...c.tlsArgs, '-c', '-p', String(c.nodes[0]!.port), 'DEL', k]);
    }
    expect(res[1]!.out).toContain('Moving slot <slot> from 127.0.0.1:<p1> to 127.0.0.1:<p2>: ');
    expect(res[1]!.onTarget).toBe('3');
    expect(res[1]).toEqual(res[0]);
  });

  it('uncovered slots without keys: asked, covered after "yes", same report as redis-cli', async () => {
    const c = cluster();
    const res = [];
    for (const [i, p] of TOOLS.entries()) {
      // slots primary 1 still owns (a covered slot may go to any primary): 300-301, then 310-311
      const [a, b] = [String(300 + 10 * i), String(301 + 10 * i)];
      await cli(0, 'CLUSTER', 'DELSLOTS', a, b);
      const r = await tool(p, ['--cluster', 'fix', seed()], 'yes\n');
      // the primary that gets each slot is random in both; slot numbers named; the covering lines as a set
      const out = normalise(r.out, c).replace(/with 127\.0\.0\.1:<p\d>/g, 'with <primary>').split(a).join('<a>').split(b).join('<b>').replace(/^.*(keys \||slots:).*\n/gm, '');
      const lines = out.split(/(?=>>> Covering)|\n/);
      res.push({ code: r.code, rest: lines.filter((l) => !l.startsWith('>>> Covering')), covering: lines.filter((l) => l.startsWith('>>> Covering')).sort() });
      await settle();
    }
    expect(res[1]!.rest.join('\n')).toContain("The following uncovered slots have no keys across the cluster:\n[<a>-<b>]\nFix these slots by covering with a random node? (type 'yes' to accept): ");
    expect(res[1]!.covering).toEqual(['>>> Covering slot <a> with <primary>', '>>> Covering slot <b> with <primary>']);
    expect(res[1]).toEqual(res[0]);
  });

  it('uncovered slots, answer not "yes": nothing changes, exit 1 as redis-cli', async () => {
    const c = cluster();
    const res = [];
    for (const p of TOOLS) {
      await cli(0, 'CLUSTER', 'DELSLOTS', '320');
      const r = await tool(p, ['--cluster', 'fix', seed(), '--cluster-yes'], 'no\n');
      res.push({ code: r.code, out: normalise(r.out, c), still: (await cli(0, 'CLUSTER', 'COUNTKEYSINSLOT', '320')) });
      await cli(0, 'CLUSTER', 'ADDSLOTS', '320');
      await settle();
    }
    expect(res[1]!.code).toBe(1);
    expect(res[1]).toEqual(res[0]);
  });

  it('--cluster-search-multiple-owners: keys on a second primary, the slot given to it, same report as redis-cli', async () => {
    const c = cluster();
    // each tool gets its own slot of primary 1 (a fixed one moves to primary 2)
    const keys: Array<[string, string]> = [];
    for (let i = 0; keys.length < 2; i++) {
      const slot = (await cli(0, 'CLUSTER', 'KEYSLOT', `mo${i}`)).trim();
      if (Number(slot) <= 5460) keys.push([`mo${i}`, slot]);
    }
    const res = [];
    for (const [i, p] of TOOLS.entries()) {
      const [key, slot] = keys[i]!;
      // a key of the slot lands on primary 2 (importing, ASKING), then the slot is closed there
      await cli(1, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', c.nodes[0]!.id);
      await run('redis-cli', [...c.tlsArgs, '-p', String(c.nodes[1]!.port)], { stdin: `ASKING\nSET ${key} x\n` });
      await cli(1, 'CLUSTER', 'SETSLOT', slot, 'STABLE');
      const r = await tool(p, ['--cluster', 'fix', seed(), '--cluster-search-multiple-owners']);
      const out = normalise(r.out, c).split(slot).join('<slot>').replace(/^.*(keys \||slots:).*\n/gm, '');
      res.push({ code: r.code, out, owner: (await cli(1, 'CLUSTER', 'COUNTKEYSINSLOT', slot)).trim() });
      await settle();
      await redisCli([...c.tlsArgs, '-c', '-p', String(c.nodes[0]!.port), 'DEL', key]);
    }
    expect(res[1]!.out).toContain('>>> Setting slot <slot> owner: 127.0.0.1:<p2>');
    expect(res[1]).toEqual(res[0]);
  });

  it('a node that is not in cluster mode, a node that is down: redis-cli message and exit code', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tredis-fixplain-'));
    const plain = await startRedis({ dir, name: 'plain', plain: true });
    try {
      for (const target of [`127.0.0.1:${plain.port}`, '127.0.0.1:1']) {
        const [r, t] = await Promise.all(TOOLS.map((p) => run(p, ['--cluster', 'fix', target, '--cluster-search-multiple-owners'], { env: { TERM: 'dumb' }, timeoutMs: 20_000 })));
        expect(t!.code).toBe(1);
        expect(t!.code).toBe(r!.code);
        expect(t!.stdout.toString()).toBe(r!.stdout.toString());
        expect(t!.stderr.toString()).toBe(r!.stderr.toString());
      }
    } finally {
      await plain.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
