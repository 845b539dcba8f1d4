// Connecting and introducing the session, black-box: AUTH (-a, --user, REDISCLI_AUTH, -u,
// --askpass), SELECT (-n), HELLO (-2/-3, --json), a server that dies mid-command and a server that
// answers garbage. Every row states the bytes redis-cli 7.0.15 printed for it, and where redis-cli
// is installed both programs are also run side by side and compared.
import { spawn } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../scripts/lib/tls-lab.mjs';
import { run, TREDIS_CLI, type RunOptions, type RunResult } from '../helpers/run.js';
import { requireRedisCli } from '../helpers/oracle.js';
import { lab } from '../setup/env.js';

const PW_WARNING = "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n";
const WRONGPASS = 'AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n';
const HELLO_NOAUTH =
  'HELLO 3 failed: NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\n';


interface Seen {
  out: string;
  err: string;
  code: number | null;
}

const seen = (r: RunResult, norm: (s: string) => string = (s) => s): Seen => ({
  out: norm(r.stdout.toString('latin1')),
  err: norm(r.stderr.toString('latin1')),
  code: r.code,
});

interface Row {
  name: string;
  args: () => string[];
  env?: () => Record<string, string | undefined>;
  stdin?: string;
  /** Applied to stdout and stderr of both programs (connection ids, ports). */
  norm?: (s: string) => string;
  /** What redis-cli 7.0.15 printed (after `norm`). */
  expected: () => Seen;
}

const pw = () => String(lab().servers.password.port);
const pwTls = () => String(lab().servers.password.tlsPort);
const main = () => String(lab().servers.main.port);
const secrets = () => lab().secrets;
/** CLIENT INFO reduced to the fields that show the session's state. */
const clientState = (s: string) => s.replace(/^id=.*$/gm, (line) => (line.match(/\b(db|user|resp)=\S*/g) ?? []).join(' '));
const helloId = (s: string) => s.replace(/("id":)\d+/g, '$1N').replace(/(\nid\n)\d+/g, '$1N');

