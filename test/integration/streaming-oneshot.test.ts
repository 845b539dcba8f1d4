// Streaming one-shot commands (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, MONITOR), --show-pushes and RESP3
// pushes: tredis-cli and redis-cli 7.0.15 run at the same time against a redis-server of this
// file's own (MONITOR sees every client, so the shared lab would make the streams differ), the same
// messages are published, both get SIGINT, and stdout, stderr and the way they ended are compared.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../scripts/lib/tls-lab.mjs';
import { connectAdmin, type Admin } from '../helpers/admin.js';
import { TREDIS_CLI } from '../helpers/run.js';
import { lab } from '../setup/env.js';

let server: Awaited<ReturnType<typeof startRedis>>;
let admin: Admin;
let tmp: string;

beforeAll(async () => {
  const c = lab().certs;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tredis-stream-'));
  server = await startRedis({ name: 'stream', dir: tmp, plain: true, tls: { cert: c.serverCert, key: c.serverKey, ca: c.ca, authClients: 'no' } });
  admin = await connectAdmin(server.port!);
});

afterAll(async () => {
  admin?.close();
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Ended {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

const target = (tls: boolean) => (tls ? ['--tls', '--cacert', lab().certs.ca, '-p', String(server.tlsPort)] : ['-p', String(server.port)]);

async function sideBySide(args: string[], env: Record<string, string>, traffic: string[][]): Promise<[Ended, Ended]> {
  const runs = ['redis-cli', TREDIS_CLI].map((file) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let first: () => void = () => undefined;
    const ready = new Promise<void>((r) => (first = r));
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('latin1');
      first();
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('latin1')));
    const ended = new Promise<Ended>((r) => child.on('close', (code, signal) => r({ stdout, stderr, code, signal })));
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    void ended.then(() => clearTimeout(guard));
    return { child, ready, ended };
  });
  await Promise.all(runs.map((r) => r.ready));
  await new Promise((r) => setTimeout(r, 200)); // both have printed what subscribing printed
  await admin.pipeline(traffic);
  await new Promise((r) => setTimeout(r, 500));
  for (const r of runs) r.child.kill('SIGINT');
  return (await Promise.all(runs.map((r) => r.ended))) as [Ended, Ended];
}

/** Channel names unique to one row (rows run at the same time on one server). */
let rowNo = 0;
const publish = (k: string) => [['PUBLISH', `${k}ch`, 'hello world'], ['PUBLISH', `${k}ch2`, 'x\ny'], ['SPUBLISH', `${k}ch`, 'sharded'], ['SET', 'mk', '1']];
const TTY = { FAKETTY: '1' };

describe.concurrent.each([false, true])('streaming one-shot commands, side by side (TLS: %s)', (tls) => {
  it.each([
    ['SUBSCRIBE, raw', ['SUBSCRIBE', 'ch', 'ch2'], {}],
    ['SUBSCRIBE, tty', ['SUBSCRIBE', 'ch', 'ch2'], TTY],
    ['SUBSCRIBE, RESP3 tty', ['-3', 'SUBSCRIBE', 'ch'], TTY],
    ['SUBSCRIBE, RESP3 --show-pushes no', ['-3', '--show-pushes', 'no', 'SUBSCRIBE', 'ch'], TTY],
    ['SUBSCRIBE, --csv', ['--csv', 'SUBSCRIBE', 'ch'], {}],
    ['SUBSCRIBE, RESP3 --json', ['-3', '--json', 'SUBSCRIBE', 'ch'], {}],
    ['PSUBSCRIBE, tty', ['PSUBSCRIBE', 'c*'], TTY],
    ['SSUBSCRIBE, raw', ['SSUBSCRIBE', 'ch'], {}],
  ].filter(([name]) => !tls || ['SUBSCRIBE, raw', 'SUBSCRIBE, RESP3 tty'].includes(name as string)) as Array<[string, string[], Record<string, string>]>)('%s', async (_n, words, env) => {
    const k = `r${rowNo++}:`;
    const [ref, ours] = await sideBySide([...target(tls), ...words.map((w) => (/^c/.test(w) ? k + w : w))], env, publish(k));
    expect(ref.stdout).toMatch(/hello world|sharded/);
    expect(ours).toEqual(ref);
  });
});

describe('MONITOR, side by side', () => {
  it.each([
    ['raw', [], {}],
    ['tty', [], TTY],
  ] as Array<[string, string[], Record<string, string>]>)('%s', async (_n, extra, env) => {
    const [ref, ours] = await sideBySide([...target(false), ...extra, 'MONITOR'], env, [['SET', 'mk', 'v v'], ['GET', 'mk']]);
    expect(ref.stdout).toContain('"SET" "mk" "v v"');
    expect(ours).toEqual(ref);
  });
});
