// --cluster reshard, the longer cases: a key that already exists on the target (BUSYKEY) with a
// different value (refused), the same value (replaced) and with --cluster-replace, compared with
// redis-cli 7.0.15 on the same cluster; a Ctrl-C during a long reshard (stops after the slot in
// flight, nothing left open, exit 130); a reshard on a cluster that announces host names,
// reached through --resolve.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { redisCli } from '../../scripts/lib/cluster-lab.mjs';
import { useCluster, type ClusterLab } from '../helpers/cluster.js';
import { PtySession } from '../helpers/pty.js';
import { run, TREDIS_CLI, type RunResult } from '../helpers/run.js';

const cluster = useCluster('ip', { replicas: 0 });
const named = useCluster('hostname', { replicas: 0 });

const on = (c: ClusterLab, i: number, ...args: string[]) => redisCli([...c.tlsArgs, '-p', String(c.nodes[i]!.port), ...args]);
const seed = (c: ClusterLab) => `127.0.0.1:${c.nodes[0]!.port}`;
const view = (r: RunResult) => ({ code: r.code, out: r.stdout.toString('latin1'), err: r.stderr.toString('latin1') });

/** Slot 0 ({06S}) moved from node 1 to node 2 by `program`. */
const moveSlot0 = (program: string, c: ClusterLab, extra: string[] = []) =>
  run(program, [...c.tlsArgs, '--cluster', 'reshard', seed(c), '--cluster-from', c.nodes[0]!.id, '--cluster-to', c.nodes[1]!.id, '--cluster-slots', '1', '--cluster-yes', ...extra], { env: { TERM: 'dumb' }, timeoutMs: 60_000 });

/** Puts `key` = `value` on node 2 although node 1 owns its slot 0 (ASKING while importing). */
async function plantOnTarget(c: ClusterLab, key: string, value: string): Promise<void> {
  await on(c, 1, 'CLUSTER', 'SETSLOT', '0', 'IMPORTING', c.nodes[0]!.id);
  await run('redis-cli', [...c.tlsArgs, '-p', String(c.nodes[1]!.port)], { stdin: `ASKING\nSET ${key} ${value}\n` });
  await on(c, 1, 'CLUSTER', 'SETSLOT', '0', 'STABLE');
}

/** Back to the start: slot 0 owned by node 1, stable everywhere, holding only `{06S}busy` = src. */
async function reset(c: ClusterLab): Promise<void> {
  const quiet = (i: number, ...args: string[]) => on(c, i, ...args).catch(() => '');
  for (const i of [0, 1, 2]) await quiet(i, 'CLUSTER', 'SETSLOT', '0', 'STABLE');
  // node 2 may own slot 0 or hold a planted key in it: delete it either way
  await quiet(1, 'CLUSTER', 'SETSLOT', '0', 'IMPORTING', c.nodes[0]!.id);
  await run('redis-cli', [...c.tlsArgs, '-p', String(c.nodes[1]!.port)], { stdin: 'ASKING\nDEL {06S}busy\n' });
  await quiet(1, 'CLUSTER', 'SETSLOT', '0', 'STABLE');
  const claim = async () => {
    for (const i of [0, 1, 2]) await quiet(i, 'CLUSTER', 'SETSLOT', '0', 'NODE', c.nodes[0]!.id);
    // a newer epoch on node 1, or an older message from node 2 claiming slot 0 wins back
    await quiet(0, 'CLUSTER', 'BUMPEPOCH');
  };
  await claim();
  // until every node sees slot 0 on node 1 and nothing open (gossip, slower on a loaded machine)
  const settled = async () => {
    for (const i of [0, 1, 2]) {
      const nodes = await quiet(i, 'CLUSTER', 'NODES');
      const owner = nodes.split('\n').find((l) => l.split(' ').slice(8).some((r) => r === '0' || r.startsWith('0-')));
      if (!owner?.startsWith(c.nodes[0]!.id) || nodes.includes('[0-')) return false;
    }
    return true;
  };
  for (let t0 = Date.now(); !(await settled()); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() - t0 > 15_000) throw new Error('slot 0 did not settle on node 1');
    await claim();
  }
  await on(c, 0, 'SET', '{06S}busy', 'src');
}

