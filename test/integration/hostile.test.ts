// Hostile servers (test/helpers/hostile-server.ts): replies cut short, absurd lengths, deep nesting,
// garbage, one byte at a time, a huge reply sent slowly, silence (after accept, during the TLS
// handshake), a reset mid-reply, TLS closed at once, a TLS alert. Each case checks the exit status,
// the message, a time bound and the peak RSS of tredis-cli, and runs redis-cli 7.0.15 on the same
// server where redis-cli neither hangs nor crashes: same result, or a difference that is on purpose
// (said in the case's name and in README "Reliability").
//
// The huge reply is HOSTILE_BULK_MIB MiB (64 by default; `npm run test:long` runs 256).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { sdscatrepr } from '../../src/format/repr.js';
import { runWatched, startHostile, type HostileConnection, type HostileOptions, type HostileServer, type WatchedRun } from '../helpers/hostile-server.js';
import { TREDIS_CLI } from '../helpers/run.js';
import { lab } from '../setup/env.js';

const BULK_MIB = Number(process.env.HOSTILE_BULK_MIB ?? 64);
/** Time allowed for the huge reply (generous: the machine may be loaded, and TTY output quotes every byte). */
const BULK_MS = 55_000 * Math.max(1, BULK_MIB / 64);
/** Peak RSS allowed for any case, the huge reply included (issue 7: under 200 MiB for 256 MiB). */
const MAX_RSS_KIB = 200 * 1024;
/** Time allowed for a case that should end at once (the machine may be loaded: start-up alone can take seconds). */
const QUICK_MS = 15_000;
/** Servers in these cases keep the connection open this long, so a client that waits for the close is caught. */
const HOLD_MS = 30_000;

