/**
 * Weak TLS settings of a server, each with the redis.conf line (or the certificate change) that
 * fixes it: what --show-handshake, `:tls` and `--cluster tls-audit` flag. Pure: reads a TLS report
 * and the results of the extra probe handshakes (tls-probe.ts), returns plain data.
 */
import type { CertificateReport, TlsReport } from './handshake.js';

/** RSA keys shorter than this are flagged (NIST SP 800-131A: 2048 bits since 2014). */
export const MIN_RSA_BITS = 2048;
/** Chain certificates expiring within this many days are flagged. */
export const CHAIN_EXPIRY_DAYS = 30;

/**
 * The AEAD-only TLS 1.2 cipher list offered as the `tls-ciphers` fix (ECDHE with AES-GCM or
 * ChaCha20-Poly1305; TLS 1.3 suites are all AEAD and set by `tls-ciphersuites`).
 */
export const AEAD_TLS12_CIPHERS = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305';

/** The `tls-protocols` fix for TLS 1.0/1.1. */
export const MODERN_PROTOCOLS_LINE = 'tls-protocols "TLSv1.2 TLSv1.3"';
export const AEAD_CIPHERS_LINE = `tls-ciphers "${AEAD_TLS12_CIPHERS}"`;

/** The outcome of one extra handshake that offers only something weak. */
export interface TlsProbeResult {
  /**
   * `accepted`: the server completed the handshake; `refused`: it did not (alert, reset);
   * `not-probed`: this client could not offer it (the local OpenSSL refuses) or the probe did not run.
   */
  status: 'accepted' | 'refused' | 'not-probed';
  /** What was offered, in words (`TLS 1.0 and 1.1`, `non-AEAD TLS 1.2 ciphers`). */
  offered: string;
  /** The protocol and cipher (OpenSSL name) the server chose when it accepted; else null. */
  protocol: string | null;
  cipher: string | null;
  /** Why it was refused or not probed (OpenSSL's error code and words), or null when accepted. */
  detail: string | null;
}

/** The extra handshakes made to find weak settings the normal handshake does not show. */
export interface TlsProbes {
  /** A handshake offering only TLS 1.0 and 1.1 (security level 0, so that OpenSSL 3 offers them at all). */
  legacyProtocols: TlsProbeResult;
  /** A TLS 1.2 handshake offering only non-AEAD (CBC) ciphers. */
  nonAeadCiphers: TlsProbeResult;
}

/** One weak setting. */
export interface TlsWeakness {
  code:
    | 'LEGACY_PROTOCOL_NEGOTIATED'
    | 'LEGACY_PROTOCOL_ACCEPTED'
    | 'NON_AEAD_NEGOTIATED'
    | 'NON_AEAD_ACCEPTED'
    | 'RSA_KEY_TOO_SHORT'
    | 'SHA1_SIGNATURE'
    | 'CHAIN_EXPIRING';
  /** `high`: exploitable or refused by current clients; `medium`: worth fixing. */
  severity: 'high' | 'medium';
  /** What is weak, in one sentence. */
  what: string;
  /** The redis.conf line that fixes it, or what to do with the certificate. */
  fix: string;
  /** The chain certificate it is about (0 = the server's own), or null for a server setting. */
  depth: number | null;
}

/** True for AEAD ciphers (GCM, CCM, ChaCha20-Poly1305; every TLS 1.3 suite), by IANA or OpenSSL name. */
export function isAeadCipher(name: string): boolean {
  return /GCM|CCM|CHACHA20|POLY1305/i.test(name) || /^TLS_AES_/.test(name);
}

const LEGACY = new Set(['TLSv1', 'TLSv1.1', 'SSLv3']);

/** `TLSv1` → `TLS 1.0`. */
function protocolWords(p: string): string {
  return p === 'TLSv1' ? 'TLS 1.0' : p.replace(/^TLSv/, 'TLS ');
}

function certName(c: CertificateReport, depth: number): string {
  const who = depth === 0 ? 'the server certificate' : c.isCA ? `the CA certificate at chain depth ${depth}` : `the certificate at chain depth ${depth}`;
  return `${who} "${c.commonName ?? c.subject}"`;
}

