import type { PeerCertificate } from 'node:tls';
import type { TrustSource } from './config.js';

/** A TLS failure in words, and what would fix it. */
export interface TlsExplanation {
  /** Stable code for scripts and the JSON report, e.g. `CERT_HAS_EXPIRED`. */
  code: string;
  reason: string;
  hint: string;
}

/** Describes where trust came from, e.g. `--cacert ca.crt (1 certificate)`. */
export function describeTrust(trust: TrustSource): string {
  const n = `${trust.caCount} certificate${trust.caCount === 1 ? '' : 's'}`;
  switch (trust.kind) {
    case 'file':
      return `--cacert ${trust.paths[0]} (${n})`;
    case 'dir':
      return `--cacertdir ${trust.paths[0]} (${n})`;
    case 'file+dir':
      return `--cacert ${trust.paths[0]} and --cacertdir ${trust.paths[1]} (${n})`;
    case 'system':
      return `the system trust store ${trust.paths.join(', ')} (${n})`;
    case 'none':
      return 'an empty trust store (no --cacert/--cacertdir, and no system CA file or folder found)';
  }
}

/** The subject's CN (or the whole subject) of a certificate, for sentences. */
export function certName(cert: Pick<PeerCertificate, 'subject'> | undefined): string {
  const s = cert?.subject as Record<string, string | string[]> | undefined;
  if (!s) return '(unknown)';
  const cn = s.CN ?? s.O;
  if (cn !== undefined) return Array.isArray(cn) ? cn.join(', ') : cn;
  return Object.entries(s).map(([k, v]) => `${k}=${String(v)}`).join(', ');
}

function issuerName(cert: Pick<PeerCertificate, 'issuer'> | undefined): string {
  return certName(cert ? { subject: cert.issuer } : undefined);
}

