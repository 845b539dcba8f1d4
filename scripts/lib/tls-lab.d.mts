// Types for tls-lab.mjs (plain JS so `npm run demo` and the benchmark run it without a build).

/** Bumped when the generated set changes; cached certificates with another version are remade. */
export declare const CERTS_VERSION: string;
/** Passphrase of `client-enc.key`. */
export declare const CLIENT_KEY_PASSPHRASE: 's3cret-pass';
/** Password of `client.p12`. */
export declare const P12_PASSPHRASE: 'p12-pass';
/** `requirepass` of the `password` server. */
export declare const REQUIREPASS: 's3cret';
/** ACL user of the `password` server. */
export declare const ACL_USER: 'alice';
export declare const ACL_PASSWORD: 'alicepw';

/**
 * Absolute paths of the lab's certificates. Keys are EC P-256 except `clientKey` (RSA 2048).
 * Leaf server certs carry SAN `DNS:localhost, IP:127.0.0.1` unless noted.
 */
export interface LabCerts {
  /** The folder holding everything below. */
  dir: string;
  /** Root CA "tredis test CA". */
  ca: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  /** CN "tredis test client", EKU clientAuth, RSA 2048. */
  clientCert: string;
  clientKey: string;
  /** An unrelated root CA. */
  otherCa: string;
  otherCaKey: string;
  /** Signed by `otherCa`: not trusted by `ca`. */
  otherServerCert: string;
  otherServerKey: string;
  /** 2020-01-01 .. 2021-01-01. */
  expiredCert: string;
  expiredKey: string;
  /** Valid from five years ahead. */
  notYetCert: string;
  notYetKey: string;
  /** Valid now, expires within 5 days (regenerated when fewer than 4 are left). */
  expiringCert: string;
  expiringKey: string;
  /** SAN `DNS:wrong.example.com` only. */
  wrongHostCert: string;
  wrongHostKey: string;
  /** Intermediate CA signed by `ca` (CA:TRUE, pathlen:0). */
  interCa: string;
  interCaKey: string;
  /** Leaf signed by `interCa`, without the intermediate. */
  leafChainCert: string;
  leafChainKey: string;
  /** Leaf followed by `interCa`. */
  leafFullchainCert: string;
  /** Client cert whose key is PKCS#8 encrypted (`-----BEGIN ENCRYPTED PRIVATE KEY-----`). */
  clientEncCert: string;
  /** Passphrase: CLIENT_KEY_PASSPHRASE. */
  clientEncKey: string;
  /** PKCS#12 of client cert + key + CA; password P12_PASSPHRASE; loads with Node's `pfx`. */
  clientP12: string;
  /**
   * Deliberately weak server cert for the weak-settings tests: RSA 1024 bits, signed with SHA-1 by
   * `ca`, SAN `DNS:localhost, IP:127.0.0.1`. redis-server loads it only at OpenSSL security level 0:
   * start it with OPENSSL_CONF=`weakOpensslConf`.
   */
  weakCert: string;
  weakKey: string;
  /** An openssl.cnf setting security level 0 and TLS 1.0 as the minimum (for the weak server only). */
  weakOpensslConf: string;
  /** Folder with one file, `my-ca.pem` (a copy of `ca`), and no hash links. */
  caDir: string;
  caDirFile: string;
}

export interface MakeCertsOptions {
  /** Regenerate even if the cache is usable. */
  force?: boolean;
  /** Called once with a line when certificates are (re)generated. */
  log?: (line: string) => void;
}

/** Runs `openssl` with an argument vector in `cwd` (OPENSSL_CONF = cwd/openssl.cnf); resolves with stdout. */
export declare function openssl(cwd: string, args: string[]): Promise<string>;
/** A random 128-bit certificate serial (`0x…`). */
export declare function serial(): string;

/** Makes the lab's certificates in `dir` with `openssl`, or reuses a complete, fresh set there. */
export declare function makeCerts(dir: string, opts?: MakeCertsOptions): Promise<LabCerts>;

export type TlsAuthClients = 'yes' | 'no' | 'optional';

export interface StartRedisTls {
  cert: string;
  key: string;
  ca: string;
  authClients?: TlsAuthClients;
  /** Open a TLS port (default true). */
  port?: boolean;
}