/** Moves the slots node 3 received (its lowest ones) back to node 1. */
async function giveBack(c: ClusterLab): Promise<void> {
  const mine = (await on(c, 2, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes('myself'))!;
  const count = mine.split(' ').slice(8).reduce((n, r) => (r.startsWith('[') ? n : n + (r.includes('-') ? Number(r.split('-')[1]) - Number(r.split('-')[0]) + 1 : 1)), 0);
  if (count <= 5461) return;
  const r = await run(TREDIS_CLI, [...c.tlsArgs, '--cluster', 'reshard', seed(c), '--cluster-from', c.nodes[2]!.id, '--cluster-to', c.nodes[0]!.id, '--cluster-slots', String(count - 5461), '--cluster-yes'], { env: { TERM: 'dumb' }, timeoutMs: 60_000 });
  expect(r.code).toBe(0);
}

/** tredis-cli, then redis-cli, each from the same state: the key on the target with `value`. */
async function busyMoves(c: ClusterLab, value: string, extra: string[] = []): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const program of [TREDIS_CLI, 'redis-cli']) {
    await reset(c);
    await plantOnTarget(c, '{06S}busy', value);
    results.push(await moveSlot0(program, c, extra));
  }
  return results;
}

describe('--cluster reshard when the target already has the key (BUSYKEY)', () => {
  it('different values: stops with the same report as redis-cli; --cluster-replace overwrites', async () => {
    const c = cluster();
    const results = await busyMoves(c, 'dst');
    // stdout and exit code as redis-cli; tredis-cli adds on stderr which slot may be left open
    expect({ ...view(results[0]!), err: '' }).toEqual(view(results[1]!));
    expect(results[0]!.stderr.toString()).toMatch(/^\*\*\* Reshard failed while moving slot 0 from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+ \(0 of 1 slots moved\): slot 0 may be left open\.\nhint: see the slot with --cluster check .* and close it with --cluster fix /);
    expect(results[0]!.code).toBe(1);
    expect(results[0]!.stdout.toString()).toContain('*** Found 1 key(s) in both source node and target node having different values.');
    expect(results[0]!.stdout.toString()).toContain('    - {06S}busy\n');
    results.push(...(await busyMoves(c, 'dst', ['--cluster-replace'])));
    expect(await on(c, 1, 'GET', '{06S}busy')).toBe('src\n');
    expect(view(results[2]!)).toEqual(view(results[3]!));
    expect(results[2]!.code).toBe(0);
    expect(results[2]!.stdout.toString()).toContain('\n*** Target key exists\n*** Replacing target keys...\n');
  });

  it('equal values: replaced after the check, as redis-cli', async () => {
    const c = cluster();
    const results = await busyMoves(c, 'src');
    expect(view(results[0]!)).toEqual(view(results[1]!));
    expect(results[0]!.code).toBe(0);
    expect(results[0]!.stdout.toString()).toContain('*** Checking key values on both nodes...\n*** Replacing target keys...\n');
    await reset(c);
  });
});

/** A 2000-slot reshard from node 1 to node 3, sent `presses` Ctrl-C once it is moving slot 20. */
async function interruptedReshard(c: ClusterLab, presses: 1 | 2): Promise<{ code: number | null; err: string }> {
  await reset(c);
  const child = spawn(TREDIS_CLI, [...c.tlsArgs, '--cluster', 'reshard', seed(c), '--cluster-from', c.nodes[0]!.id, '--cluster-to', c.nodes[2]!.id, '--cluster-slots', '2000', '--cluster-yes'], { env: { ...process.env, TERM: 'dumb' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? -2 : null))));
  const until = async (done: () => boolean, ms: number) => {
    for (let t0 = Date.now(); !done() && Date.now() - t0 < ms; ) await new Promise((r) => setTimeout(r, 10));
  };
  await until(() => /\nMoving slot 20 from 127/.test(out), 30_000);
  child.kill('SIGINT');
  if (presses === 2) {
    await until(() => err.includes('Ctrl-C again'), 10_000);
    child.kill('SIGINT');
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  // what a shell shows: 130 for an exit(130) and for a death by SIGINT (128 + 2)
  return { code: code === -2 ? 130 : code, err };
}

