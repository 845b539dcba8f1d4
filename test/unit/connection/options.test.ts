// src/connection/options.ts: SNI choice, trust store resolution through an injected FileReader, PEM
// helpers and the TLS flag → tls.connect options mapping. No servers: PEM files come from the lab's
// certificate folder (made by the global setup) or are generated here.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEFAULT_CIPHERS } from 'node:tls';
import { describe, expect, it } from 'vitest';
import type { TlsConfig } from '../../../src/connection/config.js';
import {
  chooseSni,
  countPemCertificates,
  isEncryptedPem,
  planTls,
  resolveTrust,
  type FileReader,
} from '../../../src/connection/options.js';
import { explainVerifyError } from '../../../src/connection/tls-errors.js';
import { TlsError } from '../../../src/errors.js';
import { lab } from '../../setup/env.js';

const CERT = (n: number) => `-----BEGIN CERTIFICATE-----\nMII${n}\n-----END CERTIFICATE-----\n`;

/** An in-memory file system: files by path, folders by path (their entry names). */
function memFs(files: Record<string, string | Buffer>, dirs: Record<string, string[]> = {}): FileReader & { reads: string[] } {
  const reads: string[] = [];
  const errno = (code: string, p: string) => Object.assign(new Error(`${code}: ${p}`), { code });
  return {
    reads,
    readFile(p) {
      reads.push(p);
      if (p in dirs) throw errno('EISDIR', p);
      const f = files[p];
      if (f === undefined) throw errno('ENOENT', p);
      if (f === 'EACCES') throw errno('EACCES', p);
      return Buffer.isBuffer(f) ? f : Buffer.from(f, 'latin1');
    },
    readDir(p) {
      const d = dirs[p];
      if (d === undefined) throw errno(p in files ? 'ENOTDIR' : 'ENOENT', p);
      return [...d];
    },
    exists: (p) => p in files || p in dirs,
  };
}

const baseTls = (over: Partial<TlsConfig> = {}): TlsConfig => ({ insecure: false, verifyHostname: true, ...over });

function thrown(fn: () => unknown): TlsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TlsError);
    return err as TlsError;
  }
  throw new Error('did not throw');
}

describe('chooseSni', () => {
  it.each([
    { name: 'a DNS name is sent', host: 'redis.example', sni: undefined, unix: false, expected: 'redis.example', reason: null },
    { name: 'localhost is sent', host: 'localhost', sni: undefined, unix: false, expected: 'localhost', reason: null },
    { name: 'IPv4 literal: none (RFC 6066)', host: '127.0.0.1', sni: undefined, unix: false, expected: null, reason: /127\.0\.0\.1 is an IP address.*--sni/ },
    { name: 'IPv6 literal: none', host: '::1', sni: undefined, unix: false, expected: null, reason: /::1 is an IP address/ },
    { name: '--sni wins over a name', host: 'redis.example', sni: 'other.example', unix: false, expected: 'other.example', reason: null },
    { name: '--sni wins over an IP', host: '10.0.0.1', sni: 'n.example', unix: false, expected: 'n.example', reason: null },
    { name: 'empty --sni is ignored', host: 'redis.example', sni: '', unix: false, expected: 'redis.example', reason: null },
    { name: 'unix socket: none', host: '127.0.0.1', sni: undefined, unix: true, expected: null, reason: /unix socket/ },
    { name: 'unix socket with a name host: none', host: 'redis.example', sni: undefined, unix: true, expected: null, reason: /unix socket/ },
    { name: 'unix socket with --sni: sent', host: '127.0.0.1', sni: 'n.example', unix: true, expected: 'n.example', reason: null },
  ])('$name', ({ host, sni, unix, expected, reason }) => {
    const got = chooseSni(host, sni, unix);
    expect(got.sni).toBe(expected);
    if (reason === null) expect(got.reason).toBeNull();
    else expect(got.reason).toMatch(reason);
  });
});

