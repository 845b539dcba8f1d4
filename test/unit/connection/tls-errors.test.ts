// src/connection/tls-errors.ts: every verify code explained with the names and dates of the real
// certificates. The PeerCertificate objects are real: each lab certificate is served once by an
// in-process node:tls server on loopback and read back with getPeerCertificate(true), together with
// the verify code Node reports for it (no redis-server involved).
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import tls, { type DetailedPeerCertificate } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrustSource } from '../../../src/connection/config.js';
import {
  certName,
  chainOf,
  describeTrust,
  explainContextError,
  explainHandshakeError,
  explainHostMismatch,
  explainVerifyError,
  sansOf,
} from '../../../src/connection/tls-errors.js';
import { lab } from '../../setup/env.js';

interface Served {
  peer: DetailedPeerCertificate;
  /** Node's authorizationError code with the lab CA as the only trust (undefined: verified). */
  code: string | undefined;
}

/** Serves `cert` (+ chain) once and returns what a client trusting `ca` sees. */
async function serve(certFile: string, keyFile: string, caFile: string, trustFile: string): Promise<Served> {
  const server = tls.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), ca: readFileSync(caFile) }, (s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<Served>((resolve, reject) => {
      const sock = tls.connect({ host: '127.0.0.1', port, ca: readFileSync(trustFile), rejectUnauthorized: false, checkServerIdentity: () => undefined }, () => {
        const code = sock.authorized ? undefined : ((sock.authorizationError as unknown as NodeJS.ErrnoException).code ?? String(sock.authorizationError));
        resolve({ peer: sock.getPeerCertificate(true), code });
        sock.destroy();
      });
      sock.on('error', reject);
    });
  } finally {
    server.close();
  }
}

const served = {} as Record<'good' | 'expired' | 'notYet' | 'wrongHost' | 'other' | 'chain' | 'chainMissing', Served>;

beforeAll(async () => {
  const c = lab().certs;
  const [good, expired, notYet, wrongHost, other, chain, chainMissing] = await Promise.all([
    serve(c.serverCert, c.serverKey, c.ca, c.ca),
    serve(c.expiredCert, c.expiredKey, c.ca, c.ca),
    serve(c.notYetCert, c.notYetKey, c.ca, c.ca),
    serve(c.wrongHostCert, c.wrongHostKey, c.ca, c.ca),
    serve(c.otherServerCert, c.otherServerKey, c.otherCa, c.ca),
    serve(c.leafFullchainCert, c.leafChainKey, c.ca, c.ca),
    serve(c.leafChainCert, c.leafChainKey, c.ca, c.ca), // the intermediate is nowhere: leaf only
  ]);
  Object.assign(served, { good, expired, notYet, wrongHost, other, chain, chainMissing });
});

const fileTrust: TrustSource = { kind: 'file', paths: ['/etc/ca.crt'], caCount: 1 };
const NOW = new Date('2026-06-15T12:00:00Z');
const day = (d: string) => new Date(d).toISOString().slice(0, 10);
const daysBetween = (a: Date, b: Date) => Math.floor(Math.abs(a.getTime() - b.getTime()) / 86_400_000);