/** Where a reissued certificate goes in redis.conf. */
function fileDirective(depth: number): string {
  return depth === 0 ? 'tls-cert-file/tls-key-file' : 'tls-cert-file (the chain it serves) and every client\'s CA file';
}

/**
 * The weak settings of a server, from its TLS report (negotiated protocol and cipher, chain) and
 * the probes (what it also accepts). Order: server settings first, then certificates leaf first.
 */
export function findWeaknesses(tls: TlsReport | null, probes: TlsProbes | null): TlsWeakness[] {
  if (!tls) return [];
  const out: TlsWeakness[] = [];
  const n = tls.negotiated;
  if (n && LEGACY.has(n.protocol)) {
    out.push({ code: 'LEGACY_PROTOCOL_NEGOTIATED', severity: 'high', what: `the server negotiated ${protocolWords(n.protocol)}`, fix: MODERN_PROTOCOLS_LINE, depth: null });
  } else if (probes?.legacyProtocols.status === 'accepted') {
    const p = probes.legacyProtocols;
    out.push({ code: 'LEGACY_PROTOCOL_ACCEPTED', severity: 'high', what: `the server accepts ${protocolWords(p.protocol ?? 'TLSv1')} (a handshake offering only TLS 1.0/1.1 got ${p.protocol ?? '?'} ${p.cipher ?? ''})`.trimEnd(), fix: MODERN_PROTOCOLS_LINE, depth: null });
  }
  if (n && n.cipher.standardName !== '' && !isAeadCipher(n.cipher.standardName)) {
    out.push({ code: 'NON_AEAD_NEGOTIATED', severity: 'high', what: `the server chose the non-AEAD cipher ${n.cipher.opensslName || n.cipher.standardName}`, fix: AEAD_CIPHERS_LINE, depth: null });
  } else if (probes?.nonAeadCiphers.status === 'accepted') {
    const p = probes.nonAeadCiphers;
    out.push({ code: 'NON_AEAD_ACCEPTED', severity: 'medium', what: `the server accepts non-AEAD ciphers (a handshake offering only CBC ciphers got ${p.protocol ?? '?'} ${p.cipher ?? '?'})`, fix: `${AEAD_CIPHERS_LINE} (or ${'tls-protocols "TLSv1.3"'})`, depth: null });
  }
  tls.chain.certificates.forEach((c) => {
    const d = c.depth;
    // A root in the trust store signs nothing a client checks with its own signature: skip its self-signature.
    const selfSignedRoot = c.selfSigned && d > 0;
    if ((c.keyType === 'rsa' || c.keyType === 'rsa-pss') && c.keyBits !== null && c.keyBits < MIN_RSA_BITS) {
      out.push({ code: 'RSA_KEY_TOO_SHORT', severity: 'high', what: `${certName(c, d)} has a ${c.keyBits}-bit RSA key`, fix: `reissue it with an RSA key of at least ${MIN_RSA_BITS} bits (or an EC P-256 key), e.g. openssl req -newkey rsa:3072, and load it with ${fileDirective(d)}`, depth: d });
    }
    if (!selfSignedRoot && c.signatureAlgorithm !== null && /sha1|SHA1/.test(c.signatureAlgorithm)) {
      out.push({ code: 'SHA1_SIGNATURE', severity: 'high', what: `${certName(c, d)} is signed with ${c.signatureAlgorithm} (SHA-1: OpenSSL 3 refuses it at security level 1)`, fix: `reissue it signed with SHA-256 (openssl x509 -req -sha256 …) and load it with ${fileDirective(d)}`, depth: d });
    }
    if (c.validity === 'expiring' || (c.validity === 'valid' && c.daysLeft < CHAIN_EXPIRY_DAYS)) {
      out.push({ code: 'CHAIN_EXPIRING', severity: 'medium', what: `${certName(c, d)} expires in ${c.daysLeft} day${c.daysLeft === 1 ? '' : 's'} (${c.validTo.slice(0, 10)})`, fix: d === 0 ? 'renew it and load the new one with CONFIG SET tls-cert-file FILE tls-key-file FILE (and the same lines in redis.conf)' : 'renew the CA certificate and distribute it: tls-ca-cert-file on the servers, --cacert on clients', depth: d });
    }
  });
  return out;
}
