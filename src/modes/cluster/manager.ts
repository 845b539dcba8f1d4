/**
 * The cluster manager's connections and the node list it works on (redis-cli 7.0.15's
 * cluster_manager + clusterManagerNodeConnect / LoadInfoFromNode), with redis-cli's log lines.
 * Each node gets its own session, made by the caller's factory: over TLS that is the same client
 * certificate with SNI and the name check for the host name the node announces.
 */
import type { Session } from '../../client/session.js';
import { TredisError } from '../../errors.js';
import type { RespValue } from '../../resp/value.js';
import type { OutputSink } from '../context.js';
import { infoField, isReplica, isUnusable, loadNodesReply, newNode, type CmNode } from './core.js';

/** The --cluster-* options (config.cluster_manager_command). */
export interface ClusterOptions {
  replicas: number;
  masterId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  fromUser?: string | undefined;
  fromPass?: string | undefined;
  fromAskpass: boolean;
  weight: string[];
  slots: number;
  timeout: number;
  pipeline: number;
  threshold: number;
  yes: boolean;
  simulate: boolean;
  replace: boolean;
  copy: boolean;
  slave: boolean;
  useEmptyMasters: boolean;
  searchMultipleOwners: boolean;
  fixWithUnreachableMasters: boolean;
  onlyMasters: boolean;
  onlyReplicas: boolean;
  /** --verbose (config.verbose): rebalance prints each node's balance. */
  verbose: boolean;
}

export function defaultClusterOptions(): ClusterOptions {
  // mirrors the defaults set in redis-cli's main()
  return {
    replicas: 0,
    fromAskpass: false,
    weight: [],
    slots: 0,
    timeout: 60000,
    pipeline: 10,
    threshold: 2,
    yes: false,
    simulate: false,
    replace: false,
    copy: false,
    slave: false,
    useEmptyMasters: false,
    searchMultipleOwners: false,
    fixWithUnreachableMasters: false,
    onlyMasters: false,
    onlyReplicas: false,
    verbose: false,
  };
}

/** `--cluster NAME ARGS…` as typed. */
export interface ClusterCommand {
  name: string;
  args: string[];
  opts: ClusterOptions;
}

/** What the manager needs from the program around it. */
export interface ManagerIo {
  out: OutputSink;
  /** One line for stderr. */
  err: (line: string) => void;
  /** TERM contains "xterm" (redis-cli's isColorTerm): log lines get colours. */
  color: boolean;
  /** A terminal on stdout: long operations show progress. */
  isTty: boolean;
  /**
   * A session for one node: connect to `ip:port`, TLS checks against `hostname` when given.
   * `noAuth`: no AUTH at connect (the import source, which gets --cluster-from-user/pass instead).
   */
  session: (ip: string, port: number, hostname: string | undefined, o?: { noAuth?: boolean }) => Session;
  /** The cluster's own credentials (-a/--user), which MIGRATE passes on (import). */
  auth?: { user?: string | undefined; password?: string | undefined } | undefined;
  /** One line typed on stdin (without its newline), null at end of input (reshard's questions). */
  readLine?: () => Promise<string | null>;
  /** Present when stderr is a terminal: redraws the one-line status there ('' erases it). */
  progress?: ((line: string) => void) | undefined;
  /** Routes Ctrl-C to `handler` while one is set (undefined: Ctrl-C ends the program as usual). */
  onInterrupt?: (handler: (() => void) | undefined) => void;
  /** Asks a yes/no question on the terminal (redis-cli's confirmWithYes). */
  ask: (question: string) => Promise<boolean>;
  /** --tls was given: node sessions are TLS (tls-audit). */
  tls?: boolean | undefined;
  /** --json: tls-audit prints its JSON report instead of the table. */
  json?: boolean | undefined;
  /** --show-handshake=json: tls-audit also writes each node's handshake report to stderr (JSON Lines). */
  handshakeJson?: boolean | undefined;
}

type Level = 'info' | 'warn' | 'err' | 'ok';
const COLORS: Record<Level, string> = { info: '29;1m', warn: '33;1m', err: '31;1m', ok: '32;1m' };

export const INVALID_HOST_ARG =
  '[ERR] Invalid arguments: you need to pass either a valid address (ie. 120.0.0.1:7000) or space separated IP and port (ie. 120.0.0.1 7000)';

export class ClusterManager {
  nodes: CmNode[] = [];
  unreachableMasters = 0;
  errors: string[] = [];
  /** A move was stopped by Ctrl-C: the run ends with exit code 130. */
  interrupted = false;
  private readonly sessions = new Map<CmNode, Session>();

  constructor(
    readonly io: ManagerIo,
    readonly opts: ClusterOptions,
  ) {}

  /** clusterManagerLog: printf to stdout, coloured on an xterm. */
  log(level: Level, text: string): void {
    this.io.out.write(this.io.color ? `\x1b[${COLORS[level]}${text}\x1b[0m` : text);
  }

  /** clusterManagerOnError: remembered and printed. */
  onError(text: string): void {
    this.errors.push(text);
    this.log('err', `${text}\n`);
  }

  printReplyError(n: CmNode, err: string): void {
    this.log('err', `Node ${n.ip}:${n.port} replied with error:\n${err}\n`);
  }

  /** Connects (once) to a node; prints redis-cli's line on stderr and returns false on failure. */
  async connect(n: CmNode): Promise<boolean> {
    let s = this.sessions.get(n);
    if (s?.isConnected) return true;
    s?.close();
    s = this.io.session(n.ip, n.port, n.hostname);
    this.sessions.set(n, s);
    try {
      await s.connect();
      return true;
    } catch (err) {
      await this.io.out.flush();
      if (err instanceof TredisError) {
        this.io.err(err.message);
        if (err.hint) this.io.err(`hint: ${err.hint}`);
      } else this.io.err(`Could not connect to Redis at ${n.ip}:${n.port}: ${(err as Error).message}`);
      this.sessions.delete(n);
      return false;
    }
  }

