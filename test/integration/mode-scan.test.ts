// --scan against a server of its own, plaintext and TLS: the key sets and bytes of redis-cli 7.0.15
// (run side by side on the same data), the assertions of redis 7.0.15's
// tests/integration/redis-cli.tcl "Scan mode", and the flags redis-cli 7.0.15 lacks (--count,
// --type, --cursor).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runProcess, TREDIS_CLI } from '../helpers/run.js';
import { startModeServer, type ModeServer } from '../helpers/mode-server.js';

// a loaded machine can take seconds per spawn: a generous bound, still finite
const run: typeof runProcess = (file, args, opts = {}) => runProcess(file, args, { timeoutMs: 30_000, ...opts });

let srv: ModeServer;
const DB = '3';

beforeAll(async () => {
  srv = await startModeServer('mode-scan');
  const cmds: Array<Array<string | Buffer>> = [['SELECT', DB]];
  // tcl: `populate 1000 key: 1`
  for (let i = 0; i < 1000; i++) cmds.push(['SET', `key:${i}`, '1']);
  cmds.push(['SET', Buffer.from('bin\x00\xff\n"x', 'latin1'), 'v'], ['HSET', 'h:1', 'f', 'v'], ['RPUSH', 'l:1', 'a']);
  await srv.call(cmds);
});
afterAll(async () => {
  await srv?.stop();
});

const lines = (b: Buffer) => b.toString('latin1').split('\n').filter((l) => l !== '');

describe.concurrent.each([false, true])('--scan (tls: %s)', (tls) => {
  const both = async (args: string[], env: Record<string, string> = {}) => {
    const argv = [...srv.flags(tls), '-n', DB, ...args];
    const [ref, ours] = await Promise.all([run('redis-cli', argv, { env }), run(TREDIS_CLI, argv, { env })]);
    return { ref, ours };
  };

  // redis-cli.tcl (7.0.15) "Scan mode"
  it('tcl "Scan mode": basic use, --pattern, --quoted-pattern', async () => {
    const base = [...srv.flags(tls), '-n', DB];
    const all = await run(TREDIS_CLI, [...base, '--scan']);
    expect(all.code).toBe(0);
    expect(lines(all.stdout).filter((l) => l.startsWith('key:'))).toHaveLength(1000);
    expect((await run(TREDIS_CLI, [...base, '--scan', '--pattern', '*:2'])).stdout.toString()).toBe('key:2\n');
    expect((await run(TREDIS_CLI, [...base, '--scan', '--quoted-pattern', '"*:\\x32"'])).stdout.toString()).toBe('key:2\n');
  });

  it('prints the same bytes as redis-cli, raw (binary key cut at NUL) and on a terminal (sdscatrepr)', async () => {
    for (const [args, env] of [[['--scan', '-i', '0.001'], {}], [['--scan'], { FAKETTY: '1' }], [['--no-raw', '--scan', '--quoted-pattern', '"bin\\x00*"'], {}]] as const) {
      const { ref, ours } = await both([...args], env);
      expect(ref.code).toBe(0);
      expect(ours.code, ours.stderr.toString()).toBe(0);
      // one SCAN iteration order for both: same server, same data, same cursors
      expect(ours.stdout.toString('latin1')).toBe(ref.stdout.toString('latin1'));
      expect(ours.stderr.toString()).toBe(ref.stderr.toString());
    }
  });

  it('a bad --quoted-pattern: redis-cli\'s message and exit code', async () => {
    const { ref, ours } = await both(['--scan', '--quoted-pattern', '"unterminated']);
    expect(ref.code).toBe(1);
    expect(ours.code).toBe(1);
    expect(ours.stderr.toString()).toBe(ref.stderr.toString());
  });
});

it('--count, --type and --cursor (not in redis-cli 7.0.15; TLS makes no difference to them)', async () => {
  const base = [...srv.flags(false), '-n', DB];
  const counted = await run(TREDIS_CLI, [...base, '--scan', '--count', '5000']);
  expect(lines(counted.stdout)).toHaveLength(1003);
  const hashes = await run(TREDIS_CLI, [...base, '--scan', '--type', 'hash']);
  expect(hashes.stdout.toString()).toBe('h:1\n');
  const bad = await run(TREDIS_CLI, [...base, '--scan', '--type', 'nosuch', '--count', '-1']);
  expect(bad.code).toBe(1);
  expect(bad.stderr.toString()).toMatch(/^SCAN error: ERR /);
  // a cursor past the end of the table: SCAN returns what is left from there
  const tail = await run(TREDIS_CLI, [...base, '--scan', '--cursor', '1023']);
  expect(tail.code).toBe(0);
  expect(lines(tail.stdout).length).toBeLessThan(1003);
  const neg = await run(TREDIS_CLI, [...base, '--scan', '--cursor', '-5']);
  expect([neg.code, neg.stderr.toString()]).toEqual([1, '--cursor should be followed by a positive integer.\n']);
});
