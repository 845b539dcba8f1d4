import type { Session } from './session.js';

/** Makes a (not yet connected) session for one cluster node, with that node's own TLS plan. */
export type NodeSessionFactory = (host: string, port: number) => Session;

/**
 * The connections of a -c run, one per cluster node, keyed by the endpoint the cluster announces
 * (`host:port`). A redirect back to a node reuses its open connection instead of reconnecting
 * (redis-cli reconnects on every redirect); the least recently used one is closed past `limit`.
 */
export class NodePool {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly make: NodeSessionFactory,
    private readonly limit = 16,
  ) {}

  /** The pool key of an endpoint: host names compare case-insensitively. */
  static key(host: string, port: number): string {
    return `${host.toLowerCase()}:${port}`;
  }

  /** Registers a session made elsewhere (the one connected at start) under its endpoint. */
  adopt(session: Session): void {
    this.put(NodePool.key(session.config.host, session.config.port), session);
  }

  /** The session for `host:port`: the pooled one when there is one, else a new one. */
  get(host: string, port: number): Session {
    const key = NodePool.key(host, port);
    const found = this.sessions.get(key);
    if (found) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.sessions.delete(key);
      this.sessions.set(key, found);
      return found;
    }
    const s = this.make(host, port);
    this.put(key, s);
    return s;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Closes every pooled connection (at exit: open sockets would keep the process alive). */
  closeAll(): void {
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
  }

  private put(key: string, s: Session): void {
    const old = this.sessions.get(key);
    if (old && old !== s) old.close();
    this.sessions.delete(key);
    this.sessions.set(key, s);
    while (this.sessions.size > this.limit) {
      const [oldest, victim] = this.sessions.entries().next().value as [string, Session];
      victim.close();
      this.sessions.delete(oldest);
    }
  }
}