describe('resolveTrust', () => {
  const files = {
    '/ca.pem': CERT(1),
    '/bundle.pem': CERT(1) + CERT(2) + CERT(3),
    '/d/a.pem': CERT(4),
    '/d/b.crt': CERT(5) + CERT(6),
    '/d/notes.txt': 'not a certificate',
    '/d/key.pem': '-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----\n',
    '/d/secret.pem': 'EACCES',
    '/empty/readme': 'nothing',
    '/plain.txt': 'hello',
    '/sys/bundle.crt': CERT(7) + CERT(8),
    '/sys/dir/x.pem': CERT(9),
    '/sys/dir2/y.pem': CERT(10),
    '/usr/lib/ssl/cert.pem': CERT(11),
    '/etc/ssl/certs/ca-certificates.crt': CERT(12),
    '/etc/ssl/certs/z.pem': CERT(13),
  };
  const dirs = {
    '/d': ['notes.txt', 'b.crt', 'a.pem', 'sub', 'key.pem', 'secret.pem'],
    '/d/sub': [],
    '/empty': ['readme'],
    '/sys/dir': ['x.pem'],
    '/sys/dir2': ['y.pem'],
    '/etc/ssl/certs': ['ca-certificates.crt', 'z.pem'],
  };

  it.each([
    { name: '--cacert', tls: { cacert: '/ca.pem' }, env: {}, kind: 'file', paths: ['/ca.pem'], caCount: 1 },
    { name: '--cacert bundle counts every certificate', tls: { cacert: '/bundle.pem' }, env: {}, kind: 'file', paths: ['/bundle.pem'], caCount: 3 },
    {
      name: '--cacertdir: every PEM certificate file, no hash links, others skipped',
      tls: { cacertdir: '/d' },
      env: {},
      kind: 'dir',
      paths: ['/d'],
      caCount: 3,
    },
    { name: '--cacert and --cacertdir', tls: { cacert: '/ca.pem', cacertdir: '/d' }, env: {}, kind: 'file+dir', paths: ['/ca.pem', '/d'], caCount: 4 },
    { name: '--cacert with an empty --cacertdir', tls: { cacert: '/ca.pem', cacertdir: '/empty' }, env: {}, kind: 'file+dir', paths: ['/ca.pem', '/empty'], caCount: 1 },
    {
      name: 'a CA flag ignores SSL_CERT_FILE/SSL_CERT_DIR',
      tls: { cacert: '/ca.pem' },
      env: { SSL_CERT_FILE: '/sys/bundle.crt', SSL_CERT_DIR: '/sys/dir' },
      kind: 'file',
      paths: ['/ca.pem'],
      caCount: 1,
    },
    { name: 'SSL_CERT_FILE', tls: {}, env: { SSL_CERT_FILE: '/sys/bundle.crt', SSL_CERT_DIR: '/nope' }, kind: 'system', paths: ['/sys/bundle.crt'], caCount: 2 },
    { name: 'SSL_CERT_DIR', tls: {}, env: { SSL_CERT_FILE: '/nope', SSL_CERT_DIR: '/sys/dir' }, kind: 'system', paths: ['/sys/dir'], caCount: 1 },
    {
      name: 'SSL_CERT_FILE and SSL_CERT_DIR',
      tls: {},
      env: { SSL_CERT_FILE: '/sys/bundle.crt', SSL_CERT_DIR: '/sys/dir' },
      kind: 'system',
      paths: ['/sys/bundle.crt', '/sys/dir'],
      caCount: 3,
    },
    {
      name: 'SSL_CERT_DIR is a colon-separated list; missing entries skipped',
      tls: {},
      env: { SSL_CERT_FILE: '/nope', SSL_CERT_DIR: '/sys/dir:/missing::/sys/dir2' },
      kind: 'system',
      paths: ['/sys/dir', '/sys/dir2'],
      caCount: 2,
    },
    { name: 'SSL_CERT_DIR pointing at a plain folder (no c_rehash) works', tls: {}, env: { SSL_CERT_FILE: '/nope', SSL_CERT_DIR: '/d' }, kind: 'system', paths: ['/d'], caCount: 3 },
    { name: 'nothing found: an empty store', tls: {}, env: { SSL_CERT_FILE: '/nope', SSL_CERT_DIR: '/nope' }, kind: 'none', paths: [], caCount: 0, searched: ['SSL_CERT_FILE=/nope', 'SSL_CERT_DIR=/nope'] },
    { name: 'no variables: OpenSSL default bundle', tls: {}, env: {}, kind: 'system', paths: ['/usr/lib/ssl/cert.pem'], caCount: 1 },
  ] as const)('$name', (row) => {
    const { tls, env, kind, paths, caCount } = row;
    const { ca, trust } = resolveTrust(baseTls(tls), env, memFs(files, dirs));
    expect(trust).toEqual({ kind, paths, caCount, ...('searched' in row ? { searched: row.searched } : {}) });
    expect(ca.reduce((n, pem) => n + countPemCertificates(pem), 0)).toBe(caCount);
  });

  it('no variables and no /usr/lib/ssl/cert.pem: the Debian bundle; the folder only when no file', () => {
    const noDefault = { ...files } as Record<string, string>;
    delete noDefault['/usr/lib/ssl/cert.pem'];
    expect(resolveTrust(baseTls(), {}, memFs(noDefault, dirs)).trust).toEqual({
      kind: 'system',
      paths: ['/etc/ssl/certs/ca-certificates.crt'],
      caCount: 1,
    });
    delete noDefault['/etc/ssl/certs/ca-certificates.crt'];
    expect(resolveTrust(baseTls(), {}, memFs(noDefault, dirs)).trust).toEqual({ kind: 'system', paths: ['/etc/ssl/certs'], caCount: 1 });
  });

  // Where each system keeps its bundle, as OpenSSL finds it (OPENSSLDIR/cert.pem or the distribution's file).
  it.each([
    { name: 'Debian/Ubuntu', files: { '/etc/ssl/certs/ca-certificates.crt': CERT(1) }, dirs: { '/etc/ssl/certs': ['ca-certificates.crt'] }, paths: ['/etc/ssl/certs/ca-certificates.crt'] },
    { name: 'RHEL/Fedora', files: { '/etc/pki/tls/certs/ca-bundle.crt': CERT(1) }, dirs: { '/etc/pki/tls/certs': ['ca-bundle.crt'] }, paths: ['/etc/pki/tls/certs/ca-bundle.crt'] },
    { name: 'RHEL extracted bundle only', files: { '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem': CERT(1) }, dirs: {}, paths: ['/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem'] },
    { name: 'Alpine and macOS', files: { '/etc/ssl/cert.pem': CERT(1) }, dirs: {}, paths: ['/etc/ssl/cert.pem'] },
    { name: 'openSUSE', files: { '/etc/ssl/ca-bundle.pem': CERT(1) }, dirs: {}, paths: ['/etc/ssl/ca-bundle.pem'] },
    { name: 'only a hashed folder', files: { '/etc/pki/tls/certs/abcd1234.0': CERT(1) }, dirs: { '/etc/pki/tls/certs': ['abcd1234.0'] }, paths: ['/etc/pki/tls/certs'] },
    { name: 'SSL_CERT_FILE comes first', files: { '/etc/ssl/cert.pem': CERT(1), '/mine.pem': CERT(2) + CERT(3) }, dirs: {}, env: { SSL_CERT_FILE: '/mine.pem' }, paths: ['/mine.pem'], caCount: 2 },
  ] as Array<{ name: string; files: Record<string, string>; dirs: Record<string, string[]>; env?: Record<string, string>; paths: string[]; caCount?: number }>)('system store on $name', ({ files: f, dirs: d, env, paths, caCount }) => {
    const fs = memFs(f, d);
    expect(resolveTrust(baseTls(), env ?? {}, fs).trust).toEqual({ kind: 'system', paths, caCount: caCount ?? 1 });
    expect(fs.reads.filter((r) => !paths.some((p) => r.startsWith(p)))).toEqual([]); // nothing else read
  });

  it('no store anywhere: kind none, and the verify error says so instead of "unknown issuer"', () => {
    const { trust } = resolveTrust(baseTls(), {}, memFs({}));
    expect(trust).toMatchObject({ kind: 'none', paths: [], caCount: 0 });
    expect(trust.searched).toEqual(expect.arrayContaining(['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem', '/etc/ssl/certs']));
    const ex = explainVerifyError('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', undefined, trust);
    expect(ex.code).toBe('NO_TRUST_STORE');
    expect(ex.reason).toContain('no trusted CA certificate was found');
    expect(ex.reason).toContain('/etc/pki/tls/certs/ca-bundle.crt');
    const env = resolveTrust(baseTls(), { SSL_CERT_FILE: '/x.pem', SSL_CERT_DIR: '/y' }, memFs({})).trust;
    expect(explainVerifyError('SELF_SIGNED_CERT_IN_CHAIN', undefined, env).reason).toMatch(/none in SSL_CERT_FILE=\/x\.pem, SSL_CERT_DIR=\/y$/);
    expect(ex.hint).toMatch(/--cacert FILE/);
  });

  it('an unreadable system bundle is skipped, not fatal', () => {
    const { trust } = resolveTrust(baseTls(), { SSL_CERT_FILE: '/d/secret.pem', SSL_CERT_DIR: '/sys/dir' }, memFs(files, dirs));
    expect(trust).toEqual({ kind: 'system', paths: ['/sys/dir'], caCount: 1 });
  });

  it.each([
    { name: 'missing --cacert', tls: { cacert: '/missing.pem' }, message: 'Could not read CA certificate file /missing.pem: no such file', hint: /--cacert/ },
    { name: 'unreadable --cacert', tls: { cacert: '/d/secret.pem' }, message: 'Could not read CA certificate file /d/secret.pem: permission denied', hint: /--cacert/ },
    { name: '--cacert is a folder', tls: { cacert: '/d' }, message: 'Could not read CA certificate file /d: it is a folder', hint: /--cacert/ },
    { name: '--cacert without a certificate', tls: { cacert: '/plain.txt' }, message: 'Invalid CA Certificate File: /plain.txt holds no PEM certificate', hint: /PEM/ },
    { name: 'missing --cacertdir', tls: { cacertdir: '/missing' }, message: /^Could not read CA folder \/missing: /, hint: /--cacertdir/ },
    { name: '--cacertdir is a file', tls: { cacertdir: '/ca.pem' }, message: /^Could not read CA folder \/ca\.pem: /, hint: /--cacertdir/ },
    { name: '--cacertdir without certificates', tls: { cacertdir: '/empty' }, message: 'Invalid CA Certificate Directory: /empty holds no PEM certificate file', hint: /--cacert FILE/ },
  ] as const)('$name', ({ tls, message, hint }) => {
    const err = thrown(() => resolveTrust(baseTls(tls), {}, memFs(files, dirs)));
    expect(err.code).toBe('TLS_FILE');
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
    expect(err.hint).toMatch(hint);
  });
});

