/**
 * The handshake report of one connect attempt, as plain data (the model behind --show-handshake and
 * `:tls`): the facts captured from the TLS socket, the report built from them, and its verdict.
 * Certificates are described by certificate.ts (node:crypto's X509Certificate, DER only where Node
 * exposes nothing: der.ts); wording and layout for people are format/handshake.ts's.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls';
import type { ConnectionConfig, TlsConfig, TrustSource } from './config.js';
import type { TlsPlan } from './options.js';
import { curveAlias, describeCertificate, describeExpiry } from './certificate.js';
import { children, readTlv } from './der.js';
import { chainOf, describeTrust, sansOf, type TlsExplanation } from './tls-errors.js';
import type { TlsSettled, TransportTimings } from './transport.js';
import { findWeaknesses, type TlsProbes, type TlsWeakness } from './weak-settings.js';

// ---------------------------------------------------------------------------------------------
// The report: plain data, stable JSON (schema "tredis-cli.handshake/1", documented field by field
// in the README and in man/tredis-cli-handshake.schema.json). Fields are never removed or renamed
// within a schema version; a value that is not known is `null`, never absent.
// ---------------------------------------------------------------------------------------------

/** Identifies the JSON layout; bumped only for incompatible changes. */
export const HANDSHAKE_SCHEMA = 'tredis-cli.handshake/1';

/** Certificates expiring within this many days get a warning on stderr. */
export const WARN_DAYS = 14;

/** Where a connection attempt stopped, or where it got to. */
export type HandshakeStage =
  | 'resolve'
  | 'connect'
  | 'tls-setup'
  | 'handshake'
  | 'verify'
  | 'identity'
  | 'pin'
  | 'client-auth'
  | 'reply';

/** Milliseconds per step; `null` for a step that did not run (or has not yet). */
export interface HandshakeTimings {
  resolveMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  authMs: number | null;
  selectMs: number | null;
  helloMs: number | null;
  /** From writing the first command after AUTH/SELECT/HELLO to its reply. */
  firstReplyMs: number | null;
  /** Sum of the steps above that ran. */
  totalMs: number;
}

/** One certificate, for the server chain and the client certificate. */
export interface CertificateReport {
  /** RFC 2253-like: `CN=localhost, O=tredis-cli lab`. */
  subject: string;
  issuer: string;
  /** The CN, or null when the subject has none. */
  commonName: string | null;
  /** `DNS:localhost`, `IP Address:127.0.0.1`, … */
  sans: string[];
  /** ISO 8601. */
  validFrom: string;
  validTo: string;
  /** Whole days until `validTo`; negative once expired. */
  daysLeft: number;
  /** `expiring`: valid but fewer than 30 days left. */
  validity: 'valid' | 'expiring' | 'expired' | 'not-yet-valid';
  /** `ec`, `rsa`, `rsa-pss`, `ed25519`, `ed448`, … */
  keyType: string;
  keyBits: number | null;
  /** Curve of an EC key, as OpenSSL names it (`prime256v1`); null otherwise. */
  keyCurve: string | null;
  /** How the issuer signed this certificate, e.g. `ecdsa-with-SHA256`. */
  signatureAlgorithm: string | null;
  /** `AB:CD:…` (upper-case hex, colon-separated), as `openssl x509 -fingerprint -sha256`. */
  fingerprintSha256: string;
  /** base64 SHA-256 of the SubjectPublicKeyInfo (the value --pin-sha256 compares). */
  spkiSha256: string;
  /** Upper-case hex. */
  serial: string;
  isCA: boolean;
  selfSigned: boolean;
}

/** One certificate of the server's chain, leaf first. */
export interface ChainCertificateReport extends CertificateReport {
  /** 0 = the server's own certificate. */
  depth: number;
  /** The same certificate is in the trust store used (--cacert, --cacertdir or the system's). */
  inTrustStore: boolean;
  /** `ok`: checked and fine; `failed`: verification failed here; `unchecked`: --insecure. */
  status: 'ok' | 'failed' | 'unchecked';
  /** What is wrong with this certificate in plain words, or null. */
  problem: string | null;
}

/** The signature the server made over the handshake. */
export interface SignatureReport {
  /** The scheme (e.g. `ecdsa_secp256r1_sha256`), or null. */
  scheme: string | null;
  /** Node does not expose the scheme used: true when it was derived from the server key and the version. */
  inferred: boolean;
  /** How the scheme was found, in words. */
  basis: string;
}

