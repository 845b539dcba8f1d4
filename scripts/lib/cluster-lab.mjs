// Cluster lab: a Redis Cluster of real redis-server processes on loopback, over TLS (tls-port,
// port 0, tls-cluster yes, tls-replication yes), for the -c / --cluster tests. Plain ESM
// JavaScript with types in cluster-lab.d.mts, like tls-lab.mjs whose certificates and
// startRedis it reuses. Only node:* imports.
//
// The cluster is joined with single commands (CLUSTER ADDSLOTSRANGE, SET-CONFIG-EPOCH, MEET,
// REPLICATE) sent through redis-cli, not with `--cluster create`, which sleeps a second per
// round: start-up stays within a few seconds. Servers bind 127.0.0.1 only and are stopped by
// the PIDs started here.

import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openssl, serial, startRedis } from './tls-lab.mjs';

const HOST = '127.0.0.1';
/** Every node certificate's names: one per node and a stranger that covers none of them. */
export const NODE_DOMAIN = 'redis.test';
const STAMP = 'cluster-certs.stamp.json';
const CERTS_VERSION = 'tredis-cluster-certs-v1';
const READY_TIMEOUT_MS = 20_000;

/** @param {number} i 1-based */
export const nodeName = (i) => `node${i}.${NODE_DOMAIN}`;

const CNF = `# written by scripts/lib/cluster-lab.mjs
[ req ]
distinguished_name = req_dn
[ req_dn ]
`;

/**
 * Node certificates signed by the lab CA: `nodeN.crt/.key` with SAN DNS:nodeN.redis.test,
 * IP:127.0.0.1 and EKU serverAuth + clientAuth (nodes present them to each other on the cluster
 * bus and for replication), and `stranger.crt/.key` with SAN DNS:stranger.redis.test only.
 * Reused while the CA is the same.
 * @param {string} dir
 * @param {{ ca: string, caKey: string }} certs
 * @param {number} count
 */
export async function makeNodeCerts(dir, certs, count) {
  const root = path.resolve(dir);
  const caPem = await readFile(certs.ca, 'utf8');
  const caId = new X509Certificate(caPem).fingerprint256;
  const names = [...Array.from({ length: count }, (_, i) => `node${i + 1}`), 'stranger'];
  const files = Object.fromEntries(names.map((n) => [n, { cert: path.join(root, `${n}.crt`), key: path.join(root, `${n}.key`) }]));
  const isFresh = async () => {
    const stamp = await readFile(path.join(root, STAMP), 'utf8').then(JSON.parse, () => null);
    return stamp !== null && stamp.version === CERTS_VERSION && stamp.ca === caId && names.every((n) => stamp.names.includes(n));
  };
  if (await isFresh()) return files;
  // Made in a staging folder and renamed into place: test files starting clusters at the same
  // time never see a half-written set.
  const stage = `${root}.stage-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(stage, { recursive: true });
  try {
    await writeFile(path.join(stage, 'openssl.cnf'), CNF);
    await Promise.all(names.map(async (n) => {
      const dns = n === 'stranger' ? `DNS:stranger.${NODE_DOMAIN}` : `DNS:${n}.${NODE_DOMAIN}, IP:127.0.0.1`;
      await writeFile(path.join(stage, `${n}.ext`), [
        'basicConstraints = critical, CA:FALSE',
        'keyUsage = critical, digitalSignature',
        'extendedKeyUsage = serverAuth, clientAuth',
        `subjectAltName = ${dns}`,
        '',
      ].join('\n'));
      await openssl(stage, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc',
        '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/O=tredis-cli lab/CN=${n}.${NODE_DOMAIN}`]);
      await openssl(stage, ['x509', '-req', '-in', `${n}.csr`, '-CA', path.resolve(certs.ca), '-CAkey', path.resolve(certs.caKey),
        '-set_serial', serial(), '-days', '825', '-sha256', '-extfile', `${n}.ext`, '-out', `${n}.crt`]);
    }));
    await writeFile(path.join(stage, STAMP), JSON.stringify({ version: CERTS_VERSION, ca: caId, names }));
    if (!(await isFresh())) {
      await rm(root, { recursive: true, force: true });
      await rename(stage, root).catch(async (err) => {
        if (!(await isFresh())) throw err; // another process put a fresh set there first
      });
    }
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  return files;
}