const rows: Row[] = [
  // AUTH
  {
    name: '-a: authenticated, the password warning on stderr',
    args: () => ['-p', pw(), '-a', secrets().requirepass, 'ping'],
    expected: () => ({ out: 'PONG\n', err: PW_WARNING, code: 0 }),
  },
  {
    name: '-a wrong: "AUTH failed: WRONGPASS ..." on stderr, the command still runs, exit 0',
    args: () => ['-p', pw(), '-a', 'wrong', 'ping'],
    expected: () => ({ out: 'NOAUTH Authentication required.\n\n', err: PW_WARNING + WRONGPASS, code: 0 }),
  },
  {
    name: '--no-auth-warning',
    args: () => ['-p', pw(), '--no-auth-warning', '-a', secrets().requirepass, 'ping'],
    expected: () => ({ out: 'PONG\n', err: '', code: 0 }),
  },
  {
    name: '--user and --pass (ACL user)',
    args: () => ['-p', pw(), '--user', secrets().aclUser, '--pass', secrets().aclPassword, 'acl', 'whoami'],
    expected: () => ({ out: `${secrets().aclUser}\n`, err: PW_WARNING, code: 0 }),
  },
  {
    name: '--user with a wrong password',
    args: () => ['-p', pw(), '--user', secrets().aclUser, '-a', 'nope', 'acl', 'whoami'],
    expected: () => ({ out: 'NOAUTH Authentication required.\n\n', err: PW_WARNING + WRONGPASS, code: 0 }),
  },
  {
    name: 'REDISCLI_AUTH: no warning',
    args: () => ['-p', pw(), 'ping'],
    env: () => ({ REDISCLI_AUTH: secrets().requirepass }),
    expected: () => ({ out: 'PONG\n', err: '', code: 0 }),
  },
  {
    name: 'REDISCLI_AUTH wrong',
    args: () => ['-p', pw(), 'ping'],
    env: () => ({ REDISCLI_AUTH: 'wrong' }),
    expected: () => ({ out: 'NOAUTH Authentication required.\n\n', err: WRONGPASS, code: 0 }),
  },
  {
    name: '-a wins over REDISCLI_AUTH',
    args: () => ['-p', pw(), '--no-auth-warning', '-a', 'wrong', 'ping'],
    env: () => ({ REDISCLI_AUTH: secrets().requirepass }),
    expected: () => ({ out: 'NOAUTH Authentication required.\n\n', err: WRONGPASS, code: 0 }),
  },
  {
    name: 'REDISCLI_AUTH with --user',
    args: () => ['-p', pw(), '--user', secrets().aclUser, 'acl', 'whoami'],
    env: () => ({ REDISCLI_AUTH: secrets().aclPassword }),
    expected: () => ({ out: `${secrets().aclUser}\n`, err: '', code: 0 }),
  },
  {
    name: '-u redis://user:password@host:port',
    args: () => ['-u', `redis://${secrets().aclUser}:${secrets().aclPassword}@127.0.0.1:${pw()}`, 'acl', 'whoami'],
    expected: () => ({ out: `${secrets().aclUser}\n`, err: PW_WARNING, code: 0 }),
  },
  {
    name: '-u redis://password@host:port (no user)',
    args: () => ['-u', `redis://${secrets().requirepass}@127.0.0.1:${pw()}`, 'ping'],
    expected: () => ({ out: 'PONG\n', err: PW_WARNING, code: 0 }),
  },
  {
    name: '-u redis://:password@ sends AUTH "" password (an empty user, as redis-cli 7.0.15)',
    args: () => ['--no-auth-warning', '-u', `redis://:${secrets().requirepass}@127.0.0.1:${pw()}`, 'ping'],
    expected: () => ({ out: 'NOAUTH Authentication required.\n\n', err: WRONGPASS, code: 0 }),
  },
  {
    name: '-u with a percent-encoded password and a db',
    args: () => ['--no-auth-warning', '-u', `redis://%61lice:%61licepw@127.0.0.1:${pw()}/4`, 'client', 'info'],
    norm: clientState,
    expected: () => ({ out: 'db=4 user=alice resp=2\n', err: '', code: 0 }),
  },
  {
    name: '--askpass reads the password from piped stdin',
    args: () => ['-p', pw(), '--askpass', 'ping'],
    stdin: `${'s3cret'}\n`,
    expected: () => ({ out: 'PONG\n', err: '', code: 0 }),
  },
  {
    name: 'no password: NOAUTH is a reply, exit 0',
    args: () => ['-p', pw(), 'ping'],
    expected: () => ({ out: 'NOAUTH Authentication required.\n\n', err: '', code: 0 }),
  },
  // SELECT
  {
    name: '-n 5',
    args: () => ['-p', main(), '-n', '5', 'client', 'info'],
    norm: clientState,
    expected: () => ({ out: 'db=5 user=default resp=2\n', err: '', code: 0 }),
  },
  {
    name: '-n 300: "SELECT 300 failed" and the command still runs',
    args: () => ['-p', main(), '-n', '300', 'client', 'info'],
    norm: clientState,
    expected: () => ({ out: 'db=0 user=default resp=2\n', err: 'SELECT 300 failed: ERR DB index is out of range\n', code: 0 }),
  },
  {
    name: '-n 300 -3: after a failed SELECT no HELLO is sent (cliConnect returns early)',
    args: () => ['-p', main(), '-n', '300', '-3', 'client', 'info'],
    norm: clientState,
    expected: () => ({ out: 'db=0 user=default resp=2\n', err: 'SELECT 300 failed: ERR DB index is out of range\n', code: 0 }),
  },
  {
    name: '-a wrong -n 3 -3: after a failed AUTH neither SELECT nor HELLO is sent',
    args: () => ['-p', pw(), '--no-auth-warning', '-a', 'wrong', '-n', '3', '-3', 'ping'],
    expected: () => ({ out: 'NOAUTH Authentication required.\n\n', err: WRONGPASS, code: 0 }),
  },
  {
    name: '-a -n 3 -3 on the password server',
    args: () => ['-p', pw(), '--no-auth-warning', '-a', secrets().requirepass, '-n', '3', '-3', 'client', 'info'],
    norm: clientState,
    expected: () => ({ out: 'db=3 user=default resp=3\n', err: '', code: 0 }),
  },
  // HELLO
  {
    name: '-3: RESP3 map, TTY',
    args: () => ['-p', main(), '-3', 'debug', 'protocol', 'map'],
    env: () => ({ FAKETTY: '1' }),
    expected: () => ({ out: '1# (integer) 0 => (false)\n2# (integer) 1 => (true)\n3# (integer) 2 => (false)\n', err: '', code: 0 }),
  },
  {
    name: '-2: the same map as a RESP2 array',
    args: () => ['-p', main(), '-2', 'debug', 'protocol', 'map'],
    env: () => ({ FAKETTY: '1' }),
    expected: () => ({ out: '1) (integer) 0\n2) (integer) 0\n3) (integer) 1\n4) (integer) 1\n5) (integer) 2\n6) (integer) 0\n', err: '', code: 0 }),
  },
  {
    name: '--json implies HELLO 3',
    args: () => ['-p', main(), '--json', 'hello'],
    norm: helloId,
    expected: () => ({ out: '{"server":"redis","version":"7.0.15","proto":3,"id":N,"mode":"standalone","role":"master","modules":[]}\n', err: '', code: 0 }),
  },
  {
    name: '--json -2: no HELLO',
    args: () => ['-p', main(), '--json', '-2', 'debug', 'protocol', 'map'],
    expected: () => ({ out: '[0,0,1,1,2,0]\n', err: '', code: 0 }),
  },
  {
    name: '--json then --raw still sends HELLO 3',
    args: () => ['-p', main(), '--json', '--raw', 'client', 'info'],
    norm: clientState,
    expected: () => ({ out: 'db=0 user=default resp=3\n', err: '', code: 0 }),
  },
  {
    name: '-3 without AUTH on the password server: "HELLO 3 failed" and go on',
    args: () => ['-p', pw(), '-3', 'ping'],
    expected: () => ({ out: 'NOAUTH Authentication required.\n\n', err: HELLO_NOAUTH, code: 0 }),
  },
  {
    name: '--json without AUTH on the password server: HELLO failure tolerated',
    args: () => ['-p', pw(), '--json', 'ping'],
    expected: () => ({ out: 'error:"NOAUTH Authentication required."\n', err: HELLO_NOAUTH, code: 0 }),
  },
  {
    name: 'TLS: -a, -n and -3 over the password server\'s TLS port',
    args: () => ['--tls', '--cacert', lab().certs.ca, '-p', pwTls(), '--no-auth-warning', '-a', secrets().requirepass, '-n', '2', '-3', 'client', 'info'],
    norm: clientState,
    expected: () => ({ out: 'db=2 user=default resp=3\n', err: '', code: 0 }),
  },
  {
    name: 'piped commands: AUTH failure reported once at connect, then every command runs',
    args: () => ['-p', pw(), '--no-auth-warning', '-a', 'wrong'],
    stdin: 'ping\nauth s3cret\nping\n',
    expected: () => ({ out: 'NOAUTH Authentication required.\n\nOK\nPONG\n', err: WRONGPASS, code: 0 }),
  },
];