/** The TLS part of a report; null in the report for a plaintext connection. */
export interface TlsReport {
  /** What verification was asked for: `full` (chain + host name), `chain-only` (--no-verify-hostname), `none` (--insecure). */
  verifyMode: 'full' | 'chain-only' | 'none';
  sni: {
    /** The server name sent in the ClientHello (or that would have been, when the connection failed before), or null. */
    sent: string | null;
    /** Why none was sent. */
    reason: string | null;
  };
  trust: {
    source: TrustSource['kind'];
    paths: string[];
    /** Number of CA certificates in the source. */
    caCount: number;
    /** One phrase, e.g. `--cacert ca.crt (1 certificate)`. */
    description: string;
  };
  /** What was negotiated; null when the handshake did not complete. */
  negotiated: {
    /** `TLSv1.3`, `TLSv1.2`. */
    protocol: string;
    cipher: {
      /** IANA name, `TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256`. */
      standardName: string;
      /** OpenSSL name, `ECDHE-ECDSA-AES128-GCM-SHA256`. */
      opensslName: string;
    };
    /** null when no ephemeral key exchange took place (e.g. a resumed TLS 1.2 session). */
    keyExchange: { group: string; type: string; bits: number } | null;
    signature: SignatureReport;
    /** Negotiated ALPN protocol, or null (Redis does not use ALPN). */
    alpn: string | null;
    /** The session was resumed (ticket or session id): no certificates were exchanged. */
    resumed: boolean;
    /** The server issued a session ticket (known once a reply has been read). */
    ticket: boolean;
    /** The ticket lifetime hint in seconds, when the server sent one. */
    ticketLifetimeSec: number | null;
  } | null;
  chain: {
    /** `handshake`: from this handshake; `first-handshake`: this session was resumed and has no peer certificate in Node, so the chain of the handshake that created the session is shown; `none`: no chain. */
    source: 'handshake' | 'first-handshake' | 'none';
    certificates: ChainCertificateReport[];
    /** The issuer (DN) that verification could not find: neither sent by the server nor in the trust store; else null. */
    missingIssuer: string | null;
  };
  verification: {
    /** `ok`, `failed`, `skipped` (--insecure), `not-run` (the handshake did not complete). */
    chain: 'ok' | 'failed' | 'skipped' | 'not-run';
    /** OpenSSL/Node verify code (`CERT_HAS_EXPIRED`, `HOSTNAME_MISMATCH`, `PIN_MISMATCH`, …) or null. */
    code: string | null;
    reason: string | null;
    hint: string | null;
    /** Depth of the certificate that failed, or null. */
    failedDepth: number | null;
  };
  identity: {
    /** `matched`, `mismatch`, `skipped` (--no-verify-hostname or --insecure), `not-checked` (chain failed first, or no chain). */
    status: 'matched' | 'mismatch' | 'skipped' | 'not-checked';
    /** The name the certificate must match (--sni, else -h). */
    name: string;
    /** The SAN that matched, e.g. `IP Address:127.0.0.1`, or null. */
    matchedSan: string | null;
    /** The sentence shown in the text report. */
    sentence: string;
  };
  /** The probe handshakes (TLS 1.0/1.1 only; non-AEAD ciphers only), or null when they did not run. */
  probes: TlsProbes | null;
  /** --pin-sha256, when given. */
  pin: { expected: string[]; actual: string; matched: boolean } | null;
  clientCertificate: {
    /**
     * The server sent a CertificateRequest: true / false on a completed full handshake; null when it
     * cannot be known (handshake failed, or session resumed: no request happens then).
     */
    requested: boolean | null;
    /** How `requested` was found, in words. */
    basis: string;
    /** Where our certificate came from: `--cert`, `--p12`, or null for none. */
    source: '--cert' | '--p12' | null;
    /** The --key PEM was encrypted (a passphrase was used). */
    encryptedKey: boolean;
    /** Our certificate was sent: true / false, or null when unknown. */
    sent: boolean | null;
    /** Our configured certificate, or null. */
    certificate: CertificateReport | null;
    /** Signature algorithms the server accepts for our CertificateVerify (from its request). */
    acceptedSigalgs: string[];
  };
}

/** The verdict line. */
export interface HandshakeVerdict {
  /** The connection can be used. */
  ok: boolean;
  /** `verified`, `chain-only` (--no-verify-hostname), `unverified` (--insecure), `plaintext`, `failed`, `pending` (nothing known yet). */
  status: 'verified' | 'chain-only' | 'unverified' | 'plaintext' | 'failed' | 'pending';
  /** Error code when failed (`CERT_HAS_EXPIRED`, `ECONNREFUSED`, `CLIENT_CERT_REQUIRED`, …), else null. */
  code: string | null;
  /** Where it failed, or null. */
  stage: HandshakeStage | null;
  /** One line. */
  summary: string;
  reason: string | null;
  /** What to do about it. */
  hint: string | null;
}