describe('isEncryptedPem', () => {
  const rsa = (privateKeyEncoding: object) =>
    generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: privateKeyEncoding as never }).privateKey as unknown as string;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'sec1', format: 'pem' } }).privateKey;

  it.each([
    { name: 'PKCS#8 encrypted', pem: () => rsa({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }), expected: true },
    { name: 'legacy PKCS#1 with Proc-Type: 4,ENCRYPTED', pem: () => rsa({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }), expected: true },
    { name: 'PKCS#8 plain', pem: () => rsa({ type: 'pkcs8', format: 'pem' }), expected: false },
    { name: 'PKCS#1 plain', pem: () => rsa({ type: 'pkcs1', format: 'pem' }), expected: false },
    { name: 'SEC1 EC plain', pem: () => ec, expected: false },
    { name: "the lab's client-enc.key", pem: () => readFileSync(lab().certs.clientEncKey, 'latin1'), expected: true },
    { name: "the lab's client.key", pem: () => readFileSync(lab().certs.clientKey, 'latin1'), expected: false },
    { name: 'a certificate', pem: () => readFileSync(lab().certs.ca, 'latin1'), expected: false },
    { name: 'empty', pem: () => '', expected: false },
  ])('$name → $expected', ({ pem, expected }) => {
    expect(isEncryptedPem(pem())).toBe(expected);
  });
});

