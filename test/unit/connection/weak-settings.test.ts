// findWeaknesses (src/connection/weak-settings.ts) on hand-made TLS reports: each weak setting is
// flagged once, with its redis.conf fix; a clean report has none.
import { describe, expect, it } from 'vitest';
import type { ChainCertificateReport, TlsReport } from '../../../src/connection/handshake.js';
import { AEAD_CIPHERS_LINE, findWeaknesses, isAeadCipher, MODERN_PROTOCOLS_LINE, type TlsProbeResult, type TlsProbes } from '../../../src/connection/weak-settings.js';

function cert(over: Partial<ChainCertificateReport> = {}): ChainCertificateReport {
  return {
    depth: 0, subject: 'CN=n1', issuer: 'CN=ca', commonName: 'n1', sans: ['DNS:n1'], validFrom: '2026-01-01T00:00:00.000Z', validTo: '2028-01-01T00:00:00.000Z',
    daysLeft: 400, validity: 'valid', keyType: 'ec', keyBits: 256, keyCurve: 'prime256v1', signatureAlgorithm: 'ecdsa-with-SHA256', fingerprintSha256: 'AA', spkiSha256: 'x',
    serial: '01', isCA: false, selfSigned: false, inTrustStore: false, status: 'ok', problem: null, ...over,
  };
}

function tls(over: { protocol?: string; cipher?: string; certs?: ChainCertificateReport[] } = {}): TlsReport {
  return {
    verifyMode: 'full', sni: { sent: 'n1', reason: null }, trust: { source: 'file', paths: [], caCount: 1, description: '' },
    negotiated: {
      protocol: over.protocol ?? 'TLSv1.3', cipher: { standardName: over.cipher ?? 'TLS_AES_256_GCM_SHA384', opensslName: over.cipher ?? 'TLS_AES_256_GCM_SHA384' },
      keyExchange: null, signature: { scheme: null, inferred: true, basis: '' }, alpn: null, resumed: false, ticket: false, ticketLifetimeSec: null,
    },
    chain: { source: 'handshake', certificates: over.certs ?? [cert(), cert({ depth: 1, isCA: true, selfSigned: true, subject: 'CN=ca', commonName: 'ca' })], missingIssuer: null },
    verification: { chain: 'ok', code: null, reason: null, hint: null, failedDepth: null },
    identity: { status: 'matched', name: 'n1', matchedSan: 'DNS:n1', sentence: '' },
    probes: null, pin: null,
    clientCertificate: { requested: false, basis: '', source: null, encryptedKey: false, sent: false, certificate: null, acceptedSigalgs: [] },
  };
}

const refused: TlsProbeResult = { status: 'refused', offered: 'x', protocol: null, cipher: null, detail: 'alert' };
const probes = (legacy: Partial<TlsProbeResult>, cbc: Partial<TlsProbeResult>): TlsProbes => ({ legacyProtocols: { ...refused, ...legacy }, nonAeadCiphers: { ...refused, ...cbc } });

describe('findWeaknesses', () => {
  it.each([
    { name: 'clean: TLS 1.3, EC key, SHA-256, long validity, probes refused', t: tls(), p: probes({}, {}), codes: [] },
    { name: 'plaintext (no TLS report)', t: null, p: null, codes: [] },
    { name: 'TLS 1.0/1.1 accepted by the probe', t: tls(), p: probes({ status: 'accepted', protocol: 'TLSv1.1', cipher: 'ECDHE-RSA-AES256-SHA' }, {}), codes: ['LEGACY_PROTOCOL_ACCEPTED'] },
    { name: 'TLS 1.0 negotiated (probe not needed)', t: tls({ protocol: 'TLSv1', cipher: 'ECDHE-RSA-AES256-SHA' }), p: null, codes: ['LEGACY_PROTOCOL_NEGOTIATED', 'NON_AEAD_NEGOTIATED'] },
    { name: 'non-AEAD accepted by the probe', t: tls(), p: probes({}, { status: 'accepted', protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-SHA' }), codes: ['NON_AEAD_ACCEPTED'] },
    { name: 'not probed says nothing', t: tls(), p: probes({ status: 'not-probed' }, { status: 'not-probed' }), codes: [] },
    { name: '1024-bit RSA leaf', t: tls({ certs: [cert({ keyType: 'rsa', keyBits: 1024, keyCurve: null })] }), p: null, codes: ['RSA_KEY_TOO_SHORT'] },
    { name: '2048-bit RSA leaf is fine', t: tls({ certs: [cert({ keyType: 'rsa', keyBits: 2048, keyCurve: null })] }), p: null, codes: [] },
    { name: 'SHA-1 signed leaf', t: tls({ certs: [cert({ signatureAlgorithm: 'sha1WithRSAEncryption' })] }), p: null, codes: ['SHA1_SIGNATURE'] },
    { name: 'SHA-1 self-signature of a root is not a weakness', t: tls({ certs: [cert(), cert({ depth: 1, isCA: true, selfSigned: true, signatureAlgorithm: 'ecdsa-with-SHA1' })] }), p: null, codes: [] },
    { name: 'CA expiring in 20 days', t: tls({ certs: [cert(), cert({ depth: 1, isCA: true, selfSigned: true, daysLeft: 20, validity: 'expiring' })] }), p: null, codes: ['CHAIN_EXPIRING'] },
  ])('$name', ({ t, p, codes }) => {
    expect(findWeaknesses(t, p).map((w) => w.code)).toEqual(codes);
  });

  it('gives the redis.conf line that fixes each server setting', () => {
    const w = findWeaknesses(tls(), probes({ status: 'accepted', protocol: 'TLSv1', cipher: 'ECDHE-RSA-AES256-SHA' }, { status: 'accepted', protocol: 'TLSv1.2', cipher: 'AES128-SHA' }));
    expect(w.map((x) => [x.code, x.severity])).toEqual([['LEGACY_PROTOCOL_ACCEPTED', 'high'], ['NON_AEAD_ACCEPTED', 'medium']]);
    expect(w[0]!.fix).toBe(MODERN_PROTOCOLS_LINE);
    expect(w[0]!.fix).toBe('tls-protocols "TLSv1.2 TLSv1.3"');
    expect(w[1]!.fix.startsWith(AEAD_CIPHERS_LINE)).toBe(true);
    expect(w[0]!.what).toContain('TLS 1.0');
  });

  it.each([
    ['TLS_AES_128_GCM_SHA256', true], ['TLS_CHACHA20_POLY1305_SHA256', true], ['ECDHE-RSA-AES128-GCM-SHA256', true], ['TLS_AES_128_CCM_SHA256', true],
    ['ECDHE-RSA-AES128-SHA', false], ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', false], ['AES256-SHA256', false],
  ])('isAeadCipher(%s) = %s', (name, aead) => {
    expect(isAeadCipher(name)).toBe(aead);
  });
});