/** Everything --show-handshake and `:tls` show. */
export interface HandshakeReport {
  schema: typeof HANDSHAKE_SCHEMA;
  /** When the report was made (ISO 8601). */
  generatedAt: string;
  target: {
    host: string;
    port: number;
    /** Unix socket path, or null. */
    socket: string | null;
  };
  /** The address actually connected to, or null when no connection was made. */
  address: {
    /** IP address, or the unix socket path. */
    ip: string;
    /** `IPv4`, `IPv6` or `unix`. */
    family: 'IPv4' | 'IPv6' | 'unix';
  } | null;
  transport: 'tls' | 'plaintext';
  timings: HandshakeTimings;
  tls: TlsReport | null;
  /** Lines also printed as warnings on stderr (certificates expiring within 14 days, --insecure, …). */
  warnings: string[];
  /** Weak TLS settings (weak-settings.ts), each with the redis.conf line or certificate change that fixes it. */
  weaknesses: TlsWeakness[];
  verdict: HandshakeVerdict;
}

// ---------------------------------------------------------------------------------------------
// Facts captured from a live TLS socket (before it may be destroyed on a verification failure).
// ---------------------------------------------------------------------------------------------

/** What a TLS socket told us right after the handshake; plain data that outlives the socket. */
export interface TlsFacts {
  protocol: string | null;
  cipher: { name: string; standardName: string } | null;
  ephemeral: { type?: string; name?: string; size?: number } | null;
  sharedSigalgs: string[];
  alpn: string | null;
  resumed: boolean;
  peer: DetailedPeerCertificate | null;
  local: PeerCertificate | null;
  ticket: boolean;
  session: Buffer | null;
}

/**
 * Reads the facts of a TLS socket after `secureConnect` (and again later for ticket facts).
 * `peerCertificate`: what `sock.getPeerCertificate(true)` already returned, when the caller has it.
 */
export function captureTlsFacts(sock: TLSSocket, peerCertificate?: PeerCertificate): TlsFacts {
  const peer = (peerCertificate ?? sock.getPeerCertificate(true)) as DetailedPeerCertificate | null;
  const local = sock.getCertificate() as PeerCertificate | null | Record<string, never>;
  const eph = sock.getEphemeralKeyInfo() as TlsFacts['ephemeral'];
  const cipher = sock.getCipher() as { name: string; standardName: string } | null;
  return {
    protocol: sock.getProtocol(),
    cipher: cipher ? { name: cipher.name, standardName: cipher.standardName } : null,
    ephemeral: eph && Object.keys(eph).length > 0 ? eph : null,
    sharedSigalgs: sock.getSharedSigalgs() ?? [],
    alpn: typeof sock.alpnProtocol === 'string' ? sock.alpnProtocol : null,
    resumed: sock.isSessionReused(),
    peer: peer && Object.keys(peer).length > 0 ? peer : null,
    local: local && Object.keys(local).length > 0 ? (local as PeerCertificate) : null,
    ticket: (sock.getTLSTicket()?.length ?? 0) > 0,
    session: sock.getSession() ?? null,
  };
}

/** Updates the facts that arrive after the handshake (TLS 1.3 tickets) from a still-open socket. */
export function refreshTlsFacts(facts: TlsFacts, sock: TLSSocket | undefined): TlsFacts {
  if (!sock || sock.destroyed) return facts;
  try {
    return { ...facts, ticket: (sock.getTLSTicket()?.length ?? 0) > 0, session: sock.getSession() ?? facts.session };
  } catch {
    return facts;
  }
}

// ---------------------------------------------------------------------------------------------
// Building the report.
// ---------------------------------------------------------------------------------------------

/** What `buildHandshakeReport` reads; `Session` provides all of it. */
export interface HandshakeInput {
  config: ConnectionConfig;
  tlsPlan: TlsPlan | undefined;
  /** The outcome of the TLS part of the latest connect (undefined when it did not get there). */
  settled: TlsSettled | undefined;
  facts: TlsFacts | undefined;
  /** Chain of the latest full handshake, for resumed sessions. */
  firstPeerCertificate: DetailedPeerCertificate | undefined;
  timings: TransportTimings & { authMs?: number; selectMs?: number; helloMs?: number; firstReplyMs?: number };
  /** The address of a plaintext connection. */
  remote: { address: string; family: number } | undefined;
  /** The error that ended the attempt or the connection, if any. */
  error: unknown;
  /** The probe handshakes of this connect, when they ran. */
  probes?: TlsProbes | undefined;
  now?: Date | undefined;
}

