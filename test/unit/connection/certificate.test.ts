// connection/certificate.ts and der.ts on the lab's certificates, checked against openssl itself:
// the signature algorithm (the one field node:crypto's X509Certificate lacks, read from the DER),
// the SPKI hash of --pin-sha256, and a DER reader that never throws on garbage.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { certSignatureAlgorithm, describeCertificate } from '../../../src/connection/certificate.js';
import { children, readTlv } from '../../../src/connection/der.js';
import { sessionTicketLifetime } from '../../../src/connection/handshake.js';
import { lab } from '../../setup/env.js';

const openssl = (args: string[], input?: Buffer) => execFileSync('openssl', args, { input, encoding: 'latin1' });

describe('describeCertificate against openssl', () => {
  const paths = () => {
    const c = lab().certs;
    return [c.ca, c.serverCert, c.clientCert];
  };
  it.each([0, 1, 2])('lab certificate %i: signature algorithm, SPKI hash, serial, dates', (i) => {
    const path = paths()[i]!;
    const der = new X509Certificate(readFileSync(path)).raw;
    const r = describeCertificate(der, new Date('2000-01-01T00:00:00Z'));
    const text = openssl(['x509', '-in', path, '-noout', '-text']);
    expect(r.signatureAlgorithm).toBe(/Signature Algorithm: (\S+)/.exec(text)![1]);
    const spki = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: openssl(['x509', '-in', path, '-noout', '-pubkey']) });
    expect(r.spkiSha256).toBe(execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: spki }).toString('base64'));
    expect(r.serial).toBe(/serial=(\S+)/.exec(openssl(['x509', '-in', path, '-noout', '-serial']))![1]!.toUpperCase());
    expect(r.validity).toBe('not-yet-valid');
  });
});

describe('DER reader', () => {
  it('returns null or stops on truncated and malformed input, never throws', () => {
    const der = new X509Certificate(readFileSync(lab().certs.serverCert)).raw;
    for (let n = 0; n < der.length; n += 7) {
      expect(() => certSignatureAlgorithm(der.subarray(0, n))).not.toThrow();
    }
    expect(certSignatureAlgorithm(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]))).toBeNull();
    expect(sessionTicketLifetime(Buffer.from([0x30, 0x03, 0xa9, 0x01, 0x02]))).toBeNull();
    // found by the property below: a child whose header fits in the buffer but not in its parent
    const nested = Buffer.from([0, 1, 0, 0]);
    for (const c of children(nested, readTlv(nested, 0)!)) expect(c.end).toBeLessThanOrEqual(3);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const b = Buffer.from(bytes);
        certSignatureAlgorithm(b);
        sessionTicketLifetime(b);
        const top = readTlv(b, 0);
        if (top) for (const c of children(b, top)) expect(c.end).toBeLessThanOrEqual(top.end);
      }),
    );
  });
});
