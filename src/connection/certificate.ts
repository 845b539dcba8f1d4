/**
 * One X.509 certificate as the handshake report describes it (subject, SANs, validity, key,
 * fingerprints), read with node:crypto's X509Certificate; only the signature algorithm, which
 * X509Certificate does not expose in Node 20, comes from the DER (der.ts).
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { children, oidText, readTlv } from './der.js';
import type { CertificateReport } from './handshake.js';
import { spkiSha256 } from './spki.js';
import { sansOf } from './tls-errors.js';

/** Certificates expiring within this many days are flagged `expiring` in the chain. */
export const EXPIRING_DAYS = 30;

const DAY_MS = 86_400_000;

/** `CN=localhost\nO=lab` (X509Certificate) → `CN=localhost, O=lab`. */
function dn(s: string): string {
  return s.split('\n').filter((p) => p !== '').join(', ');
}

function cnOf(s: string): string | null {
  const m = /(?:^|\n)CN=([^\n]*)/.exec(s);
  return m ? m[1]! : null;
}

const SIG_OIDS: Record<string, string> = {
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

/** The outer signatureAlgorithm of a DER certificate (`ecdsa-with-SHA256`), or null. */
export function certSignatureAlgorithm(der: Buffer): string | null {
  const top = readTlv(der, 0);
  if (!top) return null;
  const alg = children(der, top)[1];
  const oid = alg ? children(der, alg)[0] : undefined;
  if (!oid || oid.tag !== 0x06) return null;
  const text = oidText(der, oid);
  return SIG_OIDS[text] ?? text;
}

/** Days from `now` to `to`, rounded down (negative once passed). */
function daysUntil(to: Date, now: Date): number {
  return Math.trunc((to.getTime() - now.getTime()) / DAY_MS) || 0; // whole days, towards zero (no -0)
}

/** Describes one certificate (server chain or client). */
export function describeCertificate(raw: Buffer, now: Date = new Date()): CertificateReport {
  const x = new X509Certificate(raw);
  const from = new Date(x.validFrom);
  const to = new Date(x.validTo);
  const daysLeft = daysUntil(to, now);
  const validity = to < now ? 'expired' : from > now ? 'not-yet-valid' : daysLeft < EXPIRING_DAYS ? 'expiring' : 'valid';
  const key = x.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType ?? 'unknown';
  const curve = details.namedCurve ?? null;
  const bits = details.modulusLength ?? (curve ? CURVE_BITS[curve] ?? null : type === 'ed25519' ? 256 : type === 'ed448' ? 456 : null);
  return {
    subject: dn(x.subject),
    issuer: dn(x.issuer),
    commonName: cnOf(x.subject),
    sans: sansOf({ subjectaltname: x.subjectAltName ?? '' } as PeerCertificate),
    validFrom: from.toISOString(),
    validTo: to.toISOString(),
    daysLeft,
    validity,
    keyType: type,
    keyBits: bits,
    keyCurve: curve,
    signatureAlgorithm: certSignatureAlgorithm(raw),
    fingerprintSha256: x.fingerprint256,
    spkiSha256: spkiSha256(x),
    serial: x.serialNumber.toUpperCase(),
    isCA: x.ca,
    selfSigned: x.subject === x.issuer && safeVerify(x, x),
  };
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256 };
/** NIST names for the curves OpenSSL names otherwise. */
const CURVE_ALIAS: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** `prime256v1` → `P-256`; others unchanged. */
export function curveAlias(name: string): string {
  return CURVE_ALIAS[name] ?? name;
}

/** The handshake signature scheme, derived from the server key (TLS 1.3 binds curve and hash). */
/** `expires in 5 days (2026-11-29)` / `expired 1800 days ago (2021-01-01)`. */
export function describeExpiry(c: Pick<CertificateReport, 'validTo' | 'validFrom' | 'daysLeft' | 'validity'>): string {
  const day = c.validTo.slice(0, 10);
  if (c.validity === 'not-yet-valid') return `not valid before ${c.validFrom.slice(0, 10)}`;
  if (c.validity === 'expired') return c.daysLeft === 0 ? `expired today (${day})` : `expired ${-c.daysLeft} day${c.daysLeft === -1 ? '' : 's'} ago (${day})`;
  if (c.daysLeft === 0) return `expires within a day (${c.validTo.slice(0, 16).replace('T', ' ')} UTC)`;
  return `expires in ${c.daysLeft} day${c.daysLeft === 1 ? '' : 's'} (${day})`;
}
