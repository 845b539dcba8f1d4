// TLS lab: test certificates made with the `openssl` CLI and real `redis-server` processes on
// loopback. Shared by vitest's global setup, `npm run demo` and the benchmark, hence plain ESM
// JavaScript with types in tls-lab.d.mts. Only node:* imports.
//
// Safety rules: every server binds 127.0.0.1 only; processes are stopped by the PID we spawned,
// never by name; openssl and redis-server get argument vectors (execFile/spawn), never shell text.

import { execFile, spawn } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

/** Bump when the set of files or how they are made changes: cached certificates are then remade. */
export const CERTS_VERSION = 'tredis-lab-certs-v2';

/** Passphrase of client-enc.key. */
export const CLIENT_KEY_PASSPHRASE = 's3cret-pass';
/** Password of client.p12. */
export const P12_PASSPHRASE = 'p12-pass';
/** `requirepass` of the `password` server, and its ACL user. */
export const REQUIREPASS = 's3cret';
export const ACL_USER = 'alice';
export const ACL_PASSWORD = 'alicepw';

const HOST = '127.0.0.1';
const DAY_MS = 86_400_000;
const STAMP = 'lab-certs.stamp.json';
const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const PORT_RETRIES = 5;

// File name in `dir` for each key of the returned object.
const CERT_FILES = /** @type {const} */ ({
  ca: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  clientCert: 'client.crt',
  clientKey: 'client.key',
  otherCa: 'other-ca.crt',
  otherCaKey: 'other-ca.key',
  otherServerCert: 'other-server.crt',
  otherServerKey: 'other-server.key',
  expiredCert: 'expired.crt',
  expiredKey: 'expired.key',
  notYetCert: 'notyet.crt',
  notYetKey: 'notyet.key',
  expiringCert: 'expiring.crt',
  expiringKey: 'expiring.key',
  wrongHostCert: 'wronghost.crt',
  wrongHostKey: 'wronghost.key',
  interCa: 'inter-ca.crt',
  interCaKey: 'inter-ca.key',
  leafChainCert: 'leaf-chain.crt',
  leafChainKey: 'leaf-chain.key',
  leafFullchainCert: 'leaf-fullchain.crt',
  clientEncCert: 'client-enc.crt',
  clientEncKey: 'client-enc.key',
  clientP12: 'client.p12',
  weakCert: 'weak.crt',
  weakKey: 'weak.key',
  weakOpensslConf: 'weak-openssl.cnf',
  caDir: 'cadir',
  caDirFile: 'cadir/my-ca.pem',
});

// One config for every openssl call (also exported as OPENSSL_CONF, so the system
// openssl.cnf cannot add or duplicate extensions). Paths in it are relative to the staging
// directory, which is the cwd of every openssl process.
const OPENSSL_CNF = `# written by scripts/lib/tls-lab.mjs
[ req ]
distinguished_name = req_dn
[ req_dn ]

[ root_ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ inter_ca_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ wronghost_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

# \`openssl ca\` is only used for validity windows \`openssl x509 -req\` cannot express
# (OpenSSL 3.0's x509 has -days but no -not_before/-not_after).
[ ca ]
default_ca = lab_ca
[ lab_ca ]
database = ca-db/index.txt
new_certs_dir = ca-db
rand_serial = yes
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
commonName = supplied
`;

// For the deliberately weak server only (OPENSSL_CONF of that redis-server): OpenSSL 3 loads a
// 1024-bit RSA key and offers TLS 1.0/1.1 only at security level 0.
const WEAK_OPENSSL_CNF = `# written by scripts/lib/tls-lab.mjs: security level 0 for the weak test server
openssl_conf = default_conf
[ default_conf ]
ssl_conf = ssl_sect
[ ssl_sect ]
system_default = system_default_sect
[ system_default_sect ]
CipherString = DEFAULT:@SECLEVEL=0
MinProtocol = TLSv1
`;

// ---------------------------------------------------------------------------------------------
// Certificates

/**
 * Makes (or reuses) the lab's certificates in `dir` and returns their absolute paths.
 * @param {string} dir
 * @param {{ force?: boolean, log?: (line: string) => void }} [opts]
 */
