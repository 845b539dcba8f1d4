// --rdb, --functions-rdb and --replica against redis-server processes of this file's own (they
// FLUSHDB, DEBUG RELOAD and CLIENT KILL, which the shared lab must not see), plain and TLS.
//
// Ports of Redis 7.0.15's tests/integration/redis-cli.tcl:
//   "Dumping an RDB - functions only: no" / "… yes"  (test_redis_cli_rdb_dump, disk-based and diskless)
//   "Connecting as a replica"                        (test_redis_cli_repl, disk-based and diskless)
// with 10 000 keys of 100 bytes instead of the tcl's 100 000 of 1 000 (same assertions, 1 % of the
// bytes, to keep npm test fast). Next to them: redis-cli's messages compared side by side, and the
// bad inputs (unwritable path, SYNC refused by ACL, a replica without its master, Ctrl-C).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../scripts/lib/tls-lab.mjs';
import { connectAdmin, type Admin } from '../helpers/admin.js';
import { run, TREDIS_CLI } from '../helpers/run.js';
import { lab } from '../setup/env.js';

type Handle = Awaited<ReturnType<typeof startRedis>>;
let server: Handle;
let replica: Handle;
let tmp: string;
let admin: Admin;

const redis = (...args: string[]) => admin.cmd(...args);

/** The argv that reaches `server` plainly or over TLS. */
function target(tls: boolean): string[] {
  return tls ? ['--tls', '--cacert', lab().certs.ca, '-p', String(server.tlsPort)] : ['-p', String(server.port)];
}

const KEYS = 10_000;
const FUNC = "#!lua name=lib1\nredis.register_function('func1', function() return 123 end)";

beforeAll(async () => {
  const certs = lab().certs;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tredis-rdb-'));
  tmp = dir;
  const tls = { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, authClients: 'no' as const };
  [server, replica] = await Promise.all([
    startRedis({ name: 'rdb', dir, plain: true, tls, extraArgs: ['--user', 'nosync', 'on', '>pw', '~*', '&*', '+@all', '-sync', '-replconf'] }),
    // A replica whose master does not exist: its link stays down (SYNC gets -NOMASTERLINK).
    startRedis({ name: 'rdb-replica', dir, plain: true, extraArgs: ['--replicaof', '127.0.0.1', '1'] }),
  ]);
  admin = await connectAdmin(server.port!);
});

