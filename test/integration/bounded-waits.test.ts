// Every wait bounded: --reply-timeout against a real silent server (the hostile-server kit: accepts
// and never answers) and a real redis-server of this file's own (DEBUG SLEEP and BLPOP block it, so the
// shared lab is left alone); -t as the budget of the whole connect, AUTH included.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisHandle } from '../../scripts/lib/tls-lab.mjs';
import { startBlackHole, startHostile, type HostileServer } from '../helpers/hostile-server.js';
import { run, TREDIS_CLI } from '../helpers/run.js';

let dir: string;
let redis: RedisHandle;
let silent: HostileServer;
let silentPort: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tredis-waits-'));
  redis = await startRedis({ dir, name: 'waits', plain: true });
  silent = await startHostile({ script: (conn) => conn.sleep(60_000) });
  silentPort = silent.port;
});

afterAll(async () => {
  await silent?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], stdin?: string) {
  const t0 = Date.now();
  const r = await run(TREDIS_CLI, args, { stdin, timeoutMs: 15_000 });
  return { out: r.stdout.toString('latin1'), err: r.stderr.toString('latin1'), code: r.code, timedOut: r.timedOut, ms: Date.now() - t0 };
}

const HINT = 'hint: the server is slow, stuck or not a Redis server; raise --reply-timeout SECONDS (a blocking command gets its own timeout plus this)\n';

describe.concurrent('--reply-timeout', () => {
  it('a silent server: the command ends with what, where, how long and the hint; exit 1', async () => {
    const r = await cli(['-p', String(silentPort), '--reply-timeout', '0.5', 'PING']);
    expect(r).toMatchObject({ out: '', err: `Error: no reply to PING from 127.0.0.1:${silentPort} within 0.5 s\n${HINT}`, code: 1, timedOut: false });
    expect(r.ms).toBeGreaterThanOrEqual(500);
  });

  it('BLPOP of 1 s on a silent server: given up after 1 s + the reply timeout, the message says so', async () => {
    const r = await cli(['-p', String(silentPort), '--reply-timeout', '0.3', 'BLPOP', 'k', '1']);
    expect(r).toMatchObject({ out: '', err: `Error: no reply to BLPOP from 127.0.0.1:${silentPort} within 1.3 s (1 s it may block plus --reply-timeout 0.3)\n${HINT}`, code: 1 });
    expect(r.ms).toBeGreaterThanOrEqual(1_300);
  });

  it('a silent server, piped commands: the message once, exit 1 (not 0 as for a dropped connection)', async () => {
    const r = await cli(['-p', String(silentPort), '--reply-timeout', '0.4'], 'PING\nPING\nPING\n');
    expect(r).toMatchObject({ out: '', err: `Error: no reply to PING from 127.0.0.1:${silentPort} within 0.4 s\n${HINT}`, code: 1, timedOut: false });
  });

  it('without it, a silent server is waited for, as redis-cli does (bounded here by the test)', async () => {
    const t0 = Date.now();
    const r = await run(TREDIS_CLI, ['-p', String(silentPort), '-t', '0.3', 'PING'], { timeoutMs: 1_500 });
    expect(r.timedOut).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_400);
  });

  it('a bad value is a usage error', async () => {
    const r = await cli(['--reply-timeout', '0', 'PING']);
    expect(r).toMatchObject({ out: '', err: "Invalid --reply-timeout '0': give seconds > 0 (decimals allowed)\n", code: 1 });
  });
});

// One at a time: DEBUG SLEEP blocks the server for everyone.
describe('--reply-timeout against a real redis-server', () => {
  it('a real server busy longer than the timeout (DEBUG SLEEP): ends, exit 1', async () => {
    const r = await cli(['-p', String(redis.port), '--reply-timeout', '0.3', 'DEBUG', 'SLEEP', '1.5']);
    expect(r).toMatchObject({ out: '', err: `Error: no reply to DEBUG from 127.0.0.1:${redis.port} within 0.3 s\n${HINT}`, code: 1 });
    expect(r.ms).toBeLessThan(10_000);
    // The server sleeps on after we gave up: wait it out, or the next test's BLPOP waits for it too.
    expect((await cli(['-p', String(redis.port), 'PING'])).out).toBe('PONG\n');
  });

  it('BLPOP gets the time it asked for plus the reply timeout: its nil comes, exit 0', async () => {
    const r = await cli(['-p', String(redis.port), '--reply-timeout', '1', 'BLPOP', 'waits:none', '1']);
    expect(r).toMatchObject({ out: '\n', err: '', code: 0 });
    expect(r.ms).toBeGreaterThanOrEqual(1_000);
  });

  it('XREAD BLOCK and WAIT: their own timeout plus the reply timeout', async () => {
    const r = await cli(['-p', String(redis.port), '--reply-timeout', '1'], 'XREAD BLOCK 800 STREAMS waits:s $\nWAIT 1 600\n');
    expect(r).toMatchObject({ out: '\n0\n', err: '', code: 0 });
  });
});

describe.concurrent('-t: one budget for the whole connect', () => {
  it('AUTH with no reply: the connect fails within -t, not -t after TCP', async () => {
    const r = await cli(['-p', String(silentPort), '-t', '0.6', '-a', 'x', '--no-auth-warning', 'PING']);
    expect(r).toMatchObject({ out: '', code: 1 });
    expect(r.err).toMatch(`Could not connect to Redis at 127.0.0.1:${silentPort}: no reply to AUTH/SELECT/HELLO within 0.6 s\n`);
    expect(r.ms).toBeLessThan(8_000); // -t 0.6 plus start-up on a loaded machine
  });

  // A name with several addresses whose connects all hang (SYNs dropped, no RST): hiredis gives each
  // address the whole timeout; here they share the one budget, so four addresses cost -t, not 4 × -t.
  it('several addresses, every one black-holing: one -t for all of them', async () => {
    const hole = await startBlackHole(['127.0.0.1', '::1']);
    try {
      const name = `holes.test:${hole.port}`;
      const r = await cli(['--resolve', `${name}:127.0.0.1,::1,127.0.0.1,::1`, '-h', 'holes.test', '-p', String(hole.port), '-t', '2', 'PING']);
      expect(r).toMatchObject({ out: '', code: 1, timedOut: false });
      expect(r.err).toMatch(`Could not connect to Redis at ${name}: Connection timed out\nhint: no answer within 2 s`);
      expect(r.ms).toBeGreaterThanOrEqual(1_900);
      expect(r.ms).toBeLessThan(2_000 + 4_000); // 4 × 2 s if each address had the whole -t
    } finally {
      hole.close();
    }
  });
});