  /** The node's connected session (taken over by SYNC in backup); undefined before connect. */
  sessionOf(n: CmNode): Session | undefined {
    return this.sessions.get(n);
  }

  /** Forgets a node's session after its connection was handed over (getRDB's node->context = NULL). */
  dropSession(n: CmNode): void {
    this.sessions.get(n)?.close();
    this.sessions.delete(n);
  }

  isConnected(n: CmNode): boolean {
    return this.sessions.get(n)?.isConnected === true;
  }

  /** Sends one command; null when the connection failed (redis-cli's NULL reply). */
  async command(n: CmNode, args: ReadonlyArray<string | Buffer>): Promise<RespValue | null> {
    const s = this.sessions.get(n);
    if (!s) return null;
    try {
      return await s.send(args);
    } catch {
      return null;
    }
  }

  /** The text of a reply that must be a string (CLUSTER NODES, INFO); an error's text in `error`. */
  async text(n: CmNode, args: string[]): Promise<{ text?: string; error?: string }> {
    const r = await this.command(n, args);
    if (r === null) return {};
    if (r.kind === 'error') return { error: r.value.toString() };
    if (r.kind === 'bulk' || r.kind === 'simple' || r.kind === 'verbatim') return { text: r.value.toString() };
    return {};
  }

  /** A reply checked as clusterManagerCheckRedisReply does: an error is printed, false returned. */
  async ok(n: CmNode, args: ReadonlyArray<string | Buffer>, quiet = false): Promise<{ ok: boolean; reply: RespValue | null; error?: string }> {
    const r = await this.command(n, args);
    if (r === null) return { ok: false, reply: null };
    if (r.kind === 'error') {
      const error = r.value.toString();
      if (!quiet) this.printReplyError(n, error);
      return { ok: false, reply: r, error };
    }
    return { ok: true, reply: r };
  }

  closeAll(): void {
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
  }

  /** INFO cluster_enabled (clusterManagerNodeIsCluster); prints redis-cli's error when not. */
  async isCluster(n: CmNode): Promise<boolean> {
    const info = await this.text(n, ['INFO']);
    if (info.text === undefined || infoField(info.text, 'cluster_enabled') !== '1') {
      this.log('err', `[ERR] Node ${n.ip}:${n.port} ${info.error ?? 'is not configured as a cluster node.'}\n`);
      return false;
    }
    return true;
  }

  /** CLUSTER NODES into `n` (clusterManagerNodeLoadInfo). */
  async loadInfo(n: CmNode, getFriends: boolean): Promise<{ ok: boolean; friends: CmNode[]; error?: string }> {
    const r = await this.text(n, ['CLUSTER', 'NODES']);
    if (r.text === undefined) return { ok: false, friends: [], error: r.error };
    try {
      return { ok: true, friends: loadNodesReply(n, r.text, getFriends) };
    } catch (err) {
      this.io.err((err as Error).message);
      return { ok: false, friends: [] };
    }
  }

  /**
   * Connects to a node typed by the user, checks it runs in cluster mode and reads its CLUSTER
   * NODES; null (after printing redis-cli's error) when any step fails, else the other nodes it knows.
   */
  async openClusterNode(n: CmNode, getFriends: boolean): Promise<CmNode[] | null> {
    if (!(await this.connect(n))) return null;
    if (!(await this.isCluster(n))) return null;
    const loaded = await this.loadInfo(n, getFriends);
    if (!loaded.ok) {
      if (loaded.error) this.printReplyError(n, loaded.error);
      return null;
    }
    return loaded.friends;
  }

  /**
   * Loads the whole cluster through one node (clusterManagerLoadInfoFromNode): the node itself,
   * then every node it knows that can be reached and loaded; failed primaries are counted.
   */
  async loadFromNode(seed: CmNode): Promise<boolean> {
    const friends = await this.openClusterNode(seed, true);
    if (!friends) return false;
    this.nodes = [seed];
    for (const f of friends) {
      let usable = f.ip !== '' && f.port !== 0 && (await this.connect(f));
      if (usable) {
        const r = await this.loadInfo(f, false);
        if (!r.ok) this.log('err', `[ERR] Unable to load info for node ${f.ip}:${f.port}\n`);
        usable = r.ok && !isUnusable(f);
      }
      if (usable) this.nodes.push(f);
      else {
        if (!isReplica(f)) this.unreachableMasters++;
        this.sessions.get(f)?.close();
        this.sessions.delete(f);
      }
    }
    for (const n of this.nodes) {
      if (n.replicate === null) continue;
      const primary = this.byName(n.replicate);
      if (primary) primary.replicasCount++;
      else this.log('warn', `*** WARNING: ${n.ip}:${n.port} claims to be slave of unknown node ID ${n.replicate}.\n`);
    }
    return true;
  }

  byName(name: string): CmNode | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  /** A node by ID or unique ID prefix (clusterManagerNodeByAbbreviatedName). */
  byAbbreviatedName(prefix: string): CmNode | undefined {
    const found = this.nodes.filter((n) => n.name.startsWith(prefix));
    return found.length === 1 ? found[0] : undefined;
  }

  /** A node from `ip:port` typed by the user, not yet connected. */
  static nodeAt(ip: string, port: number): CmNode {
    return newNode(ip, port);
  }
}
