/**
 * Extra handshakes that offer only something weak (TLS 1.0/1.1; non-AEAD TLS 1.2 ciphers), to learn
 * whether a server accepts it: the normal handshake shows only what the server prefers. Each probe
 * is a bare TLS handshake to the address the real connection reached, with the same SNI and client
 * identity (a server with tls-auth-clients yes would otherwise refuse every probe); nothing is sent
 * after it and nothing is verified (the real connection verified the server).
 */
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { TlsPlan } from './options.js';
import type { TlsProbeResult, TlsProbes } from './weak-settings.js';

/** Where to probe: the address and port the real connection used, and its TLS plan. */
export interface ProbeTarget {
  address: string;
  port: number;
  plan: TlsPlan;
  /** Per probe (default 2000 ms). */
  timeoutMs?: number;
}

// Security level 0: OpenSSL 3 does not offer TLS 1.0/1.1 (SHA-1/MD5 handshake signatures) above it.
const LEGACY_OPTIONS: ConnectionOptions = { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' };
// Every cipher suite without AEAD that OpenSSL knows, TLS 1.2 only (TLS 1.3 suites are all AEAD).
const NON_AEAD_OPTIONS: ConnectionOptions = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ALL:!AESGCM:!AESCCM:!CHACHA20:!ARIAGCM:!aNULL:!eNULL:@SECLEVEL=0' };

/**
 * OpenSSL errors raised by this client before it sent anything: the probe could not be made here,
 * which says nothing about the server.
 */
const LOCAL_REFUSALS = /NO_PROTOCOLS_AVAILABLE|NO_CIPHERS_AVAILABLE|NO_CIPHER_MATCH|UNSUPPORTED_PROTOCOL_VERSION_NUMBER|ERR_SSL_NO_SUITABLE/;

function probeOnce(t: ProbeTarget, offered: string, extra: ConnectionOptions): Promise<TlsProbeResult> {
  const base = t.plan.options;
  const opts: ConnectionOptions = {
    host: t.address,
    port: t.port,
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
    ...(t.plan.sni !== null ? { servername: t.plan.sni } : {}),
    ...(base.cert !== undefined ? { cert: base.cert, key: base.key } : {}),
    ...(base.pfx !== undefined ? { pfx: base.pfx } : {}),
    ...(base.passphrase !== undefined ? { passphrase: base.passphrase } : {}),
    ...extra,
  };
  return new Promise<TlsProbeResult>((resolve) => {
    let done = false;
    let wrote = false;
    const finish = (r: Omit<TlsProbeResult, 'offered'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ offered, ...r });
    };
    let sock: ReturnType<typeof tlsConnect>;
    try {
      sock = tlsConnect(opts);
    } catch (err) {
      // Node/OpenSSL rejected the options themselves (e.g. a build without TLS 1.0 at all)
      resolve({ offered, status: 'not-probed', protocol: null, cipher: null, detail: `this client cannot offer ${offered}: ${(err as Error).message}` });
      return;
    }
    const timer = setTimeout(() => finish({ status: 'refused', protocol: null, cipher: null, detail: `no answer within ${t.timeoutMs ?? 2000} ms` }), t.timeoutMs ?? 2000);
    sock.once('connect', () => {
      wrote = true;
    });
    sock.once('secureConnect', () => {
      const c = sock.getCipher();
      finish({ status: 'accepted', protocol: sock.getProtocol(), cipher: c?.name ?? null, detail: null });
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? 'ERROR';
      const words = err.message.split('\n')[0]!.replace(/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:/, '').replace(/:\.\.\/deps\/.*$/, '');
      if (!wrote && !code.startsWith('ERR_SSL')) {
        finish({ status: 'not-probed', protocol: null, cipher: null, detail: `could not connect for the probe (${code}: ${words})` });
      } else if (LOCAL_REFUSALS.test(code) || !wrote) {
        finish({ status: 'not-probed', protocol: null, cipher: null, detail: `this client's OpenSSL refused to offer ${offered} (${code}: ${words})` });
      } else {
        finish({ status: 'refused', protocol: null, cipher: null, detail: `${code}: ${words}` });
      }
    });
  });
}

/**
 * False when probes would only be refused for want of a client certificate: the server asked for
 * one (it listed signature algorithms) and this client has none to send.
 */
export function canProbe(plan: TlsPlan, sharedSigalgs: readonly string[]): boolean {
  return sharedSigalgs.length === 0 || plan.options.cert !== undefined || plan.options.pfx !== undefined;
}

/** Runs both probes one after the other (each a short handshake, bounded by `timeoutMs`). */
export async function probeWeakTls(t: ProbeTarget): Promise<TlsProbes> {
  const legacyProtocols = await probeOnce(t, 'TLS 1.0 and 1.1', LEGACY_OPTIONS);
  const nonAeadCiphers = await probeOnce(t, 'non-AEAD TLS 1.2 ciphers', NON_AEAD_OPTIONS);
  return { legacyProtocols, nonAeadCiphers };
}