describe('the served certificates give the verify codes the lab promises', () => {
  it.each([
    ['good', undefined],
    ['chain', undefined],
    ['expired', 'CERT_HAS_EXPIRED'],
    ['notYet', 'CERT_NOT_YET_VALID'],
    ['wrongHost', undefined], // the name is checked separately
    ['other', 'SELF_SIGNED_CERT_IN_CHAIN'],
    ['chainMissing', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ] as const)('%s → %s', (name, code) => {
    expect(served[name].code).toBe(code);
  });
});

describe('explainVerifyError', () => {
  it('CERT_HAS_EXPIRED: names the certificate, the date and "expired"', () => {
    const { peer } = served.expired;
    const ex = explainVerifyError('CERT_HAS_EXPIRED', peer, fileTrust, NOW);
    const end = new Date(peer.valid_to);
    expect(ex.code).toBe('CERT_HAS_EXPIRED');
    expect(ex.reason).toBe(`certificate "localhost (expired)" expired on ${day(peer.valid_to)} (${daysBetween(NOW, end)} days ago)`);
    expect(ex.reason).toContain('2021-01-01');
    expect(ex.hint).toMatch(/renew.*tls-cert-file.*clock/);
  });

  it('CERT_NOT_YET_VALID: names the start date', () => {
    const { peer } = served.notYet;
    const ex = explainVerifyError('CERT_NOT_YET_VALID', peer, fileTrust, NOW);
    expect(ex.reason).toBe(`certificate "localhost (not yet valid)" is not valid until ${day(peer.valid_from)} (${daysBetween(new Date(peer.valid_from), NOW)} days from now)`);
    expect(ex.hint).toMatch(/clock/);
  });

  it('SELF_SIGNED_CERT_IN_CHAIN: names the untrusted root and the trust used', () => {
    const ex = explainVerifyError('SELF_SIGNED_CERT_IN_CHAIN', served.other.peer, fileTrust, NOW);
    expect(ex.reason).toBe('the chain ends in the root "tredis unrelated CA", which is not trusted by --cacert /etc/ca.crt (1 certificate)');
    expect(ex.hint).toBe('pass the root "tredis unrelated CA" with --cacert FILE (or --cacertdir DIR)');
  });

  it('UNABLE_TO_VERIFY_LEAF_SIGNATURE: the missing intermediate', () => {
    const ex = explainVerifyError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', served.chainMissing.peer, fileTrust, NOW);
    expect(ex.reason).toBe(
      'the server sent only its own certificate "localhost (via intermediate)"; its issuer "tredis test intermediate CA" is not trusted by --cacert /etc/ca.crt (1 certificate) (or an intermediate certificate is missing)',
    );
    expect(ex.hint).toMatch(/^if "tredis test intermediate CA" is an intermediate CA, add it after the leaf in the server's tls-cert-file; otherwise .*--cacert FILE/);
  });

  it('DEPTH_ZERO_SELF_SIGNED_CERT: pass the certificate itself', () => {
    const ex = explainVerifyError('DEPTH_ZERO_SELF_SIGNED_CERT', served.good.peer, fileTrust, NOW);
    expect(ex.reason).toBe('the server\'s certificate "localhost" is self-signed and not trusted by --cacert /etc/ca.crt (1 certificate)');
    expect(ex.hint).toMatch(/--cacert FILE.*--insecure/);
  });

  it.each([
    { code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', reason: /^the issuer "tredis test CA" of "tredis test CA" is not trusted by --cacert/, hint: /--cacert FILE/ },
    { code: 'UNABLE_TO_GET_ISSUER_CERT', reason: /^the issuer .* is not trusted by --cacert/, hint: /--cacert FILE/ },
    { code: 'CERT_SIGNATURE_FAILURE', reason: /^the signature of "localhost" does not verify/, hint: /corrupt or mismatched/ },
    { code: 'INVALID_CA', reason: /not one \(basicConstraints CA:FALSE\)/, hint: /intermediate/ },
    { code: 'INVALID_PURPOSE', reason: /"localhost" is not meant for TLS servers/, hint: /serverAuth/ },
    { code: 'CERT_REVOKED', reason: /"localhost" has been revoked/, hint: /renew/ },
    { code: 'SOMETHING_NEW', reason: /^certificate verification failed \(SOMETHING_NEW\)$/, hint: /--cacert FILE/ },
  ])('$code', ({ code, reason, hint }) => {
    const ex = explainVerifyError(code, served.good.peer, fileTrust, NOW);
    expect(ex.code).toBe(code);
    expect(ex.reason).toMatch(reason);
    expect(ex.hint).toMatch(hint);
  });

  it('works without a peer certificate', () => {
    expect(explainVerifyError('CERT_HAS_EXPIRED', undefined, fileTrust, NOW).reason).toBe('certificate "(unknown)" expired on ? (? days ago)');
  });
});

describe('describeTrust', () => {
  it.each([
    { trust: fileTrust, expected: '--cacert /etc/ca.crt (1 certificate)' },
    { trust: { kind: 'dir', paths: ['/cas'], caCount: 2 }, expected: '--cacertdir /cas (2 certificates)' },
    { trust: { kind: 'file+dir', paths: ['/ca.crt', '/cas'], caCount: 3 }, expected: '--cacert /ca.crt and --cacertdir /cas (3 certificates)' },
    { trust: { kind: 'system', paths: ['/etc/ssl/certs/ca-certificates.crt'], caCount: 140 }, expected: 'the system trust store /etc/ssl/certs/ca-certificates.crt (140 certificates)' },
    { trust: { kind: 'none', paths: [], caCount: 0 }, expected: 'an empty trust store (no --cacert/--cacertdir, and no system CA file or folder found)' },
  ] as Array<{ trust: TrustSource; expected: string }>)('$trust.kind', ({ trust, expected }) => {
    expect(describeTrust(trust)).toBe(expected);
  });
});

describe('hostname mismatch', () => {
  it('names the host checked, the SANs found and the flags', () => {
    const ex = explainHostMismatch('127.0.0.1', served.wrongHost.peer);
    expect(ex.code).toBe('HOSTNAME_MISMATCH');
    expect(ex.reason).toBe('the certificate does not match the host name "127.0.0.1": its names are DNS:wrong.example.com');
    expect(ex.hint).toMatch(/--sni NAME.*--no-verify-hostname/);
  });

  it('a certificate without SAN: CN is not used', () => {
    const noSan = { ...served.wrongHost.peer, subjectaltname: undefined } as unknown as DetailedPeerCertificate;
    expect(explainHostMismatch('x', noSan).reason).toBe('the certificate does not match the host name "x": it has no subjectAltName (CN "wrong.example.com" is not used for matching)');
  });

  it('sansOf lists DNS and IP entries', () => {
    expect(sansOf(served.good.peer)).toEqual(['DNS:localhost', 'IP Address:127.0.0.1']);
    expect(sansOf(undefined)).toEqual([]);
  });
});

describe('chainOf and certName', () => {
  it('follows issuerCertificate and stops at the self-signed root', () => {
    expect(chainOf(served.chain.peer).map((c) => certName(c))).toEqual(['localhost (via intermediate)', 'tredis test intermediate CA', 'tredis test CA']);
    expect(chainOf(served.chainMissing.peer).map((c) => certName(c))).toEqual(['localhost (via intermediate)']);
    expect(chainOf(served.other.peer).map((c) => certName(c))).toEqual(['localhost', 'tredis unrelated CA']);
    expect(chainOf(undefined)).toEqual([]);
    expect(chainOf({} as DetailedPeerCertificate)).toEqual([]);
  });

  it.each([
    { subject: { CN: 'a' }, expected: 'a' },
    { subject: { O: 'org only' }, expected: 'org only' },
    { subject: { CN: ['a', 'b'] }, expected: 'a, b' },
    { subject: { C: 'FR', L: 'Paris' }, expected: 'C=FR, L=Paris' },
    { subject: undefined, expected: '(unknown)' },
  ])('certName($subject) = $expected', ({ subject, expected }) => {
    expect(certName(subject === undefined ? undefined : ({ subject } as never))).toBe(expected);
  });
});

describe('explainHandshakeError', () => {
  const err = (code: string | undefined, message: string) => Object.assign(new Error(message), code === undefined ? {} : { code }) as NodeJS.ErrnoException;

  it.each([
    { name: 'TLS 1.3 certificate required alert', e: err('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required'), code: 'CLIENT_CERT_REQUIRED', hint: /--cert FILE and --key FILE/ },
    { name: 'unknown CA alert', e: err('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tlsv1 alert unknown ca'), code: 'CLIENT_CERT_REJECTED', hint: /--cert signed by a CA/ },
    { name: 'bad certificate alert', e: err('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'error:0A000412:SSL routines::sslv3 alert bad certificate'), code: 'CLIENT_CERT_REJECTED', hint: /--cert\/--key/ },
    { name: 'certificate expired alert', e: err('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'sslv3 alert certificate expired'), code: 'CLIENT_CERT_REJECTED', hint: /--cert\/--key/ },
    { name: 'plaintext answer (wrong version number)', e: err('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), code: 'NOT_TLS', hint: /drop --tls/ },
    { name: 'plaintext answer (packet length too long)', e: err('ERR_SSL_PACKET_LENGTH_TOO_LONG', 'packet length too long'), code: 'NOT_TLS', hint: /drop --tls/ },
    { name: 'protocol version alert', e: err('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tlsv1 alert protocol version'), code: 'TLS_VERSION', hint: /--tls-min-version/ },
    { name: 'handshake failure alert', e: err('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'sslv3 alert handshake failure'), code: 'TLS_HANDSHAKE_FAILURE', hint: /--tls-ciphers/ },
    { name: 'reset during the handshake', e: err('ECONNRESET', 'read ECONNRESET'), code: 'TLS_RESET', hint: /--cert\/--key.*TLS/ },
    { name: 'socket hang up', e: err(undefined, 'socket hang up'), code: 'TLS_RESET', hint: /--cert\/--key/ },
  ])('$name → $code', ({ e, code, hint }) => {
    const ex = explainHandshakeError(e, 'handshake');
    expect(ex?.code).toBe(code);
    expect(ex?.hint).toMatch(hint);
  });

  it('a reset on the first read points at the client certificate', () => {
    expect(explainHandshakeError(err('ECONNRESET', 'read ECONNRESET'), 'first-read')).toMatchObject({
      code: 'TLS_RESET_AFTER_HANDSHAKE',
      hint: expect.stringMatching(/--cert FILE and --key FILE/),
    });
  });

  it('unknown errors are left to the caller', () => {
    expect(explainHandshakeError(err('ERR_SOMETHING', 'boom'), 'handshake')).toBeUndefined();
  });
});

describe('explainContextError', () => {
  const files = { cert: '/c.crt', key: '/c.key' };
  const err = (code: string, message: string) => Object.assign(new Error(message), { code }) as NodeJS.ErrnoException;

  it.each([
    { name: 'key mismatch', e: err('ERR_OSSL_X509_KEY_VALUES_MISMATCH', 'key values mismatch'), code: 'KEY_MISMATCH', reason: 'the private key /c.key does not belong to the certificate /c.crt' },
    { name: 'bad decrypt', e: err('ERR_OSSL_BAD_DECRYPT', 'bad decrypt'), code: 'BAD_PASSPHRASE', reason: 'wrong passphrase for /c.key' },
    { name: 'no PEM', e: err('ERR_OSSL_PEM_NO_START_LINE', 'no start line'), code: 'BAD_PEM', reason: 'could not read a PEM key from /c.crt /c.key' },
    { name: 'unknown --tls-groups name', e: err('ERR_CRYPTO_OPERATION_FAILED', 'Failed to set ECDH curve'), code: 'TLS_GROUPS', reason: 'unknown key exchange group in --tls-groups (Failed to set ECDH curve)' },
    { name: 'anything else', e: err('ERR_X', 'odd'), code: 'TLS_CONTEXT', reason: 'could not load the client certificate or key: odd' },
  ])('$name', ({ e, code, reason }) => {
    expect(explainContextError(e, files)).toMatchObject({ code, reason });
  });

  it('names the --p12 file for a wrong bundle password', () => {
    expect(explainContextError(err('ERR_CRYPTO_OPERATION_FAILED', 'mac verify failure'), { p12: '/c.p12' }).reason).toBe('wrong passphrase for /c.p12');
  });

  it('real errors from Node: wrong passphrase and mismatched key', () => {
    const c = lab().certs;
    const wrong = (() => {
      try {
        tls.createSecureContext({ cert: readFileSync(c.clientEncCert), key: readFileSync(c.clientEncKey), passphrase: 'wrong' });
      } catch (e) {
        return e as NodeJS.ErrnoException;
      }
      throw new Error('no error');
    })();
    expect(explainContextError(wrong, { cert: c.clientEncCert, key: c.clientEncKey }).code).toBe('BAD_PASSPHRASE');
    const mismatch = (() => {
      try {
        // Both EC keys: OpenSSL compares them at load time (a key of another type only fails later).
        tls.createSecureContext({ cert: readFileSync(c.serverCert), key: readFileSync(c.otherServerKey) });
      } catch (e) {
        return e as NodeJS.ErrnoException;
      }
      throw new Error('no error');
    })();
    expect(explainContextError(mismatch, { cert: c.serverCert, key: c.otherServerKey }).code).toBe('KEY_MISMATCH');
  });
});
