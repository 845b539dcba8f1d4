// One TLS plan per target (issue 7): every way of reaching a server — start-up, the REPL's and piped
// `connect` — sends SNI and checks the certificate for the host it is going to, not the first one.
// A redis-server of its own serves a certificate that names only DNS:localhost, so the two rows of
// the issue are told apart: `connect 127.0.0.1 PORT` after `-h localhost` must fail with the host
// name explanation; `connect localhost PORT` after `-h 127.0.0.1` must work.
// Also: no silent downgrade (every TLS setting that cannot be applied is an error before any
// connection) and the plaintext probe (no second connection for a normal --tls connect).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import tls from 'node:tls';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACL_PASSWORD, ACL_USER, CLIENT_KEY_PASSPHRASE, P12_PASSPHRASE, REQUIREPASS, startRedis, type RedisHandle } from '../../scripts/lib/tls-lab.mjs';
import type { TlsConfig } from '../../src/connection/config.js';
import { planTls } from '../../src/connection/options.js';
import { openTransport } from '../../src/connection/transport.js';
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
    { name: 'a key log in a missing folder', args: ['--tls-keylog', '/nonexistent-dir/keys.log'], message: 'Could not open the TLS key log /nonexistent-dir/keys.log: no such folder' },
  ])('$name', async ({ args, message, noHint }) => {
    const r = await badSetting(args);
    expect(r.err).toContain(message);
    if (!noHint) expect(r.err).toMatch(/\nhint: /);
    expect(r.out).toBe('');
    expect(r.code).toBe(1);
    expect(r.connections).toBe(0);
  });

  it('SSLKEYLOGFILE that cannot be written: the same error, naming the variable', async () => {
    const before = accepted;
    const r = await cli(['--tls', '--insecure', '-p', String((counter.address() as AddressInfo).port), 'ping'], { env: { SSLKEYLOGFILE: '/nonexistent-dir/keys.log' } });
    expect(r.err).toBe('Could not open the TLS key log /nonexistent-dir/keys.log (SSLKEYLOGFILE): no such folder\nhint: unset SSLKEYLOGFILE, or point it at a file that can be written\n');
    expect(r.code).toBe(1);
    expect(accepted - before).toBe(0);
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
    for (let i = 0; i < 3; i++) {
      const r = await cli([...TLS(), '-h', 'localhost', 'ping']);
      expect(r.out).toBe('PONG\n');
    }
    const after = await connectionsReceived();
    expect(after - before).toBe(3 + 1); // three runs, and the INFO connection of `after`
  });

  /**
   * A port whose first connection says nothing for `holdMs` and then either completes a real TLS
   * handshake or resets; every later connection (a plaintext probe) is held open silently. Records
   * when each connection opened and closed.
   */
  async function slowServer(holdMs: number, then: 'handshake' | 'reset') {
    const c = lab().certs;
    const secureContext = tls.createSecureContext({ cert: readFileSync(c.serverCert), key: readFileSync(c.serverKey) });
    const conns: Array<{ opened: number; closed?: number }> = [];
    const srv = net.createServer((sock) => {
      const rec: { opened: number; closed?: number } = { opened: Date.now() };
      conns.push(rec);
      sock.on('close', () => (rec.closed = Date.now()));
      sock.on('error', () => undefined);
      if (conns.length > 1) return void sock.resume(); // the probe: read (to see its close), never answered
      sock.pause();
      setTimeout(() => {
        if (then === 'reset') sock.resetAndDestroy();
        else new tls.TLSSocket(sock, { isServer: true, secureContext }).on('error', () => undefined);
      }, holdMs);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return { port: (srv.address() as AddressInfo).port, conns, close: () => new Promise<void>((r) => srv.close(() => r())) };
  }

  async function open(port: number, timeoutMs = 5000) {
    const tlsCfg: TlsConfig = { insecure: true, verifyHostname: false };
    const config = { host: '127.0.0.1', port, tls: tlsCfg, timeoutMs };
    const t0 = Date.now();
    try {
      const t = await openTransport(config, { tlsPlan: planTls(config, tlsCfg, {}, { readFile: readFileSync, readDir: () => [], exists: () => false }) });
      t.socket.destroy();
      return { ok: true, t0, ended: Date.now() };
    } catch {
      return { ok: false, t0, ended: Date.now() };
    }
  }

  it.each(['handshake', 'reset'] as const)('a slow handshake (0.9 s) gets no probe at all (%s)', async (then) => {
    const server = await slowServer(900, then);
    try {
      const r = await open(server.port);
      expect(r.ok).toBe(then === 'handshake');
      await new Promise((res) => setTimeout(res, 100));
      expect(server.conns.length).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('a server silent to the ClientHello: the probe opens only once the handshake has failed (-t minus the reserve), and ends within -t', async () => {
    const server = await slowServer(3000, 'reset'); // silent past the client's -t of 2 s
    try {
      const r = await open(server.port, 2000); // the reserve for the probe: 0.5 s
      expect(r.ok).toBe(false);
      await new Promise((res) => setTimeout(res, 100));
      expect(server.conns.length).toBe(2);
      const probe = server.conns[1]!;
      expect(probe.opened - r.t0).toBeGreaterThanOrEqual(1400); // not at 0.5 s as before
      expect(probe.closed, 'the probe connection is closed').toBeDefined();
      expect(r.ended - r.t0).toBeLessThan(2000 + 300);
    } finally {
      await server.close();
    }
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
    expect(loose.err).toBe(`Warning: private key file ${key} is readable by group/others (mode 0644); chmod 600 it\n`);
    chmodSync(key, 0o600);
    const tight = await cli(args);
    expect(tight.out).toBe('PONG\n');
    expect(tight.err).toBe('');
  });

  // Every output of runs that carry a password or a key passphrase, good and bad, in every report
  // format: the secret appears nowhere (errors, --show-handshake text and JSON, -u URIs).
  it('passwords and key passphrases never appear in errors or --show-handshake output', { timeout: 120_000 }, async () => {
    const c = lab().certs;
    const pw = lab().servers.password;
    const tls = ['--tls', '--cacert', c.ca];
    const WRONG = 'wr0ng-Secret-xyz';
    const runs: Array<{ args: string[]; env?: Record<string, string> }> = [
      { args: [...tls, '-p', String(pw.tlsPort), '-a', REQUIREPASS, '--show-handshake', 'ping'] },
      { args: [...tls, '-p', String(pw.tlsPort), '-a', WRONG, '--show-handshake', 'ping'] },
      { args: [...tls, '-p', String(pw.tlsPort), '--user', ACL_USER, '--pass', ACL_PASSWORD, '--show-handshake=json', 'ping'] },
      { args: [...tls, '-p', String(pw.tlsPort), '--user', ACL_USER, '--pass', WRONG, '--show-handshake=json', 'ping'] },
      { args: ['-u', `rediss://${ACL_USER}:${WRONG}@127.0.0.1:${pw.tlsPort}`, '--cacert', c.ca, '--show-handshake=json', 'ping'] },
      { args: ['-u', `rediss://${ACL_USER}:${WRONG}@127.0.0.1:${pw.tlsPort}/9x`, '--cacert', c.ca, 'ping'] },
      { args: ['-u', `redis://${ACL_USER}:${WRONG}@127.0.0.1:1`, 'ping'] },
      { args: ['-u', `redis://${ACL_USER}:${WRONG}%zz@127.0.0.1:1`, 'ping'] },
      { args: [...tls, '-p', String(lab().servers.mtls.tlsPort), '--cert', c.clientEncCert, '--key', c.clientEncKey, '--key-pass-env', 'KP', '--show-handshake', 'ping'], env: { KP: CLIENT_KEY_PASSPHRASE } },
      { args: [...tls, '-p', String(lab().servers.mtls.tlsPort), '--cert', c.clientEncCert, '--key', c.clientEncKey, '--key-pass-env', 'KP', '--show-handshake=json', 'ping'], env: { KP: WRONG } },
      { args: [...tls, '-p', String(lab().servers.mtls.tlsPort), '--p12', c.clientP12, '--key-pass-env', 'KP', '--show-handshake=json', 'ping'], env: { KP: P12_PASSPHRASE } },
      { args: [...tls, '-p', String(lab().servers.mtls.tlsPort), '--p12', c.clientP12, '--key-pass-env', 'KP', '--show-handshake', 'ping'], env: { KP: WRONG } },
    ];
    const results: Array<Awaited<ReturnType<typeof cli>>> = [];
    for (let i = 0; i < runs.length; i += 4) {
      results.push(...(await Promise.all(runs.slice(i, i + 4).map((r) => cli(r.args, { env: r.env, timeoutMs: 30_000 })))));
    }
    for (const [i, r] of results.entries()) {
      const all = r.out + r.err;
      expect(r.timedOut, `run ${i} timed out`).toBe(false);
      expect(all.length, `run ${i} printed something`).toBeGreaterThan(0);
      for (const secret of [REQUIREPASS, ACL_PASSWORD, CLIENT_KEY_PASSPHRASE, P12_PASSPHRASE, WRONG]) {
        expect(all.includes(secret), `run ${i} (${runs[i]!.args.join(' ')}) printed ${secret}:\n${all}`).toBe(false);
      }
    }
    // The good runs did authenticate (so the secrets were really in play).
    expect(results[0]!.out).toContain('PONG');
    expect(results[2]!.out).toContain('PONG');
    expect(results[8]!.out).toContain('PONG');
    expect(results[10]!.out).toContain('PONG');
  });
});