const runOpts = (row: Row): RunOptions => ({ env: row.env?.(), ...(row.stdin === undefined ? {} : { stdin: row.stdin }) });

describe.concurrent('connect: AUTH, SELECT, HELLO', () => {
  it.each(rows)('$name', async (row) => {
    const ours = seen(await run(TREDIS_CLI, row.args(), runOpts(row)), row.norm);
    expect(ours).toEqual(row.expected());
  });

  it.each(rows)('$name — same bytes as redis-cli 7.0.15', async (row) => {
    requireRedisCli();
    const [ours, ref] = await Promise.all([run(TREDIS_CLI, row.args(), runOpts(row)), run('redis-cli', row.args(), runOpts(row))]);
    expect(seen(ours, row.norm)).toEqual(seen(ref, row.norm));
  });
});

// ---------------------------------------------------------------------------------------------
// A server that dies while a command waits for its reply

/** Sends one command over plain RESP and resolves with the reply text. */
function rawCommand(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const m = /^\$(\d+)\r\n/.exec(buf);
      if (m && buf.length >= m[0].length + Number(m[1]) + 2) {
        s.destroy();
        resolve(buf.slice(m[0].length, m[0].length + Number(m[1])));
      }
    });
    s.on('error', reject);
  });
}

async function waitBlocked(port: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (/blocked_clients:1\b/.test(await rawCommand(port, 'INFO', 'clients'))) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the client never blocked');
}

