import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { createSecureContext, DEFAULT_CIPHERS, type ConnectionOptions } from 'node:tls';
import { TlsError } from '../errors.js';
import type { TlsConfig, TrustSource } from './config.js';
import { checkTlsSettings } from './tls-settings.js';

/** File access injected so that this module stays pure and testable. */
export interface FileReader {
  readFile(path: string): Buffer;
  /** Names of the entries of a folder. */
  readDir(path: string): string[];
  exists(path: string): boolean;
  /** Permission bits of a file (`stat().mode & 0o777`), when known. */
  mode?(path: string): number | undefined;
}

/**
 * One server to reach: the name TLS is about (SNI, the name verified). Where to connect is the host
 * unless the connection's `resolve` table (`--resolve HOST:PORT:ADDR`) gives other addresses.
 */
export interface Target {
  host: string;
  port: number;
  /** A unix socket path: host and port are then only names. */
  socketPath?: string | undefined;
}

/** Everything `transport.ts` needs to start a TLS handshake, plus facts for reports. */
export interface TlsPlan {
  options: ConnectionOptions;
  trust: TrustSource;
  /** The SNI sent, or null. */
  sni: string | null;
  /** Why no SNI was sent, when none was. */
  sniReason: string | null;
  /** The name the certificate must match (SNI when given, else the host). */
  verifyName: string;
  /** The client key file is an encrypted PEM. */
  encryptedKey: boolean;
  /** Things to tell the user once (stderr), e.g. a private key readable by others. */
  warnings: string[];
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----/g;

/** Counts PEM certificates in a bundle. */
export function countPemCertificates(pem: string): number {
  return pem.match(PEM_CERT)?.length ?? 0;
}

/** True for an encrypted PEM private key (PKCS#8 `ENCRYPTED PRIVATE KEY` or legacy `Proc-Type: 4,ENCRYPTED`). */
export function isEncryptedPem(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type:\s*4,ENCRYPTED/.test(pem);
}

/** True when a PKCS#12 bundle does not open without a password (OpenSSL: "mac verify failure"). */
function p12NeedsPassword(pfx: Buffer): boolean {
  try {
    createSecureContext({ pfx });
    return false;
  } catch (err) {
    return /mac verify failure|BAD_DECRYPT/i.test(`${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`);
  }
}

/** The SNI to send: --sni, else the host when it is a name (RFC 6066 forbids IP literals). */
export function chooseSni(host: string, sni: string | undefined, isUnixSocket: boolean): { sni: string | null; reason: string | null } {
  if (sni !== undefined && sni !== '') return { sni, reason: null };
  if (isUnixSocket) return { sni: null, reason: 'connected through a unix socket; no --sni given' };
  if (isIP(host) !== 0) return { sni: null, reason: `the host ${host} is an IP address (RFC 6066); use --sni NAME to send one` };
  return { sni: host, reason: null };
}

function readOrThrow(fs: FileReader, path: string, what: string, flag: string): Buffer {
  try {
    return fs.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : code === 'ENOTDIR' ? 'a part of the path is not a folder' : String((err as Error).message);
    throw new TlsError(`Could not read ${what} ${path}: ${why}`, {
      code: 'TLS_FILE',
      hint: `check the path given to ${flag}`,
      cause: err,
    });
  }
}

/** Reads every PEM certificate file of a folder (no `c_rehash` links needed, unlike redis-cli). */
function readCaDir(fs: FileReader, dir: string, flag: string): string[] {
  let names: string[];
  try {
    names = fs.readDir(dir);
  } catch (err) {
    throw new TlsError(`Could not read CA folder ${dir}: ${(err as Error).message}`, { code: 'TLS_FILE', hint: `check the folder given to ${flag}`, cause: err });
  }
  const pems: string[] = [];
  for (const name of names.sort()) {
    let text: string;
    try {
      text = fs.readFile(`${dir}/${name}`).toString('latin1');
    } catch {
      continue; // sub-folders, dangling links, unreadable files: OpenSSL skips them too
    }
    if (text.includes('-----BEGIN CERTIFICATE-----')) pems.push(text);
  }
  return pems;
}

/**
 * OpenSSL only notices a key of another type than the certificate at handshake time, and with an
 * encrypted key it drops the certificate without a word: check first.
 */
function checkKeyMatchesCert(cert: Buffer, key: Buffer, certPath: string, keyPath: string, passphrase?: string): void {
  let matches: boolean;
  try {
    matches = new X509Certificate(cert).checkPrivateKey(createPrivateKey(passphrase === undefined ? key : { key, passphrase }));
  } catch {
    // unreadable PEM, wrong passphrase: createSecureContext reports it with its own words (and
    // --show-handshake with a report at the tls-setup stage)
    return;
  }
  if (!matches) {
    throw new TlsError(`Could not negotiate a TLS connection: the private key ${keyPath} does not belong to the certificate ${certPath}`, {
      code: 'KEY_MISMATCH',
      hint: 'pass the key that was generated with that certificate to --key',
    });
  }
}

/**
 * Where OpenSSL finds the system's CA bundle (OPENSSLDIR/cert.pem, or the distribution's bundle it
 * links there), first match wins: Debian/Ubuntu (OPENSSLDIR=/usr/lib/ssl → /etc/ssl),
 * RHEL/Fedora/CentOS (/etc/pki/tls), Alpine and macOS (/etc/ssl/cert.pem), openSUSE, FreeBSD.
 */
export const SYSTEM_CA_FILES = [
  '/usr/lib/ssl/cert.pem',
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/pki/tls/cert.pem',
  '/etc/ssl/cert.pem',
  '/etc/ssl/ca-bundle.pem',
  '/usr/local/share/certs/ca-root-nss.crt',
];
/** The hashed-folder counterparts (OPENSSLDIR/certs), used when no bundle file was found. */
export const SYSTEM_CA_DIRS = ['/etc/ssl/certs', '/etc/pki/tls/certs'];

/**
 * The trust store: --cacert and/or --cacertdir, else the system's as OpenSSL (and so redis-cli) finds
 * it: SSL_CERT_FILE, SSL_CERT_DIR, else the default bundle.
 */
export function resolveTrust(tls: TlsConfig, env: Record<string, string | undefined>, fs: FileReader): { ca: string[]; trust: TrustSource } {
  if (tls.cacert !== undefined || tls.cacertdir !== undefined) {
    const ca: string[] = [];
    const paths: string[] = [];
    if (tls.cacert !== undefined) {
      const text = readOrThrow(fs, tls.cacert, 'CA certificate file', '--cacert').toString('latin1');
      if (countPemCertificates(text) === 0) {
        throw new TlsError(`Invalid CA Certificate File: ${tls.cacert} holds no PEM certificate`, { code: 'TLS_FILE', hint: 'give --cacert a PEM file (-----BEGIN CERTIFICATE-----)' });
      }
      ca.push(text);
      paths.push(tls.cacert);
    }
    if (tls.cacertdir !== undefined) {
      const pems = readCaDir(fs, tls.cacertdir, '--cacertdir');
      if (pems.length === 0 && tls.cacert === undefined) {
        throw new TlsError(`Invalid CA Certificate Directory: ${tls.cacertdir} holds no PEM certificate file`, { code: 'TLS_FILE', hint: 'put the CA certificates (PEM) in that folder, or use --cacert FILE' });
      }
      ca.push(...pems);
      paths.push(tls.cacertdir);
    }
    const kind = tls.cacert !== undefined && tls.cacertdir !== undefined ? 'file+dir' : tls.cacert !== undefined ? 'file' : 'dir';
    return { ca, trust: { kind, paths, caCount: ca.reduce((n, t) => n + countPemCertificates(t), 0) } };
  }
  const ca: string[] = [];
  const paths: string[] = [];
  const file = env.SSL_CERT_FILE ?? SYSTEM_CA_FILES.find((f) => fs.exists(f));
  if (file !== undefined && fs.exists(file)) {
    try {
      ca.push(fs.readFile(file).toString('latin1'));
      paths.push(file);
    } catch {
      // an unreadable system bundle: OpenSSL goes on without it too
    }
  }
  // SSL_CERT_DIR is a colon-separated list, as for OpenSSL: each folder is checked on its own.
  // Without it, the first system folder that holds certificates stands in for a missing bundle.
  const fromEnv = env.SSL_CERT_DIR !== undefined;
  const dirs = fromEnv ? env.SSL_CERT_DIR!.split(':') : ca.length === 0 ? SYSTEM_CA_DIRS : [];
  for (const d of dirs) {
    if (d === '' || !fs.exists(d)) continue;
    try {
      const pems = readCaDir(fs, d, 'SSL_CERT_DIR');
      ca.push(...pems);
      paths.push(d);
      if (!fromEnv && pems.length > 0) break;
    } catch {
      // an unreadable system folder is not the user's mistake: trust what was found elsewhere
    }
  }
  if (ca.length > 0) return { ca, trust: { kind: 'system', paths, caCount: ca.reduce((n, t) => n + countPemCertificates(t), 0) } };
  const searched = [
    ...(env.SSL_CERT_FILE !== undefined ? [`SSL_CERT_FILE=${env.SSL_CERT_FILE}`] : SYSTEM_CA_FILES),
    ...(fromEnv ? [`SSL_CERT_DIR=${env.SSL_CERT_DIR}`] : SYSTEM_CA_DIRS),
  ];
  return { ca, trust: { kind: 'none', paths, caCount: 0, searched } };
}

/** ssh's check: a private key others can read is worth a warning (not an error: redis-cli has none). */
function keyFileWarning(fs: FileReader, path: string): string | undefined {
  const mode = fs.mode?.(path);
  if (mode === undefined || (mode & 0o077) === 0) return undefined;
  // named as given, as ssh does
  return `Warning: private key file ${path} is readable by group/others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); chmod 600 it`;
}

/**
 * The TLS plan for one target — the one place that turns (host, port, flags) into the SNI sent, the
 * name verified and the client identity; every connect, reconnect, `connect` line and redirect
 * comes here. Maps the TLS flags to Node's `tls.connect` options and checks every setting first
 * (tls-settings.ts). Verification is done by `transport.ts` after the handshake (so that a failure
 * can show the chain), hence `rejectUnauthorized: false` here; nothing is sent before that check passes.
 */
export function planTls(target: Target, tls: TlsConfig, env: Record<string, string | undefined>, fs: FileReader): TlsPlan {
  checkTlsSettings(tls);
  const host = target.host;
  const warnings: string[] = [];
  const { ca, trust } = tls.insecure ? { ca: [] as string[], trust: { kind: 'none', paths: [], caCount: 0 } as TrustSource } : resolveTrust(tls, env, fs);
  const { sni, reason } = chooseSni(host, tls.sni, target.socketPath !== undefined);
  // Node's own name check is replaced by ours (transport.ts), which can say which names were found.
  // An empty `ca` list trusts nothing, as OpenSSL with no CA found; leaving `ca` unset would make Node
  // trust its bundled roots (and NODE_EXTRA_CA_CERTS) while the report says "no trusted CA".
  const options: ConnectionOptions = { rejectUnauthorized: false, checkServerIdentity: () => undefined, ca: tls.insecure ? undefined : ca };
  if (sni !== null) options.servername = sni;
  let encryptedKey = false;
  if (tls.p12 !== undefined) {
    options.pfx = readOrThrow(fs, tls.p12, 'PKCS#12 file', '--p12');
    const w = keyFileWarning(fs, tls.p12);
    if (w) warnings.push(w);
    if (tls.keyPassphrase !== undefined) options.passphrase = tls.keyPassphrase;
    else if (p12NeedsPassword(options.pfx)) {
      // Asked for here (not at handshake time) so that the caller can prompt once, or say which flag to use.
      throw new TlsError(`The PKCS#12 bundle ${tls.p12} is protected by a password and none was given`, {
        code: 'TLS_KEY_ENCRYPTED',
        hint: 'set --key-pass-env VAR to the name of a variable holding the password, or run on a terminal to be asked',
      });
    }
  }
  if (tls.cert !== undefined || tls.key !== undefined) {
    if (tls.cert === undefined || tls.key === undefined) {
      throw new TlsError(tls.cert === undefined ? '--key given without --cert' : '--cert given without --key', {
        code: 'TLS_FILE',
        hint: 'a client certificate needs both --cert FILE and --key FILE',
      });
    }
    options.cert = readOrThrow(fs, tls.cert, 'client certificate', '--cert');
    const key = readOrThrow(fs, tls.key, 'private key', '--key');
    options.key = key;
    const w = keyFileWarning(fs, tls.key);
    if (w) warnings.push(w);
    encryptedKey = isEncryptedPem(key.toString('latin1'));
    if (!encryptedKey) checkKeyMatchesCert(options.cert as Buffer, key, tls.cert, tls.key);
    if (encryptedKey) {
      if (tls.keyPassphrase === undefined) {
        throw new TlsError(`The private key ${tls.key} is encrypted and no passphrase was given`, {
          code: 'TLS_KEY_ENCRYPTED',
          hint: 'set --key-pass-env VAR to the name of a variable holding the passphrase, or run on a terminal to be asked',
        });
      }
      options.passphrase = tls.keyPassphrase;
      checkKeyMatchesCert(options.cert as Buffer, key, tls.cert, tls.key, tls.keyPassphrase);
    }
  }
  if (tls.ciphers !== undefined || tls.ciphersuites !== undefined) {
    // Node takes TLS 1.3 suites and <=1.2 ciphers in one list: keep the default half that was not given.
    const defaults = DEFAULT_CIPHERS.split(':');
    const tls13 = tls.ciphersuites ?? defaults.filter((c) => c.startsWith('TLS_')).join(':');
    const tls12 = tls.ciphers ?? defaults.filter((c) => !c.startsWith('TLS_')).join(':');
    options.ciphers = [tls13, tls12].filter((c) => c !== '').join(':');
  }
  if (tls.minVersion !== undefined) options.minVersion = tls.minVersion;
  if (tls.maxVersion !== undefined) options.maxVersion = tls.maxVersion;
  if (tls.groups !== undefined) options.ecdhCurve = tls.groups;
  return { options, trust, sni, sniReason: reason, verifyName: sni ?? host, encryptedKey, warnings };
}