/** Milliseconds rounded to microseconds, or null. */
function ms(v: number | undefined): number | null {
  return v === undefined ? null : Math.round(v * 1000) / 1000;
}

/** The ticket lifetime hint ([9]) of an OpenSSL SSL_SESSION in DER, or null. */
export function sessionTicketLifetime(der: Buffer | null): number | null {
  if (!der) return null;
  const top = readTlv(der, 0);
  if (!top) return null;
  const hint = children(der, top).find((c) => c.tag === 0xa9);
  const int = hint ? readTlv(der, hint.start) : null;
  if (!int || int.tag !== 0x02 || int.end - int.start > 6) return null;
  let v = 0;
  for (let i = int.start; i < int.end; i++) v = v * 256 + der[i]!;
  return v;
}

/** The handshake signature scheme, derived from the server key (TLS 1.3 binds curve and hash). */
function inferSignature(leaf: CertificateReport | undefined, protocol: string | null): SignatureReport {
  if (!leaf) return { scheme: null, inferred: true, basis: 'no server certificate to derive it from' };
  const tls13 = protocol === 'TLSv1.3';
  const exact = `the only scheme TLS 1.3 allows for the server's ${leaf.keyCurve ? curveAlias(leaf.keyCurve) : leaf.keyType} key`;
  const likely = `OpenSSL's first choice for the server's ${leaf.keyType.toUpperCase()} key; Node does not report the scheme used`;
  switch (leaf.keyType) {
    case 'ec': {
      const map: Record<string, string> = { prime256v1: 'ecdsa_secp256r1_sha256', secp384r1: 'ecdsa_secp384r1_sha384', secp521r1: 'ecdsa_secp521r1_sha512' };
      const s = leaf.keyCurve ? map[leaf.keyCurve] : undefined;
      return s ? { scheme: s, inferred: true, basis: tls13 ? exact : likely } : { scheme: null, inferred: true, basis: `unknown for curve ${leaf.keyCurve ?? '?'}` };
    }
    case 'ed25519':
      return { scheme: 'ed25519', inferred: true, basis: 'the only scheme for an Ed25519 key' };
    case 'ed448':
      return { scheme: 'ed448', inferred: true, basis: 'the only scheme for an Ed448 key' };
    case 'rsa':
      return { scheme: 'rsa_pss_rsae_sha256', inferred: true, basis: likely };
    case 'rsa-pss':
      return { scheme: 'rsa_pss_pss_sha256', inferred: true, basis: likely };
    default:
      return { scheme: null, inferred: true, basis: `unknown for a ${leaf.keyType} key` };
  }
}

/** The CA certificates of the plan as one base64 string without white space, for DER lookups. */
function trustBlob(plan: TlsPlan | undefined): string {
  const ca = plan?.options.ca;
  if (!ca) return '';
  const list = Array.isArray(ca) ? ca : [ca];
  return list.map((c) => (typeof c === 'string' ? c : Buffer.from(c as Uint8Array).toString('latin1'))).join('').replace(/\s+/g, '');
}

/** getEphemeralKeyInfo() as a group name; a TLS 1.3 DH group is one of the named ffdhe groups. */
function keyExchangeOf(facts: TlsFacts): { group: string; type: string; bits: number } | null {
  const e = facts.ephemeral;
  if (!e || !e.type) return null;
  const bits = e.size ?? 0;
  const group = e.name ?? (e.type === 'DH' ? (facts.protocol === 'TLSv1.3' ? `ffdhe${bits}` : `DH-${bits}`) : e.type);
  return { group, type: e.type, bits };
}

/** Verify codes meaning "the issuer of the top certificate was not found". */
const MISSING_ISSUER_CODES = ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'];

/** Which certificate of the chain an OpenSSL verify code is about. */
function failingDepth(code: string, chain: CertificateReport[], now: Date): number | null {
  if (chain.length === 0) return null;
  switch (code) {
    case 'CERT_HAS_EXPIRED': {
      const i = chain.findIndex((c) => new Date(c.validTo) < now);
      return i === -1 ? 0 : i;
    }
    case 'CERT_NOT_YET_VALID': {
      const i = chain.findIndex((c) => new Date(c.validFrom) > now);
      return i === -1 ? 0 : i;
    }
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return chain.length - 1;
    default:
      return 0;
  }
}