interface Death {
  out: string;
  err: string;
  code: number | null;
}

/**
 * Starts a throwaway redis-server, runs `program` against it (BLPOP, which blocks), SIGKILLs the
 * server once the client is blocked, then (stdin mode) sends two more commands.
 */
async function dieMidCommand(program: string, mode: 'oneshot' | 'stdin', useTls = false): Promise<Death & { port: number }> {
  const c = lab().certs;
  const server = await startRedis({ dir: lab().dir, name: `dies-${mode}`, plain: true, ...(useTls ? { tls: { cert: c.serverCert, key: c.serverKey, ca: c.ca } } : {}) });
  const port = server.port!;
  try {
    const target = useTls ? ['--tls', '--cacert', c.ca, '-p', String(server.tlsPort)] : ['-p', String(port)];
    const args = mode === 'oneshot' ? [...target, 'blpop', 'k', '0'] : target;
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('latin1')));
    child.stdin.on('error', () => undefined);
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    if (mode === 'stdin') child.stdin.write('ping\nblpop k 0\n');
    else child.stdin.end();
    await waitBlocked(port);
    process.kill(server.pid, 'SIGKILL'); // the PID we started
    await server.stop();
    if (mode === 'stdin') {
      await new Promise((r) => setTimeout(r, 200));
      child.stdin.end('ping\nping\n');
    }
    const code = await exited;
    clearTimeout(killer);
    return { out, err, code, port };
  } finally {
    await server.stop();
  }
}

const norm = (d: Death & { port: number }): Death => ({ ...d, err: d.err.replaceAll(`:${d.port}:`, ':PORT:') });

describe.concurrent('a server that dies mid-command', () => {
  it('one-shot: "Error: Server closed the connection", exit 1', async () => {
    const d = await dieMidCommand(TREDIS_CLI, 'oneshot');
    expect(norm(d)).toEqual({ out: '', err: 'Error: Server closed the connection\n', code: 1, port: d.port });
  });

  it('piped: the error, then "Connection refused" per command, exit 0', async () => {
    const d = await dieMidCommand(TREDIS_CLI, 'stdin');
    const refused = 'Could not connect to Redis at 127.0.0.1:PORT: Connection refused\n';
    expect(norm(d)).toEqual({ out: 'PONG\n', err: `Error: Server closed the connection\n${refused}${refused}`, code: 0, port: d.port });
  });

  it('one-shot over TLS: redis-cli\'s words (a killed server is not a client-certificate problem)', async () => {
    const d = await dieMidCommand(TREDIS_CLI, 'oneshot', true);
    expect(d.out).toBe('');
    expect(d.err).toMatch(/^Error: Server closed the connection\n(hint: .*\n)?$/);
    expect(d.code).toBe(1);
  });

  it.each(['oneshot', 'stdin'] as const)('%s: same as redis-cli 7.0.15', async (mode) => {
    requireRedisCli();
    const [ours, ref] = await Promise.all([dieMidCommand(TREDIS_CLI, mode), dieMidCommand('redis-cli', mode)]);
    expect({ ...norm(ours), port: 0 }).toEqual({ ...norm(ref), port: 0 });
  });
});

