/** What to connect to and how: plain data built by `cli/config.ts`, consumed by `transport.ts`. */
export interface ConnectionConfig {
  host: string;
  port: number;
  /** Unix socket path; when set, host and port are only used for messages. */
  socketPath?: string | undefined;
  /** Present when the connection is TLS. */
  tls?: TlsConfig | undefined;
  /** -t: the budget of the whole connect — name resolution, TCP, TLS, AUTH/SELECT/HELLO (ms). */
  timeoutMs: number;
  /**
   * --reply-timeout (ms): the longest wait for a reply, on top of what a blocking command asks to
   * wait; undefined waits forever, as redis-cli.
   */
  replyTimeoutMs?: number | undefined;
  /**
   * --resolve: `host:port` (host lower-cased) → addresses to connect to instead of asking DNS; SNI
   * and the certificate check still use the host (curl's --resolve).
   */
  resolve?: Readonly<Record<string, readonly string[]>> | undefined;
  /** -6: try a name's IPv6 addresses first (default and -4: IPv4 first, as hiredis). */
  preferFamily?: 4 | 6 | undefined;
}

export interface TlsConfig {
  /** --sni: overrides the name sent; default is the host when it is not an IP literal. */
  sni?: string | undefined;
  cacert?: string | undefined;
  cacertdir?: string | undefined;
  /** --insecure: no chain or name verification. */
  insecure: boolean;
  /** false with --no-verify-hostname: chain still verified, name not. */
  verifyHostname: boolean;
  cert?: string | undefined;
  key?: string | undefined;
  /** Passphrase for an encrypted --key or the --p12 bundle. Never printed. */
  keyPassphrase?: string | undefined;
  p12?: string | undefined;
  /** --tls-ciphers (TLS <= 1.2 cipher string). */
  ciphers?: string | undefined;
  /** --tls-ciphersuites (TLS 1.3 suites). */
  ciphersuites?: string | undefined;
  minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' | undefined;
  maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' | undefined;
  /** --tls-groups, colon-separated (e.g. X25519:P-256). */
  groups?: string | undefined;
  /** --tls-keylog / SSLKEYLOGFILE. */
  keylogFile?: string | undefined;
  /** --pin-sha256: base64 SHA-256 of the server's SubjectPublicKeyInfo. */
  pinSha256?: string[] | undefined;
}

/** Where the trusted CA certificates came from, for messages and --show-handshake. */
export interface TrustSource {
  kind: 'file' | 'dir' | 'file+dir' | 'system' | 'none';
  paths: string[];
  caCount: number;
  /** With kind 'none' from the system search: every place looked at, for the error. */
  searched?: string[] | undefined;
}