describe('--cluster reshard interrupted', () => {
  it('the first Ctrl-C finishes the slot in flight and stops: no open slot, exit 130', async () => {
    const c = cluster();
    const { code, err } = await interruptedReshard(c, 1);
    expect(code).toBe(130);
    expect(err).toMatch(/\*\*\* Reshard stopped by Ctrl-C after \d+ of 2000 slots: every slot moved so far is complete, none is left open\.\n$/);
    const check = await run('redis-cli', [...c.tlsArgs, '--cluster', 'check', seed(c)], { env: { TERM: 'dumb' }, timeoutMs: 30_000 });
    expect(check.stdout.toString()).not.toContain('[WARNING]');
    expect(check.code).toBe(0);
    await giveBack(c);
  });

  it('the second Ctrl-C stops at once, names the slot that may be open, exit 130; fix closes it', async () => {
    const c = cluster();
    // the second press may land while the program is already finishing after the first one's
    // stop (the slot in flight was quick): then it dies by the signal, the stop already reported
    const { code, err } = await interruptedReshard(c, 2);
    expect(code).toBe(130);
    // either the second Ctrl-C came between two slots (nothing open) or during one (named)
    expect(err).toMatch(/\*\*\* Reshard (stopped by Ctrl-C after \d+ of 2000 slots: every slot moved so far is complete, none is left open\.|interrupted by Ctrl-C while moving slot \d+ from .* may be left open\.\nhint: see the slot with --cluster check .* and close it with --cluster fix .*)\n$/);
    const fix = await run(TREDIS_CLI, [...c.tlsArgs, '--cluster', 'fix', seed(c)], { env: { TERM: 'dumb' }, timeoutMs: 60_000 });
    expect(fix.code).toBe(0);
    const check = await run('redis-cli', [...c.tlsArgs, '--cluster', 'check', seed(c)], { env: { TERM: 'dumb' }, timeoutMs: 30_000 });
    expect(check.stdout.toString()).not.toContain('[WARNING]');
    expect(check.code).toBe(0);
    await giveBack(c);
  });
});

describe('--cluster reshard on a terminal', () => {
  it('draws a status line on stderr between slots and erases it at the end (stdout keeps redis-cli bytes)', async () => {
    const c = cluster();
    const move = async (from: number, to: number) => {
      const s = PtySession.tredis([...c.tlsArgs, '--cluster', 'reshard', seed(c), '--cluster-from', c.nodes[from]!.id, '--cluster-to', c.nodes[to]!.id, '--cluster-slots', '3', '--cluster-yes'], { env: { TERM: 'dumb' } });
      try {
        expect(await s.waitForExit(60_000)).toBe(0);
        return { raw: s.raw, screen: s.text() };
      } finally {
        await s.close();
      }
    };
    const t = await move(0, 2);
    await move(2, 0);
    expect(t.raw).toContain('\r\x1b[K[1/3 slots] ');
    expect(t.raw).toContain('\r\x1b[K[3/3 slots] ');
    expect(t.screen).not.toContain('slots] ');
    expect(t.screen).toMatch(/\nMoving slot 2 from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+:/);
  });
});

describe('--cluster reshard on a cluster announcing host names (--resolve)', () => {
  it('moves slots with keys, TLS to every node checked against its name', async () => {
    const c = named();
    for (let i = 0; i < 12; i++) await on(c, 0, 'SET', `{06S}h${i}`, `v${i}`);
    const r = await run(TREDIS_CLI, [...c.tlsArgs, ...c.resolveArgs, '--cluster', 'reshard', seed(c), '--cluster-from', c.nodes[0]!.id, '--cluster-to', c.nodes[1]!.id, '--cluster-slots', '2', '--cluster-yes'], { env: { TERM: 'dumb' }, timeoutMs: 60_000 });
    expect(view(r)).toMatchObject({ code: 0, err: '' });
    expect(r.stdout.toString()).toContain(`Moving slot 0 from 127.0.0.1:${c.nodes[0]!.port} to 127.0.0.1:${c.nodes[1]!.port}: ............\n`);
    expect(await on(c, 1, 'GET', '{06S}h11')).toBe('v11\n');
    // back to node 1, typed by its name: MIGRATE gets the IP the cluster lists for it (redis-cli
    // would send the name, which the server cannot resolve)
    const back = await run(TREDIS_CLI, [...c.tlsArgs, ...c.resolveArgs, '--cluster', 'reshard', `${c.nodes[0]!.name}:${c.nodes[0]!.port}`, '--cluster-from', c.nodes[1]!.id, '--cluster-to', c.nodes[0]!.id, '--cluster-slots', '2', '--cluster-yes'], { env: { TERM: 'dumb' }, timeoutMs: 60_000 });
    expect(view(back)).toMatchObject({ code: 0, err: '' });
    expect(back.stdout.toString()).toContain(`Moving slot 0 from 127.0.0.1:${c.nodes[1]!.port} to ${c.nodes[0]!.name}:${c.nodes[0]!.port}: ............\n`);
    expect(await on(c, 0, 'GET', '{06S}h11')).toBe('v11\n');
  });
});