/** An error message without the prefixes redis-cli puts in front (`Error: `, `Could not connect … : `). */
function cleanMessage(m: string): string {
  return m.replace(/^Error: /, '').replace(/^Could not connect to Redis at [^:]*(?::\d+)?: /, '');
}

function stageOf(code: string, err: unknown): HandshakeStage {
  if (/^(ENOTFOUND|EAI_)/.test(code)) return 'resolve';
  if (['KEY_MISMATCH', 'BAD_PASSPHRASE', 'BAD_PEM', 'TLS_CONTEXT', 'TLS_FILE', 'TLS_KEY_ENCRYPTED'].includes(code)) return 'tls-setup';
  if (code === 'NEEDS_TLS') return 'reply';
  if (['NOT_TLS', 'TLS_TIMEOUT', 'TLS_RESET', 'TLS_VERSION', 'TLS_HANDSHAKE_FAILURE', 'TLS_ERROR'].includes(code)) return 'handshake';
  if (code === 'HOSTNAME_MISMATCH') return 'identity';
  if (code === 'PIN_MISMATCH') return 'pin';
  if (code.startsWith('CLIENT_CERT') || code === 'TLS_RESET_AFTER_HANDSHAKE') return 'client-auth';
  const name = (err as Error | undefined)?.name;
  if (name === 'ConnectError') return 'connect';
  if (name === 'TlsError') return 'verify';
  return 'reply';
}

/**
 * Cheap pre-check for the start-up path: could `expiryWarnings` find anything? Reads only the dates
 * of the peer chain and of the local certificate, so the full report is built only when it might.
 */
export function mayWarnOfExpiry(facts: TlsFacts | undefined, firstPeer: DetailedPeerCertificate | undefined, now: Date = new Date()): boolean {
  const limit = now.getTime() + WARN_DAYS * 86_400_000;
  const soon = (c: { valid_to?: string } | null | undefined) => c?.valid_to !== undefined && Date.parse(c.valid_to) < limit;
  if (soon(facts?.local)) return true;
  const seen = new Set<unknown>();
  let cur = (facts?.peer ?? firstPeer) as (DetailedPeerCertificate & { issuerCertificate?: DetailedPeerCertificate }) | null | undefined;
  while (cur && !seen.has(cur) && Object.keys(cur).length > 0) {
    if (soon(cur)) return true;
    seen.add(cur);
    cur = cur.issuerCertificate;
  }
  // No peer certificate to look at (a failed handshake): let the full check decide.
  return facts?.peer == null && firstPeer === undefined;
}

/**
 * Certificates of the server chain and our client certificate that expire within 14 days (or have
 * expired), as sentences: the report's `warnings` (JSON) and the `Warning: …` lines on stderr.
 */
export function expiryWarnings(tls: TlsReport): string[] {
  const out: string[] = [];
  for (const c of tls.chain.certificates) {
    // a certificate whose expiry already failed verification is the error, not a warning
    if (c.daysLeft < WARN_DAYS && c.validity !== 'not-yet-valid' && c.status !== 'failed') {
      out.push(`the server certificate "${c.commonName ?? c.subject}"${c.depth > 0 ? ` (chain depth ${c.depth})` : ''} ${describeExpiry(c)}`);
    }
  }
  const cc = tls.clientCertificate;
  const c = cc.certificate;
  if (c && c.daysLeft < WARN_DAYS && c.validity !== 'not-yet-valid') {
    out.push(`the client certificate "${c.commonName ?? c.subject}" (${cc.source}) ${describeExpiry(c)}`);
  }
  return out;
}

