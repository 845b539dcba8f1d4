import type { DetailedPeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { mayWarnOfExpiry, type TlsFacts } from '../../../src/connection/handshake.js';

const now = new Date('2026-11-24T00:00:00Z');
const day = 86_400_000;
const cert = (daysLeft: number, issuer?: object) =>
  ({ subject: { CN: 'x' }, valid_to: new Date(now.getTime() + daysLeft * day).toUTCString(), ...(issuer ? { issuerCertificate: issuer } : {}) }) as unknown as DetailedPeerCertificate;
const facts = (peer: DetailedPeerCertificate | null, local: object | null = null) => ({ peer, local }) as unknown as TlsFacts;

describe('mayWarnOfExpiry (skips building the report on the start-up path)', () => {
  const root = cert(3000);
  root.issuerCertificate = root; // self-signed: Node links a root to itself
  it.each([
    { name: 'leaf and root far from expiry', f: facts(cert(300, root)), expected: false },
    { name: 'leaf expires in 13 days', f: facts(cert(13, root)), expected: true },
    { name: 'leaf expired', f: facts(cert(-2, root)), expected: true },
    { name: 'intermediate expires in 5 days', f: facts(cert(300, cert(5, root))), expected: true },
    { name: 'client certificate expires in 10 days', f: facts(cert(300, root), cert(10)), expected: true },
    { name: 'client certificate fine', f: facts(cert(300, root), cert(100)), expected: false },
    { name: 'no peer certificate (failed handshake): full check', f: facts(null), expected: true },
  ])('$name → $expected', ({ f, expected }) => {
    expect(mayWarnOfExpiry(f, undefined, now)).toBe(expected);
  });

  it('a resumed session (no peer) uses the first chain', () => {
    expect(mayWarnOfExpiry(facts(null), cert(300, root), now)).toBe(false);
    expect(mayWarnOfExpiry(facts(null), cert(1, root), now)).toBe(true);
  });
});
