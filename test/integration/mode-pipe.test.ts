// --pipe against a server of its own, plaintext and TLS: redis 7.0.15's tests/integration/redis-cli.tcl
// "Piping raw protocol" ported, redis-cli 7.0.15 run side by side on the same input (summary bytes,
// error lines, exit codes, --pipe-timeout, malformed RESP), and the progress line on a terminal.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pty from '@lydell/node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runProcess, TREDIS_CLI } from '../helpers/run.js';
import { resp, startModeServer, type ModeServer } from '../helpers/mode-server.js';

// a loaded machine can take seconds per spawn: a generous bound, still finite
const run: typeof runProcess = (file, args, opts = {}) => runProcess(file, args, { timeoutMs: 30_000, ...opts });

let srv: ModeServer;
let dir: string;
let tclInput: string;
const TCL_COUNT = 2102; // 2101 + the SELECT

beforeAll(async () => {
  srv = await startModeServer('mode-pipe');
  dir = mkdtempSync(path.join(os.tmpdir(), 'tredis-pipe-'));
  // tcl: formatCommand + puts (a "\n" after each command), 1000 INCR, 1000 SET of 20 000 bytes,
  // 100 SET of 512 000 bytes, after `select 9` and `del test-counter`.
  tclInput = path.join(dir, 'cli_cmds');
  const w = createWriteStream(tclInput);
  const put = (args: string[]) => w.write(Buffer.concat([resp(args), Buffer.from('\n')]));
  put(['select', '9']);
  put(['del', 'test-counter']);
  const big = 'x'.repeat(20000);
  for (let i = 0; i < 1000; i++) {
    put(['incr', 'test-counter']);
    put(['set', 'large-key', big]);
  }
  const huge = 'x'.repeat(512000);
  for (let i = 0; i < 100; i++) put(['set', 'very-large-key', huge]);
  await new Promise<void>((r) => w.end(r));
});
afterAll(async () => {
  await srv?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs with stdin read from a file (as `< file` does), so large inputs are streamed. */
function runFromFile(file: string, cmd: string, args: string[]) {
  return new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
    const fd = openSync(file, 'r');
    const child = spawn(cmd, args, { stdio: [fd, 'pipe', 'pipe'] });
    closeSync(fd);
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString('latin1')));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString('latin1')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: out, stderr: err, code }));
  });
}

describe.each([false, true])('--pipe (tls: %s)', (tls) => {
  // redis-cli.tcl (7.0.15) "Piping raw protocol"
  it('tcl "Piping raw protocol": all data transferred, errors: 0, every reply counted', async () => {
    const db = tls ? '9' : '8';
    const input = tls ? tclInput : path.join(dir, 'cli_cmds_8');
    if (!tls) {
      // the same commands in db 8, so the two runs do not share test-counter
      const { readFileSync, writeFileSync } = await import('node:fs');
      writeFileSync(input, Buffer.concat([resp(['select', '8']), readFileSync(tclInput).subarray(resp(['select', '9']).length)]));
    }
    const res = await runFromFile(input, TREDIS_CLI, [...srv.flags(tls), '--pipe']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`All data transferred[^]*errors: 0[^]*replies: ${TCL_COUNT}`));
    expect((await srv.call([['SELECT', db], ['GET', 'test-counter']])).toString()).toBe('+OK\r\n$4\r\n1000\r\n');
  }, 60_000);

  const both = async (stdin: string, extra: string[] = []) => {
    const argv = [...srv.flags(tls), '-n', '2', '--pipe', ...extra];
    const [ref, ours] = await Promise.all([run('redis-cli', argv, { stdin, timeoutMs: 30_000 }), run(TREDIS_CLI, argv, { stdin, timeoutMs: 30_000 })]);
    return { ref, ours };
  };

  it.each([
    ['commands and an error reply', '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\nPING\r\nNOSUCHCMD x\r\n*2\r\n$4\r\nINCR\r\n$1\r\na\r\n'],
    ['empty input', ''],
    ['a command cut short (the ECHO still ends it)', '*2\r\n$4\r\nECHO\r\n$3\r\nabc'],
    ['malformed RESP: the server replies a protocol error and closes', '*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\nxx\r\n'],
  ])('%s: same stdout, stderr and exit code as redis-cli', async (_name, stdin) => {
    const { ref, ours } = await both(stdin);
    expect(ours.stdout.toString()).toBe(ref.stdout.toString());
    expect(ours.stderr.toString()).toBe(ref.stderr.toString());
    expect(ours.code).toBe(ref.code);
  });

  it('--pipe-timeout 1: gives up on a reply that does not come, as redis-cli', async () => {
    const { ref, ours } = await both('*3\r\n$5\r\nBLPOP\r\n$9\r\nno-such-l\r\n$1\r\n0\r\n', ['--pipe-timeout', '1']);
    expect(ours.stdout.toString()).toBe('All data transferred. Waiting for the last reply...\nerrors: 1, replies: 0\n');
    expect(ours.stdout.toString()).toBe(ref.stdout.toString());
    expect(ours.stderr.toString()).toBe(ref.stderr.toString());
    expect([ours.code, ref.code]).toEqual([1, 1]);
  });
});

it('garbage followed by more input: says what happened where redis-cli exits 1 silently (or by SIGPIPE)', async () => {
  const stdin = Buffer.concat([Buffer.from('*3\r\n$3\r\nSET\r\nxx\r\n'), Buffer.alloc(8 << 20)]);
  const ours = await run(TREDIS_CLI, [...srv.flags(false), '--pipe'], { stdin });
  expect(ours.code).toBe(1);
  // either the server's error reply was read before the close, or the close comes with a hint
  expect(ours.stderr.toString()).toMatch(/^ERR Protocol error|^Error: .*\nhint: the server closed the connection before the last reply/);
});

it('a terminal on stderr gets a live progress line; the summary is unchanged', async () => {
  // DEBUG SLEEP keeps the run going long enough for the line to be drawn (every 200 ms)
  const input = path.join(dir, 'slow');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(input, Buffer.concat([resp(['SET', 'p', '1']), resp(['DEBUG', 'SLEEP', '0.7'])]));
  const p = pty.spawn('/bin/sh', ['-c', `exec "$0" "$@" < "${input}"`, TREDIS_CLI, ...srv.flags(false), '-n', '7', '--pipe'], { cols: 120, rows: 10, env: { ...process.env, TERM: 'xterm' } });
  let screen = '';
  p.onData((d) => (screen += d));
  const code = await new Promise<number>((r) => p.onExit((e) => r(e.exitCode)));
  expect(code).toBe(0);
  expect(screen).toMatch(/\r\x1b\[Ksent \d+ B, replies: [012], errors: 0, [\d.]+ (B|KiB|MiB)\/s/);
  expect(screen).toContain('Last reply received from server.\r\nerrors: 0, replies: 2\r\n');
});
