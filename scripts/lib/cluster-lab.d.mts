// Types for cluster-lab.mjs.
import type { LabCerts, TlsAuthClients } from './tls-lab.mjs';

/** `nodeN.redis.test` (1-based). */
export declare function nodeName(i: number): string;
export declare const NODE_DOMAIN: 'redis.test';

export interface NodeCertFiles {
  cert: string;
  key: string;
}

/**
 * `node1`…`nodeN` (SAN DNS:nodeN.redis.test, IP:127.0.0.1; EKU serverAuth+clientAuth) and
 * `stranger` (SAN DNS:stranger.redis.test only), signed by the lab CA, cached in `dir`.
 */
export declare function makeNodeCerts(dir: string, certs: Pick<LabCerts, 'ca' | 'caKey'>, count: number): Promise<Record<string, NodeCertFiles>>;

/** Runs redis-cli with an argument vector; resolves with stdout, rejects on a non-zero exit. */
export declare function redisCli(args: string[], o?: { timeoutMs?: number }): Promise<string>;

/** Slot ranges per primary as `redis-cli --cluster create` assigns them. */
export declare function splitSlots(n: number): Array<[number, number]>;

export interface StartClusterOptions {
  /** Parent folder of the nodes' folders. */
  dir: string;
  /** The TLS lab's certificates (the CA signs the node certificates; the client cert is used for setup). */
  certs: LabCerts;
  /** 'ip': nodes announce 127.0.0.1; 'hostname': cluster-announce-hostname nodeN.redis.test + preferred endpoint hostname. */
  variant: 'ip' | 'hostname';
  /** Default 3. */
  primaries?: number;
  /** Replicas per primary, default 1. */
  replicas?: number;
  /** tls-auth-clients, default 'yes'. */
  authClients?: TlsAuthClients;
  /** Also open a plaintext port on each node (default false: `port 0`). */
  plain?: boolean;
  /** cluster-node-timeout, default 5000. */
  nodeTimeoutMs?: number;
  extraArgs?: string[];
  /** false: start the nodes in cluster mode but leave them alone (no slots, no MEET), for `create`. */
  join?: boolean;
}

export interface ClusterNode {
  /** nodeN.redis.test */
  name: string;
  /** The announced endpoint host: 127.0.0.1, or `name` in the hostname variant. */
  host: string;
  /** Always 127.0.0.1. */
  address: string;
  /** TLS port (the cluster's client port). */
  port: number;
  /** Plaintext port when `plain` was set. */
  plainPort: number | null;
  busPort: number;
  pid: number;
  id: string;
  role: 'primary' | 'replica';
  primaryId: string | null;
  slots: Array<[number, number]>;
  dir: string;
  logFile: string;
  cert: string;
  key: string;
}

export interface ClusterLab {
  variant: 'ip' | 'hostname';
  /** Primaries first, then replicas (replica k of primary k % primaries). */
  nodes: ClusterNode[];
  pids: number[];
  /** --tls --cacert --cert --key for redis-cli / tredis-cli. */
  tlsArgs: string[];
  /** --resolve nodeN.redis.test:PORT:127.0.0.1 for every node. */
  resolveArgs: string[];
  /** A certificate that covers none of the nodes' names. */
  strangerCert: NodeCertFiles;
  /** Start-up time in ms. */
  startMs: number;
  /** Stops every node by PID (idempotent). */
  stop(): Promise<void>;
}

export declare function startCluster(opts: StartClusterOptions): Promise<ClusterLab>;