/** The peer chain, leaf first, as Node exposes it (stops at the self-signed end). */
export function chainOf(leaf: PeerCertificate | undefined): PeerCertificate[] {
  const out: PeerCertificate[] = [];
  let cur = leaf as (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined;
  while (cur && Object.keys(cur).length > 0 && !out.includes(cur)) {
    out.push(cur);
    const next = cur.issuerCertificate as (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined;
    if (!next || next === cur || next.fingerprint256 === cur.fingerprint256) break;
    cur = next;
  }
  return out;
}

function daysBetween(a: Date, b: Date): number {
  return Math.floor(Math.abs(a.getTime() - b.getTime()) / 86_400_000);
}

/** Verify codes that mean "the issuer is not trusted". */
const ISSUER_CODES = new Set(['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

const CA_HINT = 'pass the CA that signed the server certificate with --cacert FILE (or --cacertdir DIR); --insecure skips verification (unsafe)';

/**
 * Explains an OpenSSL verify code (Node's `authorizationError.code`) for the server's chain.
 * `now` is injected so that tests are deterministic.
 */
export function explainVerifyError(code: string, leaf: PeerCertificate | undefined, trust: TrustSource, now: Date = new Date()): TlsExplanation {
  const chain = chainOf(leaf);
  const top = chain[chain.length - 1];
  const trusted = describeTrust(trust);
  if (trust.kind === 'none' && trust.searched !== undefined && ISSUER_CODES.has(code)) {
    // Not "unknown issuer": nothing at all was trusted, which is what to fix.
    return {
      code: 'NO_TRUST_STORE',
      reason: `no trusted CA certificate was found to check "${certName(leaf)}": no --cacert or --cacertdir, and none in ${trust.searched.join(', ')}`,
      hint: 'pass the CA that signed the server certificate with --cacert FILE, set SSL_CERT_FILE, or install the system CA bundle (the ca-certificates package)',
    };
  }
  switch (code) {
    case 'CERT_HAS_EXPIRED': {
      const bad = chain.find((c) => new Date(c.valid_to) < now) ?? leaf;
      const end = bad ? new Date(bad.valid_to) : undefined;
      return {
        code,
        reason: `certificate "${certName(bad)}" expired on ${end?.toISOString().slice(0, 10) ?? '?'} (${end ? daysBetween(now, end) : '?'} days ago)`,
        hint: 'renew the server certificate (tls-cert-file); if it looks valid, check this machine\'s clock',
      };
    }
    case 'CERT_NOT_YET_VALID': {
      const bad = chain.find((c) => new Date(c.valid_from) > now) ?? leaf;
      const start = bad ? new Date(bad.valid_from) : undefined;
      return {
        code,
        reason: `certificate "${certName(bad)}" is not valid until ${start?.toISOString().slice(0, 10) ?? '?'} (${start ? daysBetween(start, now) : '?'} days from now)`,
        hint: 'check the clock of this machine and of the machine that issued the certificate',
      };
    }
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return { code, reason: `the server's certificate "${certName(leaf)}" is self-signed and not trusted by ${trusted}`, hint: 'pass that certificate itself with --cacert FILE; --insecure skips verification (unsafe)' };
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return { code, reason: `the chain ends in the root "${certName(top)}", which is not trusted by ${trusted}`, hint: `pass the root "${certName(top)}" with --cacert FILE (or --cacertdir DIR)` };
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return {
        code,
        reason: `the server sent only its own certificate "${certName(leaf)}"; its issuer "${issuerName(leaf)}" is not trusted by ${trusted} (or an intermediate certificate is missing)`,
        hint: `if "${issuerName(leaf)}" is an intermediate CA, add it after the leaf in the server's tls-cert-file; otherwise ${CA_HINT}`,
      };
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return { code, reason: `the issuer "${issuerName(top)}" of "${certName(top)}" is not trusted by ${trusted}`, hint: CA_HINT };
    case 'CERT_SIGNATURE_FAILURE':
      return { code, reason: `the signature of "${certName(leaf)}" does not verify against its issuer`, hint: 'the certificate or the CA file is corrupt or mismatched: check --cacert and the server certificate' };
    case 'INVALID_CA':
      return { code, reason: `a certificate in the chain is used as a CA but is not one (basicConstraints CA:FALSE)`, hint: 'the server chain is misbuilt: check the intermediate certificates in tls-cert-file' };
    case 'INVALID_PURPOSE':
      return { code, reason: `the certificate "${certName(leaf)}" is not meant for TLS servers (extended key usage)`, hint: 'issue the server certificate with extendedKeyUsage serverAuth' };
    case 'CERT_REVOKED':
      return { code, reason: `the certificate "${certName(leaf)}" has been revoked`, hint: 'renew the server certificate' };
    default:
      return { code, reason: `certificate verification failed (${code})`, hint: CA_HINT };
  }
}

/** SANs of a certificate as a list (`DNS:localhost`, `IP Address:127.0.0.1`). */
export function sansOf(cert: Pick<PeerCertificate, 'subjectaltname'> | undefined): string[] {
  const san = cert?.subjectaltname;
  return san ? san.split(', ').filter((s) => s !== '') : [];
}

/** Explains a hostname mismatch. */
export function explainHostMismatch(name: string, leaf: PeerCertificate | undefined): TlsExplanation {
  const sans = sansOf(leaf);
  const got = sans.length > 0 ? `its names are ${sans.join(', ')}` : `it has no subjectAltName (CN "${certName(leaf)}" is not used for matching)`;
  return {
    code: 'HOSTNAME_MISMATCH',
    reason: `the certificate does not match the host name "${name}": ${got}`,
    hint: 'connect with -h set to one of those names, or send one with --sni NAME; --no-verify-hostname skips only this check',
  };
}

/** Explains an error raised by Node/OpenSSL during the handshake or the first read. */
export function explainHandshakeError(err: NodeJS.ErrnoException, during: 'handshake' | 'first-read'): TlsExplanation | undefined {
  const code = err.code ?? '';
  const msg = err.message ?? '';
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || /certificate required/i.test(msg)) {
    return { code: 'CLIENT_CERT_REQUIRED', reason: 'the server requires a client certificate and none was sent', hint: 'pass --cert FILE and --key FILE (a certificate the server\'s tls-ca-cert-file trusts)' };
  }
  if (/ALERT_UNKNOWN_CA|tlsv1 alert unknown ca/i.test(code + msg)) {
    return { code: 'CLIENT_CERT_REJECTED', reason: 'the server rejected the client certificate: it does not trust its issuer (alert "unknown CA")', hint: 'use a --cert signed by a CA in the server\'s tls-ca-cert-file' };
  }
  if (/ALERT_BAD_CERTIFICATE|ALERT_CERTIFICATE_EXPIRED|ALERT_UNSUPPORTED_CERTIFICATE|ALERT_CERTIFICATE_UNKNOWN/i.test(code) || /alert bad certificate|alert certificate expired/i.test(msg)) {
    return { code: 'CLIENT_CERT_REJECTED', reason: `the server rejected the client certificate (${msg.replace(/^.*:/, '').trim() || code})`, hint: 'check --cert/--key: the certificate must be valid, for clientAuth, and signed by a CA the server trusts' };
  }
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST|RECORD_LAYER_FAILURE/i.test(code) || /wrong version number|packet length too long/i.test(msg)) {
    return { code: 'NOT_TLS', reason: 'the server answered without TLS: this port speaks plaintext', hint: 'drop --tls (or use the server\'s tls-port)' };
  }
  if (/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|VERSION_TOO_LOW|VERSION_TOO_HIGH/i.test(code) || /protocol version|unsupported protocol/i.test(msg)) {
    return { code: 'TLS_VERSION', reason: `no TLS version both sides accept (${msg.replace(/^.*:/, '').trim() || code})`, hint: 'check --tls-min-version/--tls-max-version against the server\'s tls-protocols' };
  }
  if (/HANDSHAKE_FAILURE|NO_SHARED_CIPHER|NO_CIPHERS|NO_SUITABLE|INSUFFICIENT_SECURITY/i.test(code) || /handshake failure|no shared cipher/i.test(msg)) {
    return { code: 'TLS_HANDSHAKE_FAILURE', reason: `the server refused the handshake (${msg.replace(/^.*:/, '').trim() || code}): no common cipher or group, or a client certificate is required`, hint: 'check --tls-ciphers/--tls-ciphersuites/--tls-groups; if the server uses tls-auth-clients, pass --cert and --key' };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up|disconnected before secure/i.test(msg)) {
    return during === 'handshake'
      ? { code: 'TLS_RESET', reason: 'the server closed the connection during the TLS handshake', hint: 'the server may require a client certificate (--cert/--key), or the port may not speak TLS' }
      : { code: 'TLS_RESET_AFTER_HANDSHAKE', reason: 'the server closed the connection right after the TLS handshake', hint: 'the server probably requires a client certificate it trusts: pass --cert FILE and --key FILE' };
  }
  return undefined;
}

/** Explains an error raised while building the TLS context from the key and certificate files. */
export function explainContextError(err: NodeJS.ErrnoException, files: { cert?: string | undefined; key?: string | undefined; p12?: string | undefined }): TlsExplanation {
  const code = err.code ?? '';
  const msg = err.message ?? String(err);
  if (/ECDH curve/i.test(msg)) {
    return { code: 'TLS_GROUPS', reason: `unknown key exchange group in --tls-groups (${msg})`, hint: 'give --tls-groups colon-separated group names OpenSSL knows, e.g. X25519:P-256:P-384' };
  }
  if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(code + msg)) {
    return { code: 'KEY_MISMATCH', reason: `the private key ${files.key} does not belong to the certificate ${files.cert}`, hint: 'pass the key that was generated with that certificate to --key' };
  }
  if (/BAD_DECRYPT|bad decrypt|mac verify failure/i.test(code + msg)) {
    return { code: 'BAD_PASSPHRASE', reason: `wrong passphrase for ${files.p12 ?? files.key}`, hint: 'check the passphrase (--key-pass-env VAR, or the prompt)' };
  }
  if (/NO_START_LINE|no start line|UNSUPPORTED|DECODER/i.test(code + msg)) {
    return { code: 'BAD_PEM', reason: `could not read a PEM ${/cert/i.test(msg) ? 'certificate' : 'key'} from ${files.cert ?? ''} ${files.key ?? ''}`.trim(), hint: 'check that --cert and --key are PEM files (-----BEGIN ...-----)' };
  }
  return { code: 'TLS_CONTEXT', reason: `could not load the client certificate or key: ${msg}`, hint: 'check --cert, --key and --p12' };
}