/**
 * Runs redis-cli 7.0.15 with `args` (TLS flags first) and resolves with its stdout.
 * @param {string[]} args
 * @param {{ timeoutMs?: number }} [o]
 * @returns {Promise<string>}
 */
export function redisCli(args, o = {}) {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', args, { timeout: o.timeoutMs ?? 10_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const hint = /** @type {NodeJS.ErrnoException} */ (err).code === 'ENOENT' ? ' (install redis-tools 7.0.15: apt-get install redis-tools)' : '';
        reject(new Error(`redis-cli ${args.join(' ')} failed${hint}: ${String(stderr).trim() || err.message}`, { cause: err }));
      } else resolve(stdout);
    });
  });
}

/**
 * Starts `primaries` primaries with `replicas` replicas each, joins them into one cluster and
 * waits until every node reports cluster_state:ok, knows every other node (with its host name
 * in the hostname variant) and every replica has synced.
 * @param {import('./cluster-lab.d.mts').StartClusterOptions} opts
 * @returns {Promise<import('./cluster-lab.d.mts').ClusterLab>}
 */
export async function startCluster(opts) {
  const primaries = opts.primaries ?? 3;
  const perPrimary = opts.replicas ?? 1;
  const count = primaries * (1 + perPrimary);
  const hostnames = opts.variant === 'hostname';
  const authClients = opts.authClients ?? 'yes';
  const t0 = Date.now();
  const nodeCerts = await makeNodeCerts(path.join(opts.certs.dir, 'cluster'), opts.certs, Math.max(count, 6));
  const tlsArgs = ['--tls', '--cacert', opts.certs.ca, '--cert', opts.certs.clientCert, '--key', opts.certs.clientKey];
  const dir = path.resolve(opts.dir);
  /** @type {import('./tls-lab.d.mts').RedisHandle[]} */
  const handles = [];
  const stop = async () => {
    await Promise.all(handles.map((h) => h.stop()));
  };
  try {
    const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => {
      const name = nodeName(i + 1);
      const files = nodeCerts[`node${i + 1}`];
      return startRedis({
        dir,
        name: `node${i + 1}`,
        tls: { cert: files.cert, key: files.key, ca: opts.certs.ca, authClients },
        plain: opts.plain ?? false,
        clusterBus: true,
        extraArgs: [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', 'nodes.conf',
          '--cluster-node-timeout', String(opts.nodeTimeoutMs ?? 5000),
          '--tls-cluster', 'yes',
          '--tls-replication', 'yes',
          '--repl-diskless-sync-delay', '0', // replicas sync at once, not after 5 s
          ...(hostnames ? ['--cluster-announce-hostname', name, '--cluster-preferred-endpoint-type', 'hostname'] : []),
          ...(opts.extraArgs ?? []),
        ],
      }).then((h) => (handles[i] = h));
    }));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw /** @type {PromiseRejectedResult} */ (failed).reason;
    const busPorts = handles.map((h) => /** @type {number} */ (h.busPort));

    const at = (/** @type {number} */ i) => ['-h', HOST, '-p', String(handles[i].tlsPort)];
    const cli = (/** @type {number} */ i, /** @type {string[]} */ args) => redisCli([...tlsArgs, ...at(i), ...args]);
    const ids = await Promise.all(handles.map((_, i) => cli(i, ['CLUSTER', 'MYID']).then((s) => s.trim())));
    // Slots split as redis-cli --cluster create does (16384 / primaries, remainder spread).
    const ranges = splitSlots(primaries);
    if (opts.join === false) {
      return describe(handles, ids, busPorts, nodeCerts, { hostnames, primaries, ranges: [], masterOf: () => null, tlsArgs, t0, stop, joined: false });
    }
    await Promise.all(ranges.map(([a, b], i) => cli(i, ['CLUSTER', 'ADDSLOTSRANGE', String(a), String(b)])));
    await Promise.all(handles.map((_, i) => cli(i, ['CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1)])));
    await Promise.all(handles.slice(1).map((_, j) => cli(j + 1, ['CLUSTER', 'MEET', HOST, String(handles[0].tlsPort), String(busPorts[0])])));
    const masterOf = (/** @type {number} */ i) => (i < primaries ? null : (i - primaries) % primaries);
    await waitFor(async () => {
      const views = await Promise.all(handles.slice(primaries).map((_, j) => cli(primaries + j, ['CLUSTER', 'NODES'])));
      return views.every((v, j) => v.includes(ids[/** @type {number} */ (masterOf(primaries + j))]));
    }, 'replicas to learn their primaries', t0);
    await Promise.all(handles.slice(primaries).map((_, j) => cli(primaries + j, ['CLUSTER', 'REPLICATE', ids[/** @type {number} */ (masterOf(primaries + j))]])));
    await waitFor(async () => {
      const infos = await Promise.all(handles.map((_, i) => Promise.all([cli(i, ['CLUSTER', 'INFO']), cli(i, ['CLUSTER', 'NODES']), cli(i, ['INFO', 'replication'])])));
      return infos.every(([info, nodes, repl], i) => {
        if (!/cluster_state:ok/.test(info) || !info.includes(`cluster_known_nodes:${count}`)) return false;
        const lines = nodes.trim().split('\n');
        if (lines.length !== count || lines.some((l) => /handshake|fail|noaddr/.test(l.split(' ')[2] ?? ''))) return false;
        // every replica known as the replica of its primary, by every node
        for (let r = primaries; r < count; r++) {
          const line = lines.find((l) => l.startsWith(ids[r]));
          if (!line || line.split(' ')[3] !== ids[/** @type {number} */ (masterOf(r))]) return false;
        }
        if (hostnames && !handles.every((_, k) => nodes.includes(`,${nodeName(k + 1)} `))) return false;
        return i < primaries || /master_link_status:up/.test(repl);
      });
    }, 'cluster_state:ok on every node', t0);

    return describe(handles, ids, busPorts, nodeCerts, { hostnames, primaries, ranges, masterOf, tlsArgs, t0, stop, joined: true });
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The ClusterLab description of started nodes.
 * @param {import('./tls-lab.d.mts').RedisHandle[]} handles
 * @param {string[]} ids
 * @param {number[]} busPorts
 * @param {Record<string, { cert: string, key: string }>} nodeCerts
 * @param {{ hostnames: boolean, primaries: number, ranges: Array<[number, number]>, masterOf: (i: number) => number | null, tlsArgs: string[], t0: number, stop: () => Promise<void>, joined: boolean }} o
 * @returns {import('./cluster-lab.d.mts').ClusterLab}
 */
function describe(handles, ids, busPorts, nodeCerts, o) {
  /** @type {import('./cluster-lab.d.mts').ClusterNode[]} */
  const nodes = handles.map((h, i) => {
    const m = o.masterOf(i);
    return {
      name: nodeName(i + 1),
      host: o.hostnames ? nodeName(i + 1) : HOST,
      address: HOST,
      port: /** @type {number} */ (h.tlsPort),
      plainPort: h.port,
      busPort: busPorts[i],
      pid: h.pid,
      id: ids[i],
      role: o.joined && i >= o.primaries ? 'replica' : 'primary',
      primaryId: m === null ? null : ids[m],
      slots: o.joined && i < o.primaries ? [o.ranges[i]] : [],
      dir: h.dir,
      logFile: h.logFile,
      cert: nodeCerts[`node${i + 1}`].cert,
      key: nodeCerts[`node${i + 1}`].key,
    };
  });
  return {
    variant: o.hostnames ? 'hostname' : 'ip',
    nodes,
    pids: handles.map((h) => h.pid),
    tlsArgs: o.tlsArgs,
    resolveArgs: nodes.flatMap((n) => ['--resolve', `${n.name}:${n.port}:${HOST}`]),
    strangerCert: nodeCerts.stranger,
    startMs: Date.now() - o.t0,
    stop: o.stop,
  };
}

/**
 * Slot ranges for `n` primaries, as clusterManagerCommandCreate computes them (redis-cli 7.0.15).
 * @param {number} n
 * @returns {Array<[number, number]>}
 */
export function splitSlots(n) {
  // float arithmetic and lround as in C
  const per = Math.fround(16384 / n);
  /** @type {Array<[number, number]>} */
  const out = [];
  let first = 0;
  let cursor = 0;
  for (let i = 0; i < n; i++) {
    let last = Math.round(Math.fround(cursor + per - 1));
    if (last > 16384 || i === n - 1) last = 16383;
    if (last < first) last = first;
    out.push([first, last]);
    first = last + 1;
    cursor = Math.fround(cursor + per);
  }
  return out;
}

/**
 * @param {() => Promise<boolean>} check
 * @param {string} what
 * @param {number} t0
 */
async function waitFor(check, what, t0) {
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() - t0 > READY_TIMEOUT_MS) throw new Error(`cluster-lab: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