// ---------------------------------------------------------------------------------------------
// Fake servers answering garbage

interface Fake {
  port: number;
  close(): Promise<void>;
}

/** A node:net server that answers every chunk it receives with `reply` (or 'close': a FIN, no reply). */
async function fakeServer(reply: string | 'close'): Promise<Fake> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    // Closing only once the request is read gives a clean EOF (closing at accept races into a RST).
    s.on('data', () => (reply === 'close' ? s.end() : s.write(reply)));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

let garbage: Fake;
let closer: Fake;
beforeAll(async () => {
  [garbage, closer] = await Promise.all([fakeServer('?garbage\r\n'), fakeServer('close')]);
});
afterAll(async () => {
  await Promise.all([garbage?.close(), closer?.close()]);
});

const PROTOCOL_ERROR = 'Error: Protocol error, got "?" as reply type byte\n';

describe.concurrent('malformed and missing replies', () => {
  it('one-shot, "?garbage": no crash, the hiredis protocol error, exit 1', async () => {
    const r = seen(await run(TREDIS_CLI, ['-p', String(garbage.port), 'ping']));
    expect(r).toEqual({ out: '', err: PROTOCOL_ERROR, code: 1 });
  });

  it('one-shot, "?garbage" with -3: the HELLO reply is the garbage ("\\nI/O error" first, as cliSwitchProto)', async () => {
    const r = seen(await run(TREDIS_CLI, ['-p', String(garbage.port), '-3', 'ping']));
    expect(r).toEqual({ out: '', err: `\nI/O error\n${PROTOCOL_ERROR}`, code: 1 });
  });

  it('one-shot, "?garbage" with -a: the AUTH reply is the garbage', async () => {
    const r = seen(await run(TREDIS_CLI, ['-p', String(garbage.port), '--no-auth-warning', '-a', 'x', 'ping']));
    expect(r).toEqual({ out: '', err: `\nI/O error\n${PROTOCOL_ERROR}`, code: 1 });
  });

  it('one-shot, the server closes without replying: "Error: Server closed the connection", exit 1', async () => {
    const r = seen(await run(TREDIS_CLI, ['-p', String(closer.port), 'ping']));
    expect(r).toEqual({ out: '', err: 'Error: Server closed the connection\n', code: 1 });
  });

  // redis-cli's cliReadReply exits 1 on a protocol error even when commands are piped (only EOF,
  // ECONNRESET and EPIPE are survivable there).
  it('piped, "?garbage": one protocol error, then exit 1 (as redis-cli)', async () => {
    const r = seen(await run(TREDIS_CLI, ['-p', String(garbage.port)], { stdin: 'ping\nping\n' }));
    expect(r).toEqual({ out: '', err: PROTOCOL_ERROR, code: 1 });
  });

  it.each([
    { name: 'one-shot garbage', args: () => ['-p', String(garbage.port), 'ping'], stdin: undefined },
    { name: 'one-shot garbage, -3', args: () => ['-p', String(garbage.port), '-3', 'ping'], stdin: undefined },
    { name: 'piped garbage', args: () => ['-p', String(garbage.port)], stdin: 'ping\nping\n' },
    { name: 'one-shot garbage, -a', args: () => ['-p', String(garbage.port), '--no-auth-warning', '-a', 'x', 'ping'], stdin: undefined },
    { name: 'one-shot, closed without a reply', args: () => ['-p', String(closer.port), 'ping'], stdin: undefined },
  ])('$name: same as redis-cli 7.0.15', async ({ args, stdin }) => {
    requireRedisCli();
    const opts = stdin === undefined ? {} : { stdin };
    const [ours, ref] = await Promise.all([run(TREDIS_CLI, args(), opts), run('redis-cli', args(), opts)]);
    expect(seen(ours)).toEqual(seen(ref));
  });
});