export interface StartRedisOptions {
  /** Parent folder; the server gets its own fresh sub-folder (its --dir, log and socket). */
  dir: string;
  /** Prefix of the sub-folder and used in error messages. */
  name?: string;
  tls?: StartRedisTls;
  /** Also listen on a plaintext port. */
  plain?: boolean;
  unixSocket?: boolean;
  /** Appended to the redis-server command line, e.g. ['--requirepass', 'x']. */
  extraArgs?: string[];
  /**
   * Also pick a free port for the cluster bus (`--cluster-port`), with the others: a port found taken
   * at start is chosen again on the retry, the bus port included.
   */
  clusterBus?: boolean;
  /** Default 10 000. */
  readyTimeoutMs?: number;
  /** Default 'redis-server' from PATH. */
  redisServer?: string;
  /** Added to the server's environment, e.g. { OPENSSL_CONF: certs.weakOpensslConf }. */
  env?: Record<string, string>;
}

export interface RedisHandle {
  pid: number;
  /** Plaintext port on 127.0.0.1, or null. */
  port: number | null;
  tlsPort: number | null;
  /** Unix socket path, or null. */
  socket: string | null;
  /** Cluster bus port (with `clusterBus`), or null. */
  busPort: number | null;
  /** This server's own folder. */
  dir: string;
  /** stdout+stderr of redis-server (its log). */
  logFile: string;
  /** SIGTERM to this PID, SIGKILL after 3 s; resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1 with free ports; resolves when it accepts connections. */
export declare function startRedis(opts: StartRedisOptions): Promise<RedisHandle>;

/** Distinct free loopback ports (free when returned; not reserved). */
export declare function freePorts(count: number): Promise<number[]>;

/**
 * - main: plaintext + TLS (server.crt, tls-auth-clients no) + unix socket
 * - mtls / mtlsOptional: TLS only, tls-auth-clients yes / optional
 * - otherCa: other-server.crt; sends leaf + "tredis unrelated CA" root (SELF_SIGNED_CERT_IN_CHAIN)
 * - expired, notYet, expiring, wrongHost: TLS only with those certs
 * - chain: sends leaf + intermediate; chainMissing: leaf only (UNABLE_TO_VERIFY_LEAF_SIGNATURE)
 * - password: plaintext + TLS, requirepass REQUIREPASS, ACL user ACL_USER / ACL_PASSWORD
 *
 * Servers whose cert file holds only the leaf also send the root CA: OpenSSL's auto-chain builds
 * the chain from tls-ca-cert-file (ca.crt, or other-ca.crt for otherCa).
 */
export type LabServerName =
  | 'main'
  | 'mtls'
  | 'mtlsOptional'
  | 'otherCa'
  | 'expired'
  | 'notYet'
  | 'expiring'
  | 'wrongHost'
  | 'chain'
  | 'chainMissing'
  | 'password';

/** One running server, as plain JSON. */
export interface LabServer {
  name: LabServerName;
  host: '127.0.0.1';
  pid: number;
  port: number | null;
  tlsPort: number | null;
  socket: string | null;
  dir: string;
  logFile: string;
  tls: { cert: string; key: string; ca: string; authClients: TlsAuthClients } | null;
  /** True for `password` (requirepass + ACL user). */
  requiresAuth: boolean;
}

/** Everything the tests and the demo need; JSON-serialisable (vitest `provide`). */
export interface LabDescription {
  dir: string;
  certs: LabCerts;
  servers: Record<LabServerName, LabServer>;
  pids: number[];
  secrets: {
    clientKeyPassphrase: string;
    p12Passphrase: string;
    requirepass: string;
    aclUser: string;
    aclPassword: string;
  };
}

export interface StartLabOptions {
  /** Where certificates are made or reused (default `<dir>/certs`). */
  certsDir?: string;
  log?: (line: string) => void;
}

/**
 * Makes certificates and starts every lab server in parallel. If any fails, the others are
 * stopped before it throws.
 */
export declare function startLab(dir: string, opts?: StartLabOptions): Promise<LabDescription>;

/** Stops the lab's servers by PID and waits for them to exit. */
export declare function stopLab(lab: Pick<LabDescription, 'pids'>): Promise<void>;