function redisCliVersion(): string {
  try {
    return execFileSync('redis-cli', ['--version'], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

const servers: HostileServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(opts: Omit<HostileOptions, 'tls'> & { tls?: boolean; requestCert?: boolean }): Promise<string[]> {
  const c = lab().certs;
  const server = await startHostile({
    ...opts,
    tls: opts.tls ? { cert: c.serverCert, key: c.serverKey, ca: c.ca, requestCert: opts.requestCert } : undefined,
  });
  servers.push(server);
  return opts.tls ? ['--tls', '--cacert', c.ca, '-p', String(server.port)] : ['-p', String(server.port)];
}

/** After the client's command: `reply`, then the connection stays open (HOLD_MS) or is closed. */
function replyThen(reply: string | Buffer, then: 'hold' | 'close' | 'reset'): (conn: HostileConnection) => Promise<void> {
  return async (conn) => {
    await conn.firstData();
    await conn.write(reply);
    if (then === 'close') conn.socket.end();
    else if (then === 'reset') {
      await conn.sleep(50);
      conn.socket.resetAndDestroy();
    } else await conn.sleep(HOLD_MS);
  };
}

const tredis = (args: string[], timeoutMs = QUICK_MS + 5_000) => runWatched(TREDIS_CLI, args, { timeoutMs });
const redisCli = (args: string[], timeoutMs = QUICK_MS + 5_000) => runWatched('redis-cli', args, { timeoutMs });

/** The common checks: ended by itself, in time, within the memory bound. */
function bounded(r: WatchedRun, ms = QUICK_MS): void {
  expect(r.timedOut, `still running after ${r.ms} ms; stderr: ${r.stderr}`).toBe(false);
  expect(r.ms).toBeLessThan(ms);
  expect(r.peakKiB, 'VmHWM was read while it ran').toBeGreaterThan(0);
  expect(r.peakKiB).toBeLessThan(MAX_RSS_KIB);
}

const seen = (r: WatchedRun) => ({ code: r.code, stdout: r.stdoutHead.toString('latin1'), stderr: r.stderr });

describe('hostile servers', () => {
  it('redis-cli 7.0.15 is installed (the reference for these cases)', () => {
    expect(redisCliVersion(), 'install redis-tools (apt-get install redis-tools) for redis-cli 7.0.15').toMatch(/^redis-cli 7\.0\.15/);
  });

  describe.concurrent('cases', () => {
    it('truncated reply: "Server closed the connection", exit 1, nothing printed (as redis-cli)', async () => {
      const target = await serve({ script: replyThen('*3\r\n$1\r\na\r\n$10\r\nabc', 'close') });
      const [ours, ref] = await Promise.all([tredis([...target, 'LRANGE', 'l', '0', '-1']), redisCli([...target, 'LRANGE', 'l', '0', '-1'])]);
      bounded(ours);
      expect(seen(ours)).toEqual({ code: 1, stdout: '', stderr: 'Error: Server closed the connection\n' });
      expect(seen(ours)).toEqual(seen(ref));
    });

    it('bulk length 2^62: refused at its header, at once (on purpose: redis-cli waits for bytes until the server closes)', async () => {
      const target = await serve({ script: replyThen(`$${2n ** 62n}\r\nabc`, 'hold') });
      const ours = await tredis([...target, 'GET', 'k']);
      bounded(ours);
      expect(seen(ours)).toEqual({ code: 1, stdout: '', stderr: 'Error: Bulk string length out of range\n' });
      const closing = await serve({
        script: async (conn) => {
          await conn.firstData();
          await conn.write(`$${2n ** 62n}\r\nabc`);
          await conn.sleep(500);
          conn.socket.end();
        },
      });
      const ref = await redisCli([...closing, 'GET', 'k']);
      expect(seen(ref)).toEqual({ code: 1, stdout: '', stderr: 'Error: Server closed the connection\n' });
    });

    it('100,000-deep nesting: "Max nesting depth exceeded" past 1000 levels (on purpose: redis-cli prints the 100,000 levels)', async () => {
      const target = await serve({ script: replyThen(`${'*1\r\n'.repeat(100_000)}:1\r\n`, 'hold') });
      const [ours, ref] = await Promise.all([tredis([...target, 'GET', 'k']), redisCli([...target, 'GET', 'k'])]);
      bounded(ours);
      expect(seen(ours)).toEqual({ code: 1, stdout: '', stderr: 'Error: Max nesting depth exceeded\n' });
      expect(seen(ref)).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    });

    it('unknown type byte: hiredis\'s protocol error, exit 1 (as redis-cli)', async () => {
      const target = await serve({ script: replyThen('?oops\r\n', 'hold') });
      const [ours, ref] = await Promise.all([tredis([...target, 'PING']), redisCli([...target, 'PING'])]);
      bounded(ours);
      expect(seen(ours)).toEqual({ code: 1, stdout: '', stderr: 'Error: Protocol error, got "?" as reply type byte\n' });
      expect(seen(ours)).toEqual(seen(ref));
    });

    it.each([['raw', []], ['tty', ['--no-raw']], ['csv', ['--csv']]])('1-byte writes: the same output as redis-cli (%s)', async (_mode, flags) => {
      const reply = '*4\r\n$5\r\nhello\r\n:42\r\n*2\r\n$-1\r\n+OK\r\n$6\r\n"q"\r\n\\\r\n';
      const target = await serve({
        script: async (conn) => {
          await conn.firstData();
          conn.socket.setNoDelay(true);
          for (const byte of Buffer.from(reply, 'latin1')) {
            await conn.write(Buffer.from([byte]));
            await conn.sleep(1);
          }
          await conn.sleep(HOLD_MS);
        },
      });
      const args = [...target, ...(flags as string[]), 'LRANGE', 'l', '0', '-1'];
      const [ours, ref] = await Promise.all([tredis(args), redisCli(args)]);
      bounded(ours);
      expect(ours.code).toBe(0);
      expect(ours.stdoutHead.length).toBeGreaterThan(10);
      expect(seen(ours)).toEqual(seen(ref));
    });

    it.each([
      ['raw', [], (part: Buffer) => part],
      ['tty, quoted as sdscatrepr', ['--no-raw'], (part: Buffer) => sdscatrepr(part).subarray(1, -1)],
    ])(`a ${BULK_MIB} MiB reply sent slowly goes to stdout in pieces, peak RSS under 200 MiB (%s)`, async (_mode, flags, render) => {
      const size = BULK_MIB * 1024 * 1024;
      // 64 KiB of every byte value, repeated: TTY output escapes most of them
      const pattern = Buffer.alloc(64 * 1024);
      for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 31 + (i >> 8)) & 0xff;
      const target = await serve({
        script: async (conn) => {
          await conn.firstData();
          await conn.write(`$${size}\r\n`);
          for (let sent = 0; sent < size; sent += pattern.length) {
            await conn.write(pattern);
            if (sent % (4 << 20) === 0) await conn.sleep(10); // slowly: a pause every 4 MiB
          }
          await conn.write('\r\n');
          await conn.sleep(HOLD_MS);
        },
      });
      const expected = createHash('sha256');
      const rendered = render(pattern);
      const quoted = flags.length > 0;
      if (quoted) expected.update('"');
      for (let sent = 0; sent < size; sent += pattern.length) expected.update(rendered);
      expected.update(quoted ? '"\n' : '\n');
      const ours = await tredis([...target, ...(flags as string[]), 'GET', 'big'], BULK_MS + 5_000);
      bounded(ours, BULK_MS);
      expect({ code: ours.code, stderr: ours.stderr }).toEqual({ code: 0, stderr: '' });
      expect(ours.stdoutBytes).toBe((quoted ? 3 : 1) + rendered.length * (size / pattern.length));
      expect(ours.stdoutSha).toBe(expected.digest('hex'));
    }, BULK_MS + 15_000);

    it('silent after accept: a warning after -t seconds, then it waits as redis-cli does (ended by the test)', async () => {
      const target = await serve({ raw: true, script: async (conn) => conn.sleep(HOLD_MS) });
      const ours = await tredis([...target, '-t', '1', 'PING'], 8_000);
      expect(ours.timedOut).toBe(true);
      expect(ours.stderr).toMatch(/^Warning: no reply from 127\.0\.0\.1:\d+ after 1 s \(is it a Redis server\?\); still waiting, Ctrl-C to stop\n$/);
      expect(ours.peakKiB).toBeLessThan(MAX_RSS_KIB);
    });

    it('silent after accept, with AUTH to send: -t bounds the connect, exit 1 (redis-cli waits forever)', async () => {
      const target = await serve({ raw: true, script: async (conn) => conn.sleep(HOLD_MS) });
      const ours = await tredis([...target, '-t', '1', '--no-auth-warning', '-a', 'pw', 'PING']);
      bounded(ours);
      expect(ours.code).toBe(1);
      expect(ours.stderr).toMatch(/^Could not connect to Redis at 127\.0\.0\.1:\d+: no reply to AUTH\/SELECT\/HELLO within 1 s\nhint: /);
    });

    it('silent TLS handshake: -t bounds it, exit 1 (redis-cli waits forever)', async () => {
      const c = lab().certs;
      const target = await serve({ raw: true, script: async (conn) => conn.sleep(HOLD_MS) });
      const ours = await tredis(['--tls', '--cacert', c.ca, ...target, '-t', '1', 'PING']);
      bounded(ours);
      expect(ours.code).toBe(1);
      expect(ours.stderr).toMatch(/^Could not connect to Redis at 127\.0\.0\.1:\d+: TLS handshake failed: no TLS handshake within 1 s\nhint: /);
    });

    it('reset mid-reply: "Connection reset by peer", exit 1 (as redis-cli)', async () => {
      const target = await serve({ script: replyThen('*2\r\n$1\r\na\r\n', 'reset') });
      const [ours, ref] = await Promise.all([tredis([...target, 'LRANGE', 'l', '0', '-1']), redisCli([...target, 'LRANGE', 'l', '0', '-1'])]);
      bounded(ours);
      expect(seen(ours)).toEqual({ code: 1, stdout: '', stderr: 'Error: Connection reset by peer\n' });
      expect(seen(ours)).toEqual(seen(ref));
    });

    it('TLS, then closed before any reply: redis-cli\'s words, plus a hint line (on purpose)', async () => {
      const target = await serve({ tls: true, script: async (conn) => void conn.socket.end() });
      const [ours, ref] = await Promise.all([tredis([...target, 'PING']), redisCli([...target, 'PING'])]);
      bounded(ours);
      expect(ours.code).toBe(1);
      expect(ours.stderr).toMatch(/^Error: Server closed the connection\nhint: .*--cert FILE and --key FILE\n$/);
      expect(seen(ref)).toEqual({ code: 1, stdout: '', stderr: 'Error: Server closed the connection\n' });
    });

    it('TLS alert (client certificate required): explained, exit 1 (on purpose: redis-cli says "Server closed the connection")', async () => {
      const target = await serve({ tls: true, requestCert: true, script: async (conn) => conn.sleep(HOLD_MS) });
      const [ours, ref] = await Promise.all([tredis([...target, 'PING']), redisCli([...target, 'PING'])]);
      bounded(ours);
      expect(seen(ours)).toEqual({
        code: 1,
        stdout: '',
        stderr: "Error: TLS client authentication failed: the server requires a client certificate and none was sent\nhint: pass --cert FILE and --key FILE (a certificate the server's tls-ca-cert-file trusts)\n",
      });
      expect(seen(ref)).toEqual({ code: 1, stdout: '', stderr: 'Error: Server closed the connection\n' });
    });
  });
});
