// Proves the TLS lab (scripts/lib/tls-lab.mjs) before anything else relies on it. Talks to the
// servers with node:net / node:tls and hand-written RESP, independent of src/.
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { makeCerts, startRedis } from '../../scripts/lib/tls-lab.mjs';
import { lab, type LabServer } from '../setup/env.js';

const TIMEOUT_MS = 5_000;

/** RESP array of bulk strings, written out by hand. */
function resp(...args: string[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return Buffer.from(out);
}

/** Writes `payload`, resolves with the first `lines` reply lines (without \r\n), closes. */
function exchange(socket: net.Socket, payload: Buffer, lines = 1): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => finish(new Error(`no reply within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    const finish = (err: Error | null, value?: string[]) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value ?? []);
    };
    socket.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      const got = buf.split('\r\n');
      if (got.length > lines) finish(null, got.slice(0, lines));
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error(`closed before reply; got ${JSON.stringify(buf)}`)));
    socket.write(payload);
  });
}

function connected<T extends net.Socket>(socket: T, event: 'connect' | 'secureConnect'): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no ${event} within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    socket.once(event, () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

const plain = (port: number | null) => connected(net.connect({ host: '127.0.0.1', port: port! }), 'connect');
const unix = (socketPath: string) => connected(net.connect({ path: socketPath }), 'connect');

/** TLS to a lab server; trusts ca.crt unless `options` says otherwise. */
function secure(server: LabServer, options: tls.ConnectionOptions = {}) {
  const base: tls.ConnectionOptions = {
    host: '127.0.0.1', // an IP: no SNI, checked against SAN IP:127.0.0.1
    port: server.tlsPort!,
    ca: readFileSync(lab().certs.ca),
  };
  return connected(tls.connect({ ...base, ...options }), 'secureConnect');
}

const ping = async (socket: Promise<net.Socket>) => (await exchange(await socket, resp('PING')))[0];

/** Code of the TLS verification failure, or 'OK'. */
async function verifyCode(server: LabServer, options: tls.ConnectionOptions = {}): Promise<string> {
  try {
    (await secure(server, options)).destroy();
    return 'OK';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

describe('TLS lab certificates', () => {
  it('are cached: makeCerts on the same folder returns the same files unchanged', async () => {
    const { certs } = lab();
    const before = readFileSync(certs.ca, 'utf8');
    const again = await makeCerts(certs.dir);
    expect(again).toEqual(certs);
    expect(readFileSync(certs.ca, 'utf8')).toBe(before);
  });

  it('have the promised key types, names and validity', () => {
    const { certs } = lab();
    const x509 = (f: string) => new X509Certificate(readFileSync(f));
    expect(x509(certs.ca).subject).toContain('CN=tredis test CA');
    expect(x509(certs.serverCert).publicKey.asymmetricKeyType).toBe('ec');
    expect(x509(certs.serverCert).subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(x509(certs.clientCert).subject).toContain('CN=tredis test client');
    expect(x509(certs.clientCert).publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x509(certs.wrongHostCert).subjectAltName).toBe('DNS:wrong.example.com');
    expect(x509(certs.interCa).ca).toBe(true);
    expect(x509(certs.leafChainCert).checkIssued(x509(certs.interCa))).toBe(true);
    expect(readFileSync(certs.leafFullchainCert, 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    const daysLeft = (Date.parse(x509(certs.expiringCert).validTo) - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(4);
    expect(daysLeft).toBeLessThanOrEqual(5);
    expect(Date.parse(x509(certs.expiredCert).validTo)).toBeLessThan(Date.now());
    expect(Date.parse(x509(certs.notYetCert).validFrom)).toBeGreaterThan(Date.now());
    expect(readFileSync(certs.clientEncKey, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(readdirSync(certs.caDir)).toEqual(['my-ca.pem']);
  });

  it('include a PKCS#12 bundle and an encrypted key that Node loads', () => {
    const { certs, secrets } = lab();
    expect(() =>
      tls.createSecureContext({ pfx: readFileSync(certs.clientP12), passphrase: secrets.p12Passphrase }),
    ).not.toThrow();
    const encrypted = { cert: readFileSync(certs.clientEncCert), key: readFileSync(certs.clientEncKey) };
    expect(() => tls.createSecureContext({ ...encrypted, passphrase: secrets.clientKeyPassphrase })).not.toThrow();
    expect(() => tls.createSecureContext(encrypted)).toThrow();
  });
});

describe('TLS lab servers', () => {
  it('main answers PING over plaintext, TLS and its unix socket', async () => {
    const { main } = lab().servers;
    expect(await ping(plain(main.port))).toBe('+PONG');
    expect(await ping(secure(main))).toBe('+PONG');
    expect(await ping(unix(main.socket!))).toBe('+PONG');
  });

  it('main trusts the same CA loaded from cadir/my-ca.pem', async () => {
    const { certs, servers } = lab();
    expect(await ping(secure(servers.main, { ca: readFileSync(certs.caDirFile) }))).toBe('+PONG');
  });

  it('main has DEBUG enabled (tests use DEBUG PROTOCOL)', async () => {
    const [first] = await exchange(await plain(lab().servers.main.port), resp('DEBUG', 'PROTOCOL', 'bignum'));
    expect(first).toMatch(/^\$\d+$/);
  });

  it('TLS-only servers have no plaintext port', () => {
    const { servers } = lab();
    for (const name of ['mtls', 'mtlsOptional', 'otherCa', 'expired', 'chain'] as const) {
      expect(servers[name].port).toBeNull();
      expect(servers[name].tlsPort).toBeGreaterThan(0);
    }
  });

  it('mtls rejects a client without a certificate and accepts the lab client', async () => {
    const { certs, servers, secrets } = lab();
    // TLS 1.3: the handshake completes client-side; the server's alert arrives on first read.
    await expect(ping(secure(servers.mtls))).rejects.toMatchObject({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
    const withCert = { cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) };
    expect(await ping(secure(servers.mtls, withCert))).toBe('+PONG');
    const withP12 = { pfx: readFileSync(certs.clientP12), passphrase: secrets.p12Passphrase };
    expect(await ping(secure(servers.mtls, withP12))).toBe('+PONG');
    const withEncKey = {
      cert: readFileSync(certs.clientEncCert),
      key: readFileSync(certs.clientEncKey),
      passphrase: secrets.clientKeyPassphrase,
    };
    expect(await ping(secure(servers.mtls, withEncKey))).toBe('+PONG');
  });

  it('mtlsOptional accepts clients with and without a certificate', async () => {
    const { certs, servers } = lab();
    expect(await ping(secure(servers.mtlsOptional))).toBe('+PONG');
    const withCert = { cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) };
    expect(await ping(secure(servers.mtlsOptional, withCert))).toBe('+PONG');
  });

  it('chain sends the intermediate; chainMissing does not and fails verification', async () => {
    const { certs, servers } = lab();
    expect(await verifyCode(servers.chain)).toBe('OK');
    expect(await ping(secure(servers.chain))).toBe('+PONG');
    expect(await verifyCode(servers.chainMissing)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    // Its twin: supplying the intermediate ourselves fixes it.
    const both = [readFileSync(certs.ca), readFileSync(certs.interCa)];
    expect(await verifyCode(servers.chainMissing, { ca: both })).toBe('OK');
  });

  it.each([
    ['expired', 'CERT_HAS_EXPIRED'],
    ['notYet', 'CERT_NOT_YET_VALID'],
    // redis-server (OpenSSL auto-chain) also sends the root found in its tls-ca-cert-file.
    ['otherCa', 'SELF_SIGNED_CERT_IN_CHAIN'],
    ['wrongHost', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['expiring', 'OK'],
    ['main', 'OK'],
  ] as const)('%s verifies as %s with ca.crt', async (name, code) => {
    expect(await verifyCode(lab().servers[name])).toBe(code);
  });

  it('the bad servers still speak Redis when verification is off', async () => {
    const { servers } = lab();
    for (const name of ['expired', 'notYet', 'otherCa', 'wrongHost'] as const) {
      expect(await ping(secure(servers[name], { rejectUnauthorized: false }))).toBe('+PONG');
    }
  });

  it('otherCa verifies with its own CA', async () => {
    const { certs, servers } = lab();
    expect(await verifyCode(servers.otherCa, { ca: readFileSync(certs.otherCa) })).toBe('OK');
  });

  it('password requires AUTH (requirepass and the ACL user) on both ports', async () => {
    const { servers, secrets } = lab();
    const pw = servers.password;
    expect(await ping(plain(pw.port))).toMatch(/^-NOAUTH/);
    expect(await ping(secure(pw))).toMatch(/^-NOAUTH/);
    const authDefault = Buffer.concat([resp('AUTH', secrets.requirepass), resp('PING')]);
    expect(await exchange(await plain(pw.port), authDefault, 2)).toEqual(['+OK', '+PONG']);
    const authAlice = Buffer.concat([resp('AUTH', secrets.aclUser, secrets.aclPassword), resp('ACL', 'WHOAMI')]);
    expect(await exchange(await secure(pw), authAlice, 3)).toEqual(['+OK', '$5', 'alice']);
    const wrong = await exchange(await plain(pw.port), resp('AUTH', secrets.aclUser, 'nope'));
    expect(wrong[0]).toMatch(/^-WRONGPASS/);
  });
});

describe('startRedis', () => {
  it('starts an extra server and stop() ends exactly that PID', async () => {
    const server = await startRedis({ dir: lab().dir, name: 'extra', plain: true });
    expect(await ping(plain(server.port))).toBe('+PONG');
    await server.stop();
    expect(() => process.kill(server.pid, 0)).toThrow();
    await expect(ping(plain(server.port))).rejects.toThrow(/ECONNREFUSED/);
    // The lab's own servers are untouched.
    expect(await ping(plain(lab().servers.main.port))).toBe('+PONG');
  });
});