afterAll(async () => {
  admin?.close();
  await Promise.all([server?.stop(), replica?.stop()]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** test_redis_cli_rdb_dump (redis-cli.tcl), run through tredis-cli. */
async function rdbDump(functionsOnly: boolean, tls: boolean): Promise<void> {
  await redis('flushdb');
  await redis('function', 'flush');
  const dir = (await redis('config', 'get', 'dir')).split('\n')[1]!;
  expect(await redis('debug', 'populate', String(KEYS), 'key', '100')).toBe('OK');
  expect(await redis('function', 'load', FUNC)).toBe('lib1');
  const file = path.join(dir, 'cli.rdb');
  const r = await run(TREDIS_CLI, [...target(tls), functionsOnly ? '--functions-rdb' : '--rdb', file], { timeoutMs: 15_000 });
  expect(r.stderr.toString()).toMatch(/Transfer finished with success/);
  expect(r.code).toBe(0);
  // Our addition to the tcl: the file passes redis-check-rdb.
  expect(execFileSync('redis-check-rdb', [file], { encoding: 'utf8' })).toMatch(/RDB looks OK/);
  // No temporary file left next to it.
  expect(readdirSync(dir).filter((n) => n.endsWith('.part'))).toEqual([]);

  rmSync(path.join(dir, 'dump.rdb'), { force: true });
  renameSync(file, path.join(dir, 'dump.rdb'));
  expect(await redis('set', 'should-not-exist', '1')).toBe('OK');
  expect(await redis('function', 'load', "#!lua name=should_not_exist_func\nredis.register_function('should_not_exist_func', function() return 456 end)")).toBe('should_not_exist_func');
  expect(await redis('debug', 'reload', 'nosave')).toBe('OK');
  expect(await redis('get', 'should-not-exist')).toBe('');
  expect(await redis('function', 'list')).toBe('library_name\nlib1\nengine\nLUA\nfunctions\nname\nfunc1\ndescription\n\nflags\n');
  expect(await redis('dbsize')).toBe(functionsOnly ? '0' : String(KEYS));
}

describe.each([false, true])('redis-cli.tcl over %s', (tls) => {
  const via = tls ? 'TLS' : 'plaintext';
  // Over TLS the functions-only variant adds nothing the plaintext run does not check.
  for (const functionsOnly of tls ? [false] : [false, true]) {
    it(`Dumping an RDB - functions only: ${functionsOnly ? 'yes' : 'no'} (${via})`, async () => {
      // Disk-based master
      expect(await redis('config', 'set', 'repl-diskless-sync', 'no')).toBe('OK');
      await rdbDump(functionsOnly, tls);
      // Disk-less master
      expect(await redis('config', 'set', 'repl-diskless-sync', 'yes')).toBe('OK');
      expect(await redis('config', 'set', 'repl-diskless-sync-delay', '0')).toBe('OK');
      await rdbDump(functionsOnly, tls);
    }, 30_000);
  }

  it(`Connecting as a replica (${via})`, async () => {
    for (const diskless of ['no', 'yes']) {
      expect(await redis('config', 'set', 'repl-diskless-sync', diskless)).toBe('OK');
      expect(await redis('config', 'set', 'repl-diskless-sync-delay', '0')).toBe('OK');
      const child = spawn(TREDIS_CLI, [...target(tls), '--replica'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      try {
        await waitForAsync(async () => /slave0:.*state=online/.test(await redis('info', 'replication')), 'redis-cli --replica did not connect');
        await admin.pipeline(Array.from({ length: 100 }, (_, i) => ['set', 'test-key', `test-value-${i}`]));
        await waitFor(() => out.includes('test-value-99'), "redis-cli --replica didn't read commands");
        await redis('client', 'kill', 'type', 'slave');
        expect(await exited).toBe(1);
      } finally {
        child.kill('SIGKILL');
      }
      expect(err).toMatch(/Server closed the connection/);
      // Every command, in CSV, in order (redis-cli drops the first one after a diskless SYNC).
      const lines = out.trimEnd().split('\n').filter((l) => l !== '"ping"');
      expect(lines[0]).toBe('"SELECT","0"');
      expect(lines.slice(1)).toEqual(Array.from({ length: 100 }, (_, i) => `"set","test-key","test-value-${i}"`));
      expect(err).toMatch(/^sending REPLCONF capa eof\nsending REPLCONF rdb-filter-only \nSYNC with master, discarding bytes of bulk transfer until EOF marker\.\.\.\nSYNC done after \d+ bytes\. Logging commands from master\.\nsending REPLCONF ACK 0\nError: Server closed the connection\n$/);
    }
  }, 30_000);
});

async function waitFor(cond: () => boolean, message: string): Promise<void> {
  return waitForAsync(async () => cond(), message);
}

async function waitForAsync(cond: () => Promise<boolean>, message: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(message);
}

/** Digits vary with the RDB's size; the words around them must not. */
const digitsOut = (s: string) => s.replace(/\d+/g, 'N').replaceAll(tmp, 'DIR');

describe('side by side with redis-cli 7.0.15', () => {
  it.each([
    ['--rdb, disk-based', ['--rdb'], 'no'],
    ['--functions-rdb, diskless', ['--functions-rdb'], 'yes'],
  ])('%s: the same messages and exit code', async (_name, flag, diskless) => {
    await redis('config', 'set', 'repl-diskless-sync', diskless);
    await redis('config', 'set', 'repl-diskless-sync-delay', '0');
    const [a, b] = [path.join(tmp, 'ref.rdb'), path.join(tmp, 'our.rdb')];
    const ref = await run('redis-cli', ['-p', String(server.port), ...flag, a]);
    const our = await run(TREDIS_CLI, ['-p', String(server.port), ...flag, b]);
    expect(digitsOut(our.stderr.toString().replace(b, a))).toBe(digitsOut(ref.stderr.toString()));
    expect(our.code).toBe(ref.code);
    expect(our.code).toBe(0);
  });

  it('unwritable path: "Error opening" and exit 1, nothing written', async () => {
    const file = path.join(tmp, 'no-such-dir', 'x.rdb');
    const ref = await run('redis-cli', ['-p', String(server.port), '--rdb', file]);
    const our = await run(TREDIS_CLI, ['-p', String(server.port), '--rdb', file]);
    expect(ref.code).toBe(1);
    expect(our.code).toBe(1);
    const line = `Error opening '${file}': No such file or directory\n`;
    expect(ref.stderr.toString()).toContain(line);
    // Checked before SYNC: the server is not asked for an RDB it cannot write.
    expect(our.stderr.toString()).toBe(`${line}hint: the directory does not exist; create it first\n`);
    expect(existsSync(path.join(tmp, 'no-such-dir'))).toBe(false);
  });

  it('SYNC refused by ACL: redis-cli\'s lines (without its stray \\r), a hint, exit 1, no file', async () => {
    const file = path.join(tmp, 'refused.rdb');
    const args = ['-p', String(server.port), '--user', 'nosync', '--pass', 'pw', '--no-auth-warning'];
    const ref = await run('redis-cli', [...args, '--rdb', file]);
    const our = await run(TREDIS_CLI, [...args, '--rdb', file]);
    expect(ref.code).toBe(1);
    expect(our.code).toBe(1);
    const refText = ref.stderr.toString();
    expect(refText).toContain("SYNC with master failed: -NOPERM this user has no permissions to run the 'sync' command\r\n");
    // redis-cli's file is left behind (empty: it opened it after SYNC's reply); ours never existed.
    rmSync(file, { force: true });
    expect(our.stderr.toString()).toBe(`${refText.replace('\r\n', '\n')}hint: this ACL user may not run SYNC/REPLCONF; give it '+sync +replconf' (or +@admin), or use another --user\n`);
    expect(existsSync(file)).toBe(false);
    const fr = await run(TREDIS_CLI, [...args, '--functions-rdb', file]);
    expect(fr.code).toBe(1);
    expect(fr.stderr.toString()).toMatch(/REPLCONF rdb-filter-only error: NOPERM .*\nFailed requesting functions only RDB from server, aborting\n/);
    const rr = await run(TREDIS_CLI, [...args, '--replica']);
    expect(rr.code).toBe(1);
    expect(rr.stderr.toString()).toMatch(/SYNC with master failed: -NOPERM/);
  });

  it('SYNC typed as a command: "Entering replica output mode...", the same bytes and exit code', async () => {
    await redis('config', 'set', 'repl-diskless-sync', 'no');
    const runs = ['redis-cli', TREDIS_CLI].map((file) => {
      const child = spawn(file, ['-p', String(server.port), 'SYNC'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
      return { get: () => ({ out, err }), done: exited.then((code) => (clearTimeout(guard), { code, out, err })) };
    });
    await waitFor(() => runs.every((r) => r.get().err.includes('SYNC done')), 'no SYNC done line');
    await redis('set', 'typed-sync', 'v');
    await waitFor(() => runs.every((r) => r.get().out.includes('typed-sync')), 'the SET did not reach both');
    await redis('client', 'kill', 'type', 'slave');
    const [ref, ours] = await Promise.all(runs.map((r) => r.done));
    expect(ref!.out).toMatch(/^Entering replica output mode\.\.\.  \(press Ctrl-C to quit\)\n/);
    expect(ours!.out).toBe(ref!.out);
    expect(ours!.err).toBe(ref!.err);
    expect(ours!.code).toBe(ref!.code);
  });

  it('--replica against a replica without its master: -NOMASTERLINK, exit 1', async () => {
    const ref = await run('redis-cli', ['-p', String(replica.port), '--replica']);
    const our = await run(TREDIS_CLI, ['-p', String(replica.port), '--replica']);
    expect(ref.code).toBe(1);
    expect(our.code).toBe(1);
    expect(our.stderr.toString()).toBe(`${ref.stderr.toString().replace('\r\n', '\n')}hint: this server is a replica whose master link is down; ask its master instead\n`);
  });

  it('Ctrl-C in --replica while the master prepares the RDB: exit 130, no stack trace', async () => {
    await redis('config', 'set', 'repl-diskless-sync', 'yes');
    await redis('config', 'set', 'repl-diskless-sync-delay', '5');
    try {
      const child = spawn(TREDIS_CLI, ['-p', String(server.port), '--replica'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await waitFor(() => err.includes('sending REPLCONF rdb-filter-only'), 'no REPLCONF line');
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(err).not.toMatch(/internal error|AbortError|\n\s+at /);
    } finally {
      await redis('config', 'set', 'repl-diskless-sync-delay', '0');
    }
  });

  it('--rdb into what exists: a file keeps its mode, a link its target, hard links stay one file, a FIFO gets the bytes', async () => {
    const dir = path.join(tmp, 'targets');
    mkdirSync(dir);
    const ref = path.join(dir, 'ref.rdb');
    expect((await run(TREDIS_CLI, ['-p', String(server.port), '--rdb', ref])).code).toBe(0);
    const size = statSync(ref).size;
    // a private file stays private (a rename would have made it 0644)
    const secret = path.join(dir, 'secret.rdb');
    writeFileSync(secret, 'old');
    chmodSync(secret, 0o600);
    expect((await run(TREDIS_CLI, ['-p', String(server.port), '--rdb', secret])).code).toBe(0);
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    expect(statSync(secret).size).toBe(size);
    // a symbolic link keeps pointing at its target, which gets the RDB
    const real = path.join(dir, 'real.rdb');
    writeFileSync(real, 'old');
    const link = path.join(dir, 'link.rdb');
    symlinkSync(real, link);
    expect((await run(TREDIS_CLI, ['-p', String(server.port), '--rdb', link])).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(statSync(real).size).toBe(size);
    // two names of one file stay one file
    const h1 = path.join(dir, 'h1.rdb');
    const h2 = path.join(dir, 'h2.rdb');
    writeFileSync(h1, 'old');
    linkSync(h1, h2);
    expect((await run(TREDIS_CLI, ['-p', String(server.port), '--rdb', h1])).code).toBe(0);
    expect(statSync(h1).ino).toBe(statSync(h2).ino);
    expect(readFileSync(h2).length).toBe(size);
    // a FIFO is written into, not replaced by a file
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    const got: Buffer[] = [];
    reader.stdout.on('data', (c: Buffer) => got.push(c));
    const readerDone = new Promise((r) => reader.on('close', r));
    const r = await run(TREDIS_CLI, ['-p', String(server.port), '--rdb', fifo]);
    await readerDone;
    expect(r.code).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(Buffer.concat(got).length).toBe(size);
  });

  it('Ctrl-C during a transfer leaves no file, complete or partial', async () => {
    // The master waits 5 s before it forks (diskless delay): SIGINT comes while the client waits
    // with its temporary file open.
    await redis('config', 'set', 'repl-diskless-sync', 'yes');
    await redis('config', 'set', 'repl-diskless-sync-delay', '5');
    try {
      const file = path.join(tmp, 'interrupted.rdb');
      const child = spawn(TREDIS_CLI, ['-p', String(server.port), '--rdb', file], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await waitFor(() => err.includes('sending REPLCONF rdb-only 1') && readdirSync(tmp).some((n) => n.startsWith('.interrupted.rdb.')), 'no temporary file');
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(err).toContain(`Transfer interrupted: nothing written to '${file}'`);
      expect(readdirSync(tmp).filter((n) => n.includes('interrupted'))).toEqual([]);
    } finally {
      await redis('config', 'set', 'repl-diskless-sync-delay', '0');
    }
  });
});