/** Turns what a connect attempt left behind into the report. Pure apart from reading certificates. */
export function buildHandshakeReport(input: HandshakeInput): HandshakeReport {
  const now = input.now ?? new Date();
  const cfg = input.config;
  const st = input.settled;
  const t = input.timings;
  const steps = [t.resolveMs, t.connectMs, t.tlsMs, t.authMs, t.selectMs, t.helloMs, t.firstReplyMs];
  const timings: HandshakeTimings = {
    resolveMs: ms(t.resolveMs),
    connectMs: ms(t.connectMs),
    tlsMs: ms(t.tlsMs),
    authMs: ms(t.authMs),
    selectMs: ms(t.selectMs),
    helloMs: ms(t.helloMs),
    firstReplyMs: ms(t.firstReplyMs),
    totalMs: ms(steps.reduce<number>((a, v) => a + (v ?? 0), 0))!,
  };
  let address: HandshakeReport['address'] = null;
  if (cfg.socketPath !== undefined && (st || input.remote)) address = { ip: cfg.socketPath, family: 'unix' };
  else if (st) address = { ip: st.address, family: st.family === 6 ? 'IPv6' : 'IPv4' };
  else if (input.remote) address = { ip: input.remote.address, family: input.remote.family === 6 ? 'IPv6' : 'IPv4' };

  const err = input.error as (Error & { code?: string; hint?: string }) | undefined;
  const tls = cfg.tls ? buildTls(cfg.tls, input, now) : null;
  const warnings = tls ? expiryWarnings(tls) : [];
  const weaknesses = findWeaknesses(tls, tls?.probes ?? null);
  const verdict = buildVerdict(input, tls, err, timings);
  if (tls && tls.verifyMode === 'none' && tls.negotiated) warnings.push('--insecure: the server was not verified; anyone on the path could read and change this connection');
  return {
    schema: HANDSHAKE_SCHEMA,
    generatedAt: now.toISOString(),
    target: { host: cfg.host, port: cfg.port, socket: cfg.socketPath ?? null },
    address,
    transport: cfg.tls ? 'tls' : 'plaintext',
    timings,
    tls,
    warnings,
    weaknesses,
    verdict: explainWeakFailure(verdict, weaknesses),
  };
}

/**
 * OpenSSL reports a SHA-1 signature or a short key below its security level as a verify error Node
 * names UNSPECIFIED: when the chain has such a weakness, it is the likely cause, and its fix the hint.
 */
function explainWeakFailure(v: HandshakeVerdict, weak: TlsWeakness[]): HandshakeVerdict {
  if (v.status !== 'failed' || v.code !== 'UNSPECIFIED') return v;
  const cause = weak.find((w) => w.code === 'SHA1_SIGNATURE' || w.code === 'RSA_KEY_TOO_SHORT');
  if (!cause) return v;
  const reason = `${v.reason ?? 'certificate verification failed'}: ${cause.what}`;
  return { ...v, reason, summary: `FAILED at ${v.stage ?? 'verify'}: ${reason}`, hint: cause.fix };
}

