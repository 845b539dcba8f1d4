// One TLS plan per target (issue 7): every way of reaching a server — start-up, the REPL's and piped
// `connect` — sends SNI and checks the certificate for the host it is going to, not the first one.
// A redis-server of its own serves a certificate that names only DNS:localhost, so the two rows of
// the issue are told apart: `connect 127.0.0.1 PORT` after `-h localhost` must fail with the host
// name explanation; `connect localhost PORT` after `-h 127.0.0.1` must work.
// Also: no silent downgrade (every TLS setting that cannot be applied is an error before any
// connection) and the plaintext probe (no second connection for a normal --tls connect).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisHandle } from '../../scripts/lib/tls-lab.mjs';
import { PtySession } from '../helpers/pty.js';
import { run, TREDIS_CLI, type RunOptions } from '../helpers/run.js';
import { lab } from '../setup/env.js';

let dir: string;
let server: RedisHandle;
/** A TCP port that counts the connections it accepts (and never answers). */
let counter: net.Server;
let accepted = 0;

/** A server certificate with subjectAltName DNS:localhost only, signed by the lab CA. */
function makeLocalhostOnlyCert(into: string): { cert: string; key: string } {
  const key = path.join(into, 'localhost-only.key');
  const csr = path.join(into, 'localhost-only.csr');
  const cert = path.join(into, 'localhost-only.crt');
  const ext = path.join(into, 'localhost-only.ext');
  writeFileSync(ext, 'subjectAltName = DNS:localhost\nextendedKeyUsage = serverAuth\n');
  const env = { ...process.env, OPENSSL_CONF: '/dev/null' };
  try {
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=localhost-only'], { env, stdio: 'pipe' });
    execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', lab().certs.ca, '-CAkey', lab().certs.caKey, '-CAcreateserial', '-CAserial', path.join(into, 'ca.srl'), '-days', '90', '-extfile', ext, '-out', cert], { env, stdio: 'pipe' });
  } catch (err) {
    throw new Error(`openssl failed (install it: apt-get install openssl): ${String((err as { stderr?: Buffer }).stderr ?? err)}`);
  }
  return { cert, key };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tredis-tls-plan-'));
  const { cert, key } = makeLocalhostOnlyCert(dir);
  server = await startRedis({ dir, name: 'localhost-only', plain: true, tls: { cert, key, ca: lab().certs.ca } });
  counter = net.createServer((s) => {
    accepted++;
    s.on('error', () => undefined);
    s.destroy();
  });
  await new Promise<void>((r) => counter.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  await server?.stop();
  await new Promise<void>((r) => (counter ? counter.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

const port = () => String(server.tlsPort);
const TLS = () => ['--tls', '--cacert', lab().certs.ca, '-p', port()];
const MISMATCH_127 = 'the certificate does not match the host name "127.0.0.1": its names are DNS:localhost';

async function cli(args: string[], opts: RunOptions = {}) {
  const env = { SSL_CERT_FILE: undefined, SSL_CERT_DIR: undefined, ...opts.env };
  const r = await run(TREDIS_CLI, args, { timeoutMs: 15_000, ...opts, env });
  return { ...r, out: r.stdout.toString('latin1'), err: r.stderr.toString('latin1') };
}

describe.concurrent('one TLS plan per target: piped `connect`', () => {
  it('the certificate names only localhost: -h localhost works, -h 127.0.0.1 fails (the base rows)', async () => {
    const ok = await cli([...TLS(), '-h', 'localhost', 'ping']);
    expect(ok.out).toBe('PONG\n');
    const bad = await cli([...TLS(), '-h', '127.0.0.1', 'ping']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(MISMATCH_127);
  });

  it('-h localhost, then `connect 127.0.0.1 PORT`: the new target is verified as 127.0.0.1 and fails', async () => {
    const r = await cli([...TLS(), '-h', 'localhost'], { stdin: `ping\nconnect 127.0.0.1 ${port()}\nping\n` });
    // The first PING reaches localhost; nothing after the connect line does.
    expect(r.out).toBe('PONG\n');
    expect(r.err).toContain(`Could not connect to Redis at 127.0.0.1:${port()}: TLS handshake failed: ${MISMATCH_127}`);
    expect(r.err).toContain('hint: connect with -h set to one of those names');
  });

  it('-h 127.0.0.1, then `connect localhost PORT`: SNI and the check use localhost and it works', async () => {
    const r = await cli([...TLS(), '-h', '127.0.0.1'], { stdin: `connect localhost ${port()}\nping\n` });
    expect(r.err).toContain(MISMATCH_127); // the connect at start
    expect(r.err).not.toContain('"localhost"');
    expect(r.out).toBe('PONG\n');
    expect(r.code).toBe(0);
  });
});

describe('one TLS plan per target: the REPL\'s `connect`', () => {
  const open: PtySession[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const tredis = (args: string[]) => {
    const s = PtySession.tredis(args, { rows: 40, cols: 200, env: { SSL_CERT_FILE: undefined, SSL_CERT_DIR: undefined } });
    open.push(s);
    return s;
  };

  it('-h localhost, then `connect 127.0.0.1 PORT` fails with the host name explanation', async () => {
    const t = tredis([...TLS(), '-h', 'localhost']);
    await t.waitForCursorLine(new RegExp(`^localhost:${port()}( \\[TLS\\])?>`));
    t.type(`connect 127.0.0.1 ${port()}\r`);
    await t.waitForScreen((s) => s.includes(MISMATCH_127), 10_000, { scrollback: true });
  });

  it('-h 127.0.0.1, then `connect localhost PORT` works', async () => {
    const t = tredis([...TLS(), '-h', '127.0.0.1']);
    await t.waitForScreen((s) => s.includes(MISMATCH_127), 10_000, { scrollback: true });
    t.type(`connect localhost ${port()}\r`);
    await t.waitForCursorLine(new RegExp(`^localhost:${port()}( \\[TLS\\])?>`));
    t.type('ping\r');
    await t.waitForScreen((s) => s.includes('PONG'), 10_000, { scrollback: true });
  });
});

/** Runs tredis-cli against the counting port: the error, and how many connections it opened. */
async function badSetting(args: string[]) {
  const before = accepted;
  const r = await cli(['--tls', '--insecure', '-p', String((counter.address() as AddressInfo).port), ...args, 'ping']);
  return { ...r, connections: accepted - before };
}

describe.concurrent('no silent TLS downgrade: a setting that cannot be applied is an error before any connection', () => {
  it.each([
    { name: 'unknown cipher', args: ['--tls-ciphers', 'BOGUS'], message: 'Could not apply --tls-ciphers "BOGUS": "BOGUS" is not a cipher or alias this OpenSSL knows' },
    { name: 'one good and one unknown cipher', args: ['--tls-ciphers', 'ECDHE-RSA-AES128-GCM-SHA256:BOGUS'], message: '"BOGUS" is not a cipher or alias this OpenSSL knows' },
    { name: 'a misspelt exclusion', args: ['--tls-ciphers', 'HIGH:!aNUL'], message: '"aNUL" is not a cipher or alias this OpenSSL knows' },
    { name: 'a cipher this OpenSSL does not offer', args: ['--tls-ciphers', 'RC4'], message: '"RC4" selects no cipher this OpenSSL offers' },
    { name: 'a TLS 1.3 suite in --tls-ciphers', args: ['--tls-ciphers', 'TLS_AES_128_GCM_SHA256'], message: 'is a TLS 1.3 suite; --tls-ciphers sets TLS 1.2 and older ciphers' },
    { name: 'unknown suite', args: ['--tls-ciphersuites', 'BOGUS'], message: 'Could not apply --tls-ciphersuites "BOGUS": "BOGUS" is not a TLS 1.3 cipher suite this OpenSSL knows' },
    { name: 'one good and one unknown suite', args: ['--tls-ciphersuites', 'TLS_AES_128_GCM_SHA256:TLS_BOGUS'], message: '"TLS_BOGUS" is not a TLS 1.3 cipher suite' },
    { name: 'a suite in lower case', args: ['--tls-ciphersuites', 'tls_aes_128_gcm_sha256'], message: 'must be written TLS_AES_128_GCM_SHA256' },
    { name: 'unknown group', args: ['--tls-groups', 'BOGUS'], message: 'Could not apply --tls-groups "BOGUS": "BOGUS" is not a key exchange group this OpenSSL knows' },
    { name: 'one good and one unknown group', args: ['--tls-groups', 'X25519:BOGUS'], message: '"BOGUS" is not a key exchange group' },
    { name: 'an empty version range', args: ['--tls-min-version', 'TLSv1.3', '--tls-max-version', 'TLSv1.2'], message: 'Could not apply --tls-min-version TLSv1.3 with --tls-max-version TLSv1.2: no TLS version is in that range' },
    { name: 'no suite left at TLS 1.3 only', args: ['--tls-ciphersuites', '', '--tls-min-version', 'TLSv1.3'], message: 'no cipher suite is left' },
    { name: 'an unknown version', args: ['--tls-min-version', 'TLSv1.4'], message: "Invalid --tls-min-version value 'TLSv1.4' (valid: 1.0, 1.1, 1.2, 1.3)", noHint: true },
    { name: 'a pin that is not a SHA-256 hash', args: ['--pin-sha256', 'not-a-hash'], message: 'Could not apply --pin-sha256 "not-a-hash"' },
  ])('$name', async ({ args, message, noHint }) => {
    const r = await badSetting(args);
    expect(r.err).toContain(message);
    if (!noHint) expect(r.err).toMatch(/\nhint: /);
    expect(r.out).toBe('');
    expect(r.code).toBe(1);
    expect(r.connections).toBe(0);
  });

  it('the same settings, valid, connect (the check rejects nothing that works)', async () => {
    const r = await cli([...TLS(), '-h', 'localhost', '--tls-ciphers', 'ECDHE-ECDSA-AES128-GCM-SHA256:HIGH:!aNULL:!MD5:!RC4', '--tls-ciphersuites', 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256', '--tls-groups', 'X25519:P-256', '--tls-min-version', 'TLSv1.2', '--tls-max-version', 'TLSv1.3', 'ping']);
    expect(r.err).toBe('');
    expect(r.out).toBe('PONG\n');
  });
});

/** total_connections_received, read over a raw plaintext socket (itself one connection). */
function connectionsReceived(): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port: server.port! });
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const m = /total_connections_received:(\d+)/.exec(buf);
      if (m && buf.includes('\r\n', buf.indexOf(m[0]))) {
        sock.destroy();
        resolve(Number(m[1]));
      }
    });
    sock.on('error', reject);
    sock.write('INFO stats\r\n');
  });
}

describe('the plaintext probe has no side effects', () => {
  it('a normal --tls connect opens exactly one connection (no plaintext probe)', async () => {
    const before = await connectionsReceived();
    for (let i = 0; i < 5; i++) {
      const r = await cli([...TLS(), '-h', 'localhost', 'ping']);
      expect(r.out).toBe('PONG\n');
    }
    const after = await connectionsReceived();
    expect(after - before).toBe(5 + 1); // five runs, and the INFO connection of `after`
  });
});

describe('secrets and files', () => {
  it('a --key readable by group/others gets a warning naming the file; 0600 does not', async () => {
    const c = lab().certs;
    const key = path.join(dir, 'client.key');
    copyFileSync(c.clientKey, key);
    chmodSync(key, 0o644);
    const args = ['--tls', '--cacert', c.ca, '-p', String(lab().servers.main.tlsPort), '--cert', c.clientCert, '--key', key, 'ping'];
    const loose = await cli(args);
    expect(loose.out).toBe('PONG\n');
    expect(loose.err).toBe('Warning: private key file client.key is readable by group/others (mode 0644); chmod 600 it\n');
    chmodSync(key, 0o600);
    const tight = await cli(args);
    expect(tight.out).toBe('PONG\n');
    expect(tight.err).toBe('');
  });
});