describe('countPemCertificates', () => {
  it.each([
    { name: 'empty', pem: '', expected: 0 },
    { name: 'one', pem: CERT(1), expected: 1 },
    { name: 'three', pem: CERT(1) + CERT(2) + CERT(3), expected: 3 },
    { name: 'text around certificates', pem: `Bag Attributes\n${CERT(1)}subject=x\n${CERT(2)}`, expected: 2 },
    { name: 'a private key is not a certificate', pem: '-----BEGIN PRIVATE KEY-----\n', expected: 0 },
    { name: 'a trusted certificate header is not counted', pem: '-----BEGIN TRUSTED CERTIFICATE-----\n', expected: 0 },
  ])('$name → $expected', ({ pem, expected }) => {
    expect(countPemCertificates(pem)).toBe(expected);
  });

  it("counts the lab's bundles", () => {
    expect(countPemCertificates(readFileSync(lab().certs.leafFullchainCert, 'latin1'))).toBe(2);
    expect(countPemCertificates(readFileSync(lab().certs.ca, 'latin1'))).toBe(1);
  });
});

describe('planTls', () => {
  const fsWithCa = () => memFs({ '/ca.pem': CERT(1) });
  const plan = (tls: Partial<TlsConfig>, host = '127.0.0.1', unix = false, env: Record<string, string | undefined> = {}) =>
    planTls({ host, port: 6379, socketPath: unix ? '/tmp/redis.sock' : undefined }, baseTls({ cacert: '/ca.pem', ...tls }), env, fsWithCa());

  it('verification is done after the handshake: Node checks are off, CA list passed', () => {
    const p = plan({});
    expect(p.options.rejectUnauthorized).toBe(false);
    expect(p.options.checkServerIdentity?.('x', {} as never)).toBeUndefined();
    expect(p.options.ca).toEqual([CERT(1)]);
    expect(p.trust).toEqual({ kind: 'file', paths: ['/ca.pem'], caCount: 1 });
  });

  it.each([
    { name: 'IP host: no servername, name checked is the IP', host: '127.0.0.1', sni: undefined, servername: undefined, verifyName: '127.0.0.1' },
    { name: 'DNS host: servername and name checked', host: 'localhost', sni: undefined, servername: 'localhost', verifyName: 'localhost' },
    { name: '--sni: sent and checked', host: '127.0.0.1', sni: 'wrong.example.com', servername: 'wrong.example.com', verifyName: 'wrong.example.com' },
  ])('$name', ({ host, sni, servername, verifyName }) => {
    const p = plan({ sni }, host);
    expect(p.options.servername).toBe(servername);
    expect(p.sni).toBe(servername ?? null);
    expect(p.verifyName).toBe(verifyName);
    expect(p.sniReason === null).toBe(servername !== undefined);
  });

  it('--insecure reads no CA file and trusts nothing', () => {
    const fs = memFs({});
    const p = planTls({ host: '127.0.0.1', port: 6379 }, baseTls({ insecure: true, cacert: '/missing.pem' }), {}, fs);
    expect(p.options.ca).toBeUndefined();
    expect(p.trust).toEqual({ kind: 'none', paths: [], caCount: 0 });
    expect(fs.reads).toEqual([]);
  });

  it('an empty system store trusts nothing (not Node\'s bundled roots)', () => {
    const p = planTls({ host: '127.0.0.1', port: 6379 }, baseTls(), { SSL_CERT_FILE: '/nope', SSL_CERT_DIR: '/nope' }, memFs({}));
    expect(p.trust.kind).toBe('none');
    expect(p.options.ca).toEqual([]);
  });

  const defaults = DEFAULT_CIPHERS.split(':');
  const default13 = defaults.filter((c) => c.startsWith('TLS_')).join(':');
  const default12 = defaults.filter((c) => !c.startsWith('TLS_')).join(':');

  it.each([
    { name: 'neither: Node defaults (no ciphers option)', tls: {}, expected: undefined },
    { name: '--tls-ciphers keeps the default TLS 1.3 suites', tls: { ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }, expected: `${default13}:ECDHE-RSA-AES128-GCM-SHA256` },
    { name: '--tls-ciphersuites keeps the default TLS 1.2 ciphers', tls: { ciphersuites: 'TLS_AES_128_GCM_SHA256' }, expected: `TLS_AES_128_GCM_SHA256:${default12}` },
    { name: 'both', tls: { ciphers: 'AES128-SHA', ciphersuites: 'TLS_CHACHA20_POLY1305_SHA256' }, expected: 'TLS_CHACHA20_POLY1305_SHA256:AES128-SHA' },
    { name: 'empty --tls-ciphersuites leaves only TLS 1.2 ciphers', tls: { ciphersuites: '', ciphers: 'AES128-SHA' }, expected: 'AES128-SHA' },
  ])('ciphers: $name', ({ tls, expected }) => {
    expect(plan(tls).options.ciphers).toBe(expected);
  });

  it('versions and groups', () => {
    const p = plan({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', groups: 'X25519:P-256' });
    expect(p.options).toMatchObject({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ecdhCurve: 'X25519:P-256' });
    expect(plan({}).options).not.toHaveProperty('ecdhCurve');
  });

  describe('client certificate', () => {
    const certsFs = () => {
      const c = lab().certs;
      const files: Record<string, Buffer> = { '/ca.pem': Buffer.from(CERT(1)) };
      for (const [name, p] of Object.entries({ 'client.crt': c.clientCert, 'client.key': c.clientKey, 'server.key': c.serverKey, 'enc.crt': c.clientEncCert, 'enc.key': c.clientEncKey, 'c.p12': c.clientP12 })) {
        files[`/${name}`] = readFileSync(p);
      }
      return memFs(files);
    };
    const planWith = (tls: Partial<TlsConfig>) => planTls({ host: '127.0.0.1', port: 6379 }, baseTls({ cacert: '/ca.pem', ...tls }), {}, certsFs());

    it.each([
      { mode: 0o600, warning: undefined },
      { mode: 0o400, warning: undefined },
      { mode: 0o640, warning: 'Warning: private key file /client.key is readable by group/others (mode 0640); chmod 600 it' },
      { mode: 0o644, warning: 'Warning: private key file /client.key is readable by group/others (mode 0644); chmod 600 it' },
    ])('--key with mode $mode', ({ mode, warning }) => {
      const fs = { ...certsFs(), mode: (p: string) => (p === '/client.key' ? mode : 0o644) };
      const p = planTls({ host: '127.0.0.1', port: 6379 }, baseTls({ cacert: '/ca.pem', cert: '/client.crt', key: '/client.key' }), {}, fs);
      expect(p.warnings).toEqual(warning === undefined ? [] : [warning]);
    });

    it('--cert and --key are loaded', () => {
      const p = planWith({ cert: '/client.crt', key: '/client.key' });
      expect(Buffer.isBuffer(p.options.cert)).toBe(true);
      expect(Buffer.isBuffer(p.options.key)).toBe(true);
      expect(p.encryptedKey).toBe(false);
      expect(p.options.passphrase).toBeUndefined();
    });

    it.each([
      { name: '--cert without --key', tls: { cert: '/client.crt' }, code: 'TLS_FILE', message: '--cert given without --key', hint: /--cert FILE and --key FILE/ },
      { name: '--key without --cert', tls: { key: '/client.key' }, code: 'TLS_FILE', message: '--key given without --cert', hint: /--cert FILE and --key FILE/ },
      { name: 'missing --cert', tls: { cert: '/nope.crt', key: '/client.key' }, code: 'TLS_FILE', message: 'Could not read client certificate /nope.crt: no such file', hint: /--cert/ },
      { name: 'missing --key', tls: { cert: '/client.crt', key: '/nope.key' }, code: 'TLS_FILE', message: 'Could not read private key /nope.key: no such file', hint: /--key/ },
      {
        name: 'a key of another certificate',
        tls: { cert: '/client.crt', key: '/server.key' },
        code: 'KEY_MISMATCH',
        message: 'Could not negotiate a TLS connection: the private key /server.key does not belong to the certificate /client.crt',
        hint: /--key/,
      },
      {
        name: 'an encrypted key and no passphrase',
        tls: { cert: '/enc.crt', key: '/enc.key' },
        code: 'TLS_KEY_ENCRYPTED',
        message: 'The private key /enc.key is encrypted and no passphrase was given',
        hint: /--key-pass-env VAR/,
      },
      { name: 'missing --p12', tls: { p12: '/nope.p12' }, code: 'TLS_FILE', message: 'Could not read PKCS#12 file /nope.p12: no such file', hint: /--p12/ },
    ])('$name', ({ tls, code, message, hint }) => {
      const err = thrown(() => planWith(tls));
      expect(err.code).toBe(code);
      expect(err.message).toBe(message);
      expect(err.hint).toMatch(hint);
    });

    it('an encrypted key with a passphrase', () => {
      const p = planWith({ cert: '/enc.crt', key: '/enc.key', keyPassphrase: 'pw' });
      expect(p.encryptedKey).toBe(true);
      expect(p.options.passphrase).toBe('pw');
    });

    it('--p12 with a passphrase', () => {
      const p = planWith({ p12: '/c.p12', keyPassphrase: 'pw' });
      expect(Buffer.isBuffer(p.options.pfx)).toBe(true);
      expect(p.options.passphrase).toBe('pw');
    });
  });
});
