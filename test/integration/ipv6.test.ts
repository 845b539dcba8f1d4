// IPv6: a redis-server of this file's own bound to ::1 (the lab binds 127.0.0.1 only), reached
// through a bracketed IPv6 literal in -u, plain and TLS, and with -h ::1. redis-cli 7.0.15 runs
// next to it to show the difference: it takes `[` for the host.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../scripts/lib/tls-lab.mjs';
import { run, TREDIS_CLI } from '../helpers/run.js';
import { lab } from '../setup/env.js';

let server: Awaited<ReturnType<typeof startRedis>>;
let tmp: string;

beforeAll(async () => {
  const c = lab().certs;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tredis-ipv6-'));
  // A later --bind wins over the helper's 127.0.0.1. This fails (and says so) on a machine without
  // an IPv6 loopback address (`ip -6 addr show lo`).
  server = await startRedis({ name: 'ipv6', dir: tmp, plain: true, tls: { cert: c.serverCert, key: c.serverKey, ca: c.ca, authClients: 'no' }, extraArgs: ['--bind', '::1'] });
});

afterAll(async () => {
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.concurrent('IPv6 literals', () => {
  it('redis://[::1]:PORT/DB reaches the server (redis-cli 7.0.15 tries host "[")', async () => {
    const uri = `redis://[::1]:${server.port}/3`;
    const ours = await run(TREDIS_CLI, ['-u', uri, 'CLIENT', 'INFO']);
    expect(ours.stderr.toString()).toBe('');
    expect(ours.stdout.toString()).toMatch(/^id=\d+ addr=\[?::1\]?:\d+ .* db=3 /);
    const ref = await run('redis-cli', ['-u', uri, 'PING']);
    expect(ref.code).toBe(1);
    expect(ref.stderr.toString() + ref.stdout.toString()).toMatch(/Could not connect to Redis at \[:/);
  });

  it('rediss://[::1]:TLSPORT over TLS (the lab certificate names 127.0.0.1, not ::1: chain checked, name not)', async () => {
    const ours = await run(TREDIS_CLI, ['-u', `rediss://[::1]:${server.tlsPort}`, '--cacert', lab().certs.ca, '--no-verify-hostname', 'PING']);
    expect([ours.stdout.toString(), ours.stderr.toString(), ours.code]).toEqual(['PONG\n', '', 0]);
  });

  it('-h ::1 with -6, and with -4 (an IP literal needs no resolving: both connect)', async () => {
    for (const fam of ['-6', '-4']) {
      const r = await run(TREDIS_CLI, [fam, '-h', '::1', '-p', String(server.port), 'PING']);
      expect([r.stdout.toString(), r.code]).toEqual(['PONG\n', 0]);
    }
  });
});