export async function makeCerts(dir, opts = {}) {
  const root = path.resolve(dir);
  const paths = certPaths(root);
  await mkdir(root, { recursive: true });
  if (!opts.force && (await isCacheUsable(root, paths))) return paths;

  opts.log?.(`tls-lab: generating certificates in ${root}`);
  const stage = await mkdtemp(path.join(root, '.staging-'));
  try {
    await generateInto(stage);
    await checkGenerated(stage);
    // Swap in: drop the stamp first so a concurrent reader regenerates rather than trusting a
    // half-replaced set, then move each file (rename is atomic per file), stamp last.
    await rm(path.join(root, STAMP), { force: true });
    for (const name of Object.values(CERT_FILES)) {
      if (name.includes('/')) continue;
      if (name === CERT_FILES.caDir) {
        await rm(path.join(root, name), { recursive: true, force: true });
      }
      await rename(path.join(stage, name), path.join(root, name));
    }
    await writeFile(
      path.join(root, STAMP),
      JSON.stringify({ version: CERTS_VERSION, createdAt: new Date().toISOString() }, null, 2) + '\n',
    );
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  return paths;
}

/** @param {string} root */
function certPaths(root) {
  /** @type {Record<string, string>} */
  const out = { dir: root };
  for (const [key, name] of Object.entries(CERT_FILES)) out[key] = path.join(root, name);
  return /** @type {any} */ (out);
}

/**
 * @param {string} root
 * @param {Record<string, string>} paths
 */
async function isCacheUsable(root, paths) {
  try {
    const stamp = JSON.parse(await readFile(path.join(root, STAMP), 'utf8'));
    if (stamp.version !== CERTS_VERSION) return false;
    for (const [key, file] of Object.entries(paths)) {
      if (key === 'dir') continue;
      await stat(file);
    }
    const now = Date.now();
    const notAfter = async (/** @type {string} */ f) =>
      Date.parse(new X509Certificate(await readFile(f)).validTo);
    // The expiring cert must still look "about to expire but valid" (4+ days left); the
    // long-lived certs must be valid for a while yet; notyet must still be in the future.
    if ((await notAfter(paths.expiringCert)) - now < 4 * DAY_MS) return false;
    for (const f of [paths.ca, paths.serverCert, paths.clientCert, paths.leafChainCert]) {
      if ((await notAfter(f)) - now < 30 * DAY_MS) return false;
    }
    const notYet = new X509Certificate(await readFile(paths.notYetCert));
    if (Date.parse(notYet.validFrom) - now < 30 * DAY_MS) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs openssl with `args` in `cwd`. Output is discarded unless it fails.
 * @param {string} cwd
 * @param {string[]} args
 */
export function openssl(cwd, args) {
  return new Promise((resolve, reject) => {
    execFile(
      'openssl',
      args,
      { cwd, env: { ...process.env, OPENSSL_CONF: path.join(cwd, 'openssl.cnf') }, maxBuffer: 4 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`openssl ${args.join(' ')} failed: ${String(stderr).trim() || err.message}`, { cause: err }));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

export const serial = () => '0x' + randomBytes(16).toString('hex');

/**
 * New key + CSR in one openssl process. EC P-256 unless `rsa` (kept to one key for speed).
 * @param {string} cwd
 * @param {string} base file name without extension
 * @param {string} subject
 * @param {{ rsa?: boolean }} [o]
 */
function newKeyAndCsr(cwd, base, subject, o = {}) {
  const keyArgs = o.rsa ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  return openssl(cwd, ['req', '-new', ...keyArgs, '-noenc', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', subject]);
}

/**
 * Self-signed CA with a fresh EC key.
 * @param {string} cwd
 * @param {string} base
 * @param {string} subject
 */
function newRootCa(cwd, base, subject) {
  return openssl(cwd, [
    'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc',
    '-keyout', `${base}.key`, '-out', `${base}.crt`, '-subj', subject,
    '-days', '3650', '-sha256', '-set_serial', serial(), '-extensions', 'root_ca_ext',
  ]);
}

/**
 * Signs `${base}.csr` with the CA `${ca}.crt/.key`, valid from now for `days`.
 * @param {string} cwd
 * @param {string} base
 * @param {string} ca
 * @param {string} ext section of OPENSSL_CNF
 * @param {number} days
 */
function sign(cwd, base, ca, ext, days) {
  return openssl(cwd, [
    'x509', '-req', '-in', `${base}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`,
    '-set_serial', serial(), '-days', String(days), '-sha256',
    '-extfile', 'openssl.cnf', '-extensions', ext, '-out', `${base}.crt`,
  ]);
}

/**
 * Signs with explicit validity (YYYYMMDDHHMMSSZ) through `openssl ca`. Calls must not overlap:
 * they share ca-db/index.txt.
 * @param {string} cwd
 * @param {string} base
 * @param {string} startdate
 * @param {string} enddate
 */
function signWithDates(cwd, base, startdate, enddate) {
  return openssl(cwd, [
    'ca', '-batch', '-notext', '-preserveDN', '-config', 'openssl.cnf',
    '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', `${base}.csr`, '-out', `${base}.crt`,
    '-startdate', startdate, '-enddate', enddate,
    '-extfile', 'openssl.cnf', '-extensions', 'server_ext',
  ]);
}

/** @param {string} stage */
async function generateInto(stage) {
  await writeFile(path.join(stage, 'openssl.cnf'), OPENSSL_CNF);
  await mkdir(path.join(stage, 'ca-db'));
  await writeFile(path.join(stage, 'ca-db', 'index.txt'), '');
  await mkdir(path.join(stage, 'cadir'));

  const subj = (/** @type {string} */ cn) => `/O=tredis-cli lab/CN=${cn}`;
  const year = new Date().getUTCFullYear();

  const rootCa = newRootCa(stage, 'ca', subj('tredis test CA'));
  const otherCa = newRootCa(stage, 'other-ca', subj('tredis unrelated CA'));
  const csr = (/** @type {string} */ base, /** @type {string} */ cn, o = {}) => newKeyAndCsr(stage, base, subj(cn), o);
  const csrs = {
    server: csr('server', 'localhost'),
    client: csr('client', 'tredis test client', { rsa: true }),
    clientEnc: csr('client-enc', 'tredis test client (encrypted key)'),
    otherServer: csr('other-server', 'localhost'),
    expired: csr('expired', 'localhost (expired)'),
    notYet: csr('notyet', 'localhost (not yet valid)'),
    expiring: csr('expiring', 'localhost (expiring)'),
    wrongHost: csr('wronghost', 'wrong.example.com'),
    inter: csr('inter-ca', 'tredis test intermediate CA'),
    leafChain: csr('leaf-chain', 'localhost (via intermediate)'),
    weak: openssl(stage, ['req', '-new', '-newkey', 'rsa:1024', '-noenc', '-keyout', 'weak.key', '-out', 'weak.csr', '-subj', subj('localhost (weak)')]),
  };

  const afterRoot = async (/** @type {Promise<unknown>} */ c, /** @type {() => Promise<unknown>} */ f) => {
    await Promise.all([rootCa, c]);
    return f();
  };

  const jobs = [
    afterRoot(csrs.server, () => sign(stage, 'server', 'ca', 'server_ext', 825)),
    afterRoot(csrs.expiring, () => sign(stage, 'expiring', 'ca', 'server_ext', 5)),
    afterRoot(csrs.wrongHost, () => sign(stage, 'wronghost', 'ca', 'wronghost_ext', 825)),
    afterRoot(csrs.client, async () => {
      await sign(stage, 'client', 'ca', 'client_ext', 825);
      // OpenSSL 3 defaults (PBKDF2 + AES-256-CBC, SHA-256 MAC) load in Node 20; no -legacy.
      await openssl(stage, [
        'pkcs12', '-export', '-in', 'client.crt', '-inkey', 'client.key', '-certfile', 'ca.crt',
        '-name', 'tredis test client', '-passout', `pass:${P12_PASSPHRASE}`, '-out', 'client.p12',
      ]);
    }),
    afterRoot(csrs.clientEnc, async () => {
      await sign(stage, 'client-enc', 'ca', 'client_ext', 825);
      // PKCS#8 "BEGIN ENCRYPTED PRIVATE KEY", replacing the plain key written by req.
      await openssl(stage, [
        'pkey', '-in', 'client-enc.key', '-aes-256-cbc', '-passout', `pass:${CLIENT_KEY_PASSPHRASE}`,
        '-out', 'client-enc.key.tmp',
      ]);
      await rename(path.join(stage, 'client-enc.key.tmp'), path.join(stage, 'client-enc.key'));
    }),
    afterRoot(Promise.all([csrs.expired, csrs.notYet]), async () => {
      await signWithDates(stage, 'expired', '20200101000000Z', '20210101000000Z');
      await signWithDates(stage, 'notyet', `${year + 5}0101000000Z`, `${year + 6}0101000000Z`);
    }),
    afterRoot(Promise.all([csrs.inter, csrs.leafChain]), async () => {
      await sign(stage, 'inter-ca', 'ca', 'inter_ca_ext', 1825);
      await sign(stage, 'leaf-chain', 'inter-ca', 'server_ext', 825);
      const leaf = await readFile(path.join(stage, 'leaf-chain.crt'), 'utf8');
      const inter = await readFile(path.join(stage, 'inter-ca.crt'), 'utf8');
      await writeFile(path.join(stage, 'leaf-fullchain.crt'), leaf + inter);
    }),
    afterRoot(csrs.weak, async () => {
      // SHA-1 (openssl x509 -sha1): the signature OpenSSL 3 refuses at security level 1 and above
      await openssl(stage, [
        'x509', '-req', '-in', 'weak.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', serial(),
        '-days', '825', '-sha1', '-extfile', 'openssl.cnf', '-extensions', 'server_ext', '-out', 'weak.crt',
      ]);
      await writeFile(path.join(stage, 'weak-openssl.cnf'), WEAK_OPENSSL_CNF);
    }),
    (async () => {
      await Promise.all([otherCa, csrs.otherServer]);
      await sign(stage, 'other-server', 'other-ca', 'server_ext', 825);
    })(),
    (async () => {
      await rootCa;
      // A CA directory without `c_rehash` links: exercises loading *.pem by listing the folder.
      await copyFile(path.join(stage, 'ca.crt'), path.join(stage, 'cadir', 'my-ca.pem'));
    })(),
  ];
  // Settle everything before reporting, so no openssl process is still writing into `stage`
  // when the caller removes it.
  const results = await Promise.allSettled([rootCa, otherCa, ...Object.values(csrs), ...jobs]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw /** @type {PromiseRejectedResult} */ (failed).reason;
}

/**
 * Cheap self-checks of what Node will later be asked to load.
 * @param {string} stage
 */
async function checkGenerated(stage) {
  const weak = new X509Certificate(await readFile(path.join(stage, 'weak.crt')));
  if (weak.publicKey.asymmetricKeyDetails?.modulusLength !== 1024) {
    throw new Error('tls-lab: this openssl did not make a 1024-bit RSA key for weak.crt (the weak-settings tests need one)');
  }
  const encKey = await readFile(path.join(stage, 'client-enc.key'), 'utf8');
  if (!/^-----BEGIN [A-Z ]*ENCRYPTED[A-Z ]*-----/m.test(encKey)) {
    throw new Error('tls-lab: client-enc.key is not an ENCRYPTED PEM');
  }
  tls.createSecureContext({
    pfx: await readFile(path.join(stage, 'client.p12')),
    passphrase: P12_PASSPHRASE,
  });
  tls.createSecureContext({
    cert: await readFile(path.join(stage, 'client-enc.crt')),
    key: encKey,
    passphrase: CLIENT_KEY_PASSPHRASE,
  });
}

// ---------------------------------------------------------------------------------------------
// redis-server processes

/** @type {Map<number, { stop: () => Promise<void> }>} servers started by this process, by PID */
const running = new Map();
let exitHookInstalled = false;

// Last resort for a host process that ends without calling stop(): SIGKILL our own children,
// synchronously, by PID. (A parent killed with SIGKILL cannot be helped.)
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of running.keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/**
 * `count` distinct free loopback ports: listen on port 0, read the port, close. Another process
 * can still take one before redis-server binds it; startRedis retries on that.
 * @param {number} count
 * @returns {Promise<number[]>}
 */
export async function freePorts(count) {
  /** @type {net.Server[]} */
  const servers = [];
  try {
    const ports = [];
    for (let i = 0; i < count; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, HOST, () => resolve(undefined));
      });
      ports.push(/** @type {net.AddressInfo} */ (srv.address()).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
  }
}

class PortInUseError extends Error {
  code = 'EADDRINUSE';
}

/**
 * Starts one redis-server on loopback. Resolves once its log says "Ready to accept connections".
 * @param {import('./tls-lab.d.mts').StartRedisOptions} opts
 * @returns {Promise<import('./tls-lab.d.mts').RedisHandle>}
 */
export async function startRedis(opts) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRedisOnce(opts);
    } catch (err) {
      if (err instanceof PortInUseError && attempt < PORT_RETRIES) continue;
      throw err;
    }
  }
}

/** @param {import('./tls-lab.d.mts').StartRedisOptions} opts */
async function startRedisOnce(opts) {
  const wantTls = Boolean(opts.tls) && opts.tls?.port !== false;
  if (!opts.plain && !wantTls && !opts.unixSocket) {
    throw new Error('startRedis: nothing to listen on (set plain, tls or unixSocket)');
  }
  await mkdir(path.resolve(opts.dir), { recursive: true });
  const dir = await mkdtemp(path.join(path.resolve(opts.dir), `${opts.name ?? 'redis'}-`));
  const logFile = path.join(dir, 'redis.log');
  const socket = opts.unixSocket ? path.join(dir, 'redis.sock') : null;
  const ports = await freePorts((opts.plain ? 1 : 0) + (wantTls ? 1 : 0) + (opts.clusterBus ? 1 : 0));
  const port = opts.plain ? ports.shift() : null;
  const tlsPort = wantTls ? ports.shift() : null;
  const busPort = opts.clusterBus ? ports.shift() : null;

  const args = [
    '--bind', HOST,
    '--port', String(port ?? 0),
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    '--enable-debug-command', 'yes',
    '--protected-mode', 'no', // loopback only
    '--dir', dir, // redis chdirs here before loading certs: cert paths must be absolute
    '--logfile', '', // log to stdout, which goes to logFile with startup errors
  ];
  if (socket) args.push('--unixsocket', socket, '--unixsocketperm', '700');
  if (opts.tls) {
    args.push(
      '--tls-port', String(tlsPort ?? 0),
      '--tls-cert-file', path.resolve(opts.tls.cert),
      '--tls-key-file', path.resolve(opts.tls.key),
      '--tls-ca-cert-file', path.resolve(opts.tls.ca),
      '--tls-auth-clients', opts.tls.authClients ?? 'no',
    );
  }
  if (busPort !== null) args.push('--cluster-port', String(busPort));
  args.push(...(opts.extraArgs ?? []));

  const fd = openSync(logFile, 'a');
  let child;
  try {
    child = spawn(opts.redisServer ?? 'redis-server', args, { stdio: ['ignore', fd, fd], cwd: dir, env: opts.env ? { ...process.env, ...opts.env } : process.env });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  if (pid === undefined) {
    await exited;
    throw new Error(`startRedis: could not spawn ${opts.redisServer ?? 'redis-server'}`);
  }

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      running.delete(pid);
    })();
    return stopping;
  };
  installExitHook();
  running.set(pid, { stop });

  const tail = async () => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
  const deadline = Date.now() + (opts.readyTimeoutMs ?? READY_TIMEOUT_MS);
  let hasExited = false;
  exited.then(() => {
    hasExited = true;
  });
  for (;;) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    if (log.includes('Ready to accept connections')) break;
    if (hasExited) {
      running.delete(pid);
      if (/Address already in use/.test(log)) throw new PortInUseError(`redis-server: port taken\n${await tail()}`);
      throw new Error(`redis-server ${opts.name ?? ''} exited during start-up; log tail:\n${await tail()}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      running.delete(pid);
      throw new Error(`redis-server ${opts.name ?? ''} not ready after ${opts.readyTimeoutMs ?? READY_TIMEOUT_MS} ms; log tail:\n${await tail()}`);
    }
    await new Promise((r) => setTimeout(r, 15));
  }

  return { pid, port, tlsPort, socket, busPort, dir, logFile, stop };
}

// ---------------------------------------------------------------------------------------------
// The lab: every server the tests and the demo use

/**
 * @param {string} dir
 * @param {{ certsDir?: string, log?: (line: string) => void }} [opts]
 * @returns {Promise<import('./tls-lab.d.mts').LabDescription>}
 */
export async function startLab(dir, opts = {}) {
  const root = path.resolve(dir);
  const certs = await makeCerts(opts.certsDir ?? path.join(root, 'certs'), { log: opts.log });
  const serversDir = path.join(root, 'servers');
  const ca = certs.ca;
  const tlsWith = (/** @type {string} */ cert, /** @type {string} */ key, authClients = 'no', caFile = ca) => ({
    cert, key, ca: caFile, authClients,
  });

  /** @type {Record<string, Omit<import('./tls-lab.d.mts').StartRedisOptions, 'dir' | 'name'>>} */
  const specs = {
    main: { plain: true, unixSocket: true, tls: tlsWith(certs.serverCert, certs.serverKey) },
    mtls: { tls: tlsWith(certs.serverCert, certs.serverKey, 'yes') },
    mtlsOptional: { tls: tlsWith(certs.serverCert, certs.serverKey, 'optional') },
    otherCa: { tls: tlsWith(certs.otherServerCert, certs.otherServerKey, 'no', certs.otherCa) },
    expired: { tls: tlsWith(certs.expiredCert, certs.expiredKey) },
    notYet: { tls: tlsWith(certs.notYetCert, certs.notYetKey) },
    expiring: { tls: tlsWith(certs.expiringCert, certs.expiringKey) },
    wrongHost: { tls: tlsWith(certs.wrongHostCert, certs.wrongHostKey) },
    chain: { tls: tlsWith(certs.leafFullchainCert, certs.leafChainKey) },
    chainMissing: { tls: tlsWith(certs.leafChainCert, certs.leafChainKey) },
    password: {
      plain: true,
      tls: tlsWith(certs.serverCert, certs.serverKey),
      // `user` is a redis.conf directive, so it works as a command-line option too.
      extraArgs: ['--requirepass', REQUIREPASS, '--user', ACL_USER, 'on', `>${ACL_PASSWORD}`, '~*', '&*', '+@all'],
    },
  };

  const names = Object.keys(specs);
  const settled = await Promise.allSettled(
    names.map((name) => startRedis({ ...specs[name], name, dir: serversDir })),
  );
  const failures = settled.flatMap((r, i) => (r.status === 'rejected' ? [`${names[i]}: ${r.reason?.message ?? r.reason}`] : []));
  if (failures.length > 0) {
    await Promise.all(settled.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    throw new Error(`tls-lab: ${failures.length} server(s) failed to start\n${failures.join('\n')}`);
  }

  /** @type {Record<string, import('./tls-lab.d.mts').LabServer>} */
  const servers = {};
  names.forEach((name, i) => {
    const h = /** @type {PromiseFulfilledResult<import('./tls-lab.d.mts').RedisHandle>} */ (settled[i]).value;
    const tlsOpts = specs[name].tls;
    servers[name] = {
      name,
      host: HOST,
      pid: h.pid,
      port: h.port,
      tlsPort: h.tlsPort,
      socket: h.socket,
      dir: h.dir,
      logFile: h.logFile,
      tls: tlsOpts ? { cert: tlsOpts.cert, key: tlsOpts.key, ca: tlsOpts.ca, authClients: tlsOpts.authClients } : null,
      requiresAuth: name === 'password',
    };
  });

  return /** @type {any} */ ({
    dir: root,
    certs,
    servers,
    pids: names.map((n) => servers[n].pid),
    secrets: {
      clientKeyPassphrase: CLIENT_KEY_PASSPHRASE,
      p12Passphrase: P12_PASSPHRASE,
      requirepass: REQUIREPASS,
      aclUser: ACL_USER,
      aclPassword: ACL_PASSWORD,
    },
  });
}

/**
 * Stops every server of `lab` by PID. Servers started by this process are stopped through their
 * handle; a PID from a lab started elsewhere is signalled only if it is still a redis-server.
 * @param {Pick<import('./tls-lab.d.mts').LabDescription, 'pids'>} lab
 */
export async function stopLab(lab) {
  await Promise.all(lab.pids.map((pid) => stopPid(pid)));
}

/** @param {number} pid */
async function stopPid(pid) {
  const own = running.get(pid);
  if (own) return own.stop();
  if (!(await isRedisServer(pid))) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + STOP_GRACE_MS;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  if (alive()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

// Guards against PID reuse when stopping a lab this process did not start (Linux: /proc).
/** @param {number} pid */
async function isRedisServer(pid) {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0')[0].includes('redis-server');
  } catch {
    return process.platform !== 'linux';
  }
}