function buildTls(tlsCfg: TlsConfig, input: HandshakeInput, now: Date): TlsReport {
  const st = input.settled;
  const plan = st?.plan ?? input.tlsPlan;
  const facts = input.facts;
  const verifyMode: TlsReport['verifyMode'] = tlsCfg.insecure ? 'none' : tlsCfg.verifyHostname ? 'full' : 'chain-only';
  const trust: TrustSource = plan?.trust ?? { kind: 'none', paths: [], caCount: 0 };
  const host = input.config.host;
  const verifyName = plan?.verifyName ?? tlsCfg.sni ?? host;

  // The chain: this handshake's, else (resumed) the one of the handshake that made the session.
  let peer = facts?.peer ?? null;
  let chainSource: TlsReport['chain']['source'] = peer ? 'handshake' : 'none';
  if (!peer && facts?.resumed && input.firstPeerCertificate) {
    peer = input.firstPeerCertificate;
    chainSource = 'first-handshake';
  }
  const peers = chainOf(peer ?? undefined);
  const described = peers.map((p) => describeCertificate(p.raw, now));
  const blob = trustBlob(plan);
  const handshakeDone = facts !== undefined && facts.protocol !== null;

  // Verification outcome, from transport.ts's checks (settled.failure, hostCheck, pinCheck).
  const failure: TlsExplanation | null = st?.failure ?? null;
  const failureIsVerify = failure !== null && handshakeDone && (st?.socket !== undefined);
  let chainStatus: TlsReport['verification']['chain'];
  if (!handshakeDone) chainStatus = 'not-run';
  else if (tlsCfg.insecure) chainStatus = 'skipped';
  else if (failureIsVerify && failure!.code !== 'HOSTNAME_MISMATCH' && failure!.code !== 'PIN_MISMATCH') chainStatus = 'failed';
  else chainStatus = 'ok';
  const failedDepth = failureIsVerify ? failingDepth(failure!.code, described, now) : null;

  const certificates: ChainCertificateReport[] = described.map((c, depth) => {
    const raw = peers[depth]!.raw;
    const inTrustStore = blob !== '' && blob.includes(raw.toString('base64'));
    let problem: string | null = null;
    if (c.validity === 'expired' || c.validity === 'not-yet-valid') problem = describeExpiry(c);
    if (failedDepth === depth && failure) problem = failure.reason;
    else if (depth === 0 && failure && failureIsVerify && (failure.code === 'HOSTNAME_MISMATCH' || failure.code === 'PIN_MISMATCH')) problem = failure.reason;
    const status: ChainCertificateReport['status'] = tlsCfg.insecure || !handshakeDone ? 'unchecked' : failedDepth === depth ? 'failed' : chainStatus === 'failed' && problem !== null ? 'failed' : 'ok';
    return { depth, ...c, inTrustStore, status, problem };
  });

  // Identity: what transport.ts checked, else what would have matched (for skipped or not-run checks).
  const identity = buildIdentity(tlsCfg, st, peers[0], verifyName, chainStatus);

  const leaf = described[0];
  const negotiated: TlsReport['negotiated'] = handshakeDone && facts
    ? {
        protocol: facts.protocol!,
        cipher: { standardName: facts.cipher?.standardName ?? '', opensslName: facts.cipher?.name ?? '' },
        keyExchange: keyExchangeOf(facts),
        signature: facts.resumed
          ? { scheme: null, inferred: false, basis: 'resumed session: the server did not sign this handshake' }
          : inferSignature(leaf, facts.protocol),
        alpn: facts.alpn,
        resumed: facts.resumed,
        ticket: facts.ticket,
        ticketLifetimeSec: sessionTicketLifetime(facts.session),
      }
    : null;

  const client = buildClient(tlsCfg, plan, facts, handshakeDone, now);
  const vfail = failureIsVerify && failure ? failure : null;
  return {
    verifyMode,
    sni: { sent: plan?.sni ?? null, reason: plan?.sniReason ?? null },
    trust: { source: trust.kind, paths: trust.paths, caCount: trust.caCount, description: tlsCfg.insecure ? 'none loaded (--insecure)' : describeTrust(trust) },
    negotiated,
    chain: {
      source: chainSource,
      certificates,
      missingIssuer: vfail && MISSING_ISSUER_CODES.includes(vfail.code) && described.length > 0 ? described[described.length - 1]!.issuer : null,
    },
    verification: {
      chain: chainStatus,
      code: vfail?.code ?? null,
      reason: vfail?.reason ?? null,
      hint: vfail?.hint ?? null,
      failedDepth,
    },
    identity,
    probes: input.probes ?? null,
    pin: st?.pinCheck ?? null,
    clientCertificate: client,
  };
}

function buildIdentity(tlsCfg: TlsConfig, st: TlsSettled | undefined, leafPeer: PeerCertificate | undefined, name: string, chain: TlsReport['verification']['chain']): TlsReport['identity'] {
  const who = isIP(name) !== 0 ? name : `"${name}"`;
  let matchedSan: string | null = null;
  let sans: string[] = [];
  if (leafPeer?.raw) {
    const x = new X509Certificate(leafPeer.raw);
    sans = sansOf({ subjectaltname: x.subjectAltName ?? '' } as PeerCertificate);
    const hit = isIP(name) !== 0 ? x.checkIP(name) : x.checkHost(name, { subject: 'never' });
    if (hit !== undefined) matchedSan = sans.find((s) => s.toLowerCase().endsWith(`:${hit.toLowerCase()}`)) ?? (isIP(name) !== 0 ? `IP Address:${hit}` : `DNS:${hit}`);
  }
  const would = leafPeer?.raw ? (matchedSan ? ` (SAN ${matchedSan} would match ${who})` : ` (no SAN would match ${who}: ${sans.length > 0 ? sans.join(', ') : 'the certificate has no SAN'})`) : '';
  if (tlsCfg.insecure) return { status: 'skipped', name, matchedSan, sentence: `not checked: --insecure${would}` };
  if (!tlsCfg.verifyHostname) return { status: 'skipped', name, matchedSan, sentence: `not checked: --no-verify-hostname${would}` };
  if (st?.hostCheck) {
    if (st.hostCheck.matched) return { status: 'matched', name, matchedSan, sentence: `SAN ${matchedSan ?? '?'} matched ${isIP(name) !== 0 ? 'IP' : 'host'} ${who}` };
    const names = sans.length > 0 ? `the certificate names ${sans.join(', ')}` : 'the certificate has no SAN (its CN is not used)';
    return { status: 'mismatch', name, matchedSan: null, sentence: `no SAN matched ${who}: ${names}` };
  }
  if (chain === 'failed') return { status: 'not-checked', name, matchedSan, sentence: `not checked: chain verification failed first${would}` };
  return { status: 'not-checked', name, matchedSan, sentence: leafPeer ? `not checked${would}` : 'not checked: no server certificate' };
}

function buildClient(tlsCfg: TlsConfig, plan: TlsPlan | undefined, facts: TlsFacts | undefined, handshakeDone: boolean, now: Date): TlsReport['clientCertificate'] {
  const source: TlsReport['clientCertificate']['source'] = tlsCfg.p12 !== undefined ? '--p12' : tlsCfg.cert !== undefined ? '--cert' : null;
  let certificate: CertificateReport | null = null;
  try {
    if (facts?.local?.raw) certificate = describeCertificate(facts.local.raw, now);
    else if (Buffer.isBuffer(plan?.options.cert)) certificate = describeCertificate(plan.options.cert, now); // --cert, read by planTls
  } catch {
    certificate = null;
  }
  let requested: boolean | null = null;
  let basis: string;
  if (!handshakeDone) {
    basis = 'unknown: the handshake did not complete';
  } else if (facts!.resumed) {
    basis = 'unknown: a resumed session repeats no certificate exchange (the first handshake\'s client authentication carries over)';
  } else {
    // A client learns signature algorithms from the server only through a CertificateRequest, so
    // Node's getSharedSigalgs() is non-empty exactly when the server asked for a certificate.
    requested = facts!.sharedSigalgs.length > 0;
    basis = requested ? 'the server sent a CertificateRequest (it listed signature algorithms for our certificate)' : 'the server sent no CertificateRequest';
  }
  const sent = requested === null ? null : requested && source !== null;
  return { requested, basis, source, encryptedKey: plan?.encryptedKey ?? false, sent, certificate, acceptedSigalgs: [...new Set((facts?.sharedSigalgs ?? []).map((a) => a.replace(/\+UNDEF$/, '')))] };
}

function buildVerdict(input: HandshakeInput, tls: TlsReport | null, err: (Error & { code?: string; hint?: string }) | undefined, timings: HandshakeTimings): HandshakeVerdict {
  const failure = input.settled?.failure ?? null;
  if (err !== undefined || failure !== null) {
    // transport.ts's explanation is the most precise; else the thrown error (connect, first read).
    const code = failure?.code ?? err?.code ?? 'ERROR';
    const reason = failure?.reason ?? cleanMessage(err?.message ?? 'unknown error');
    const hint = failure?.hint ?? err?.hint ?? null;
    const stage = failure && input.settled?.socket && tls?.negotiated ? (code === 'HOSTNAME_MISMATCH' ? 'identity' : code === 'PIN_MISMATCH' ? 'pin' : 'verify') : stageOf(code, err);
    return { ok: false, status: 'failed', code, stage, summary: `FAILED at ${stage}: ${reason}`, reason, hint };
  }
  if (!tls) {
    if (timings.connectMs === null) return { ok: false, status: 'pending', code: null, stage: null, summary: 'not connected', reason: null, hint: null };
    return { ok: true, status: 'plaintext', code: null, stage: null, summary: 'connected in plaintext: nothing on this connection is encrypted or authenticated', reason: null, hint: 'use --tls (and the server\'s tls-port) to encrypt' };
  }
  const n = tls.negotiated;
  if (!n) return { ok: false, status: 'pending', code: null, stage: null, summary: 'no TLS handshake yet', reason: null, hint: null };
  const what = `${n.protocol} ${n.cipher.standardName}${n.resumed ? ' (resumed)' : ''}`;
  if (tls.verifyMode === 'none') {
    return { ok: true, status: 'unverified', code: null, stage: null, summary: `connected with ${what}, but UNVERIFIED (--insecure): the server's identity was not checked`, reason: null, hint: 'pass the CA with --cacert FILE and drop --insecure' };
  }
  const trusted = `chain verified against ${tls.trust.description}`;
  if (tls.verifyMode === 'chain-only') {
    return { ok: true, status: 'chain-only', code: null, stage: null, summary: `connected with ${what}; ${trusted}; host name NOT checked (--no-verify-hostname)`, reason: null, hint: null };
  }
  const id = tls.identity.matchedSan ? `host name matched (SAN ${tls.identity.matchedSan})` : 'host name matched';
  const pin = tls.pin ? '; public key pin matched' : '';
  return { ok: true, status: 'verified', code: null, stage: null, summary: `connected with ${what}; ${trusted}; ${id}${pin}`, reason: null, hint: null };
}
