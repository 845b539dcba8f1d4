/**
 * Error classes shared by every layer. Lower layers throw these; only `cli/main.ts` prints them and
 * turns `exitCode` into the process exit status.
 */
export class TredisError extends Error {
  /** Stable machine-readable code, e.g. `ECONNREFUSED`, `TLS_VERIFY`, `USAGE`. */
  readonly code: string;
  /** Process exit status when this error ends the program. */
  readonly exitCode: number;
  /** What the user can do about it (a flag or a file), printed after the message. */
  readonly hint: string | undefined;

  constructor(message: string, opts: { code: string; exitCode?: number; hint?: string; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.exitCode = opts.exitCode ?? 1;
    this.hint = opts.hint;
  }
}

/** Bad flags or arguments (redis-cli exits 1 for these). */
export class UsageError extends TredisError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'USAGE', exitCode: 1, hint });
  }
}

/** The server sent bytes that are not RESP. Sticky: the connection is unusable afterwards. */
export class ProtocolError extends TredisError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'PROTOCOL', exitCode: 1, hint });
  }
}

/** Could not reach the server: refused, unreachable, DNS failure, connect timeout. */
export class ConnectError extends TredisError {}

/** The TLS handshake or certificate verification failed. */
export class TlsError extends TredisError {}

/** A connected socket failed or closed while a reply was expected. */
export class IoError extends TredisError {}

/** A Redis Cluster operation could not be completed (redirect loop, node not in cluster mode, …). */
export class ClusterError extends TredisError {}

/** A mode cannot go on because of what the server replied (`SCAN error: …`, --hotkeys without LFU). */
export class ModeError extends TredisError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'MODE', exitCode: 1, hint });
  }
}

/**
 * --reply-timeout: a command got no reply (not a byte) in time. The connection is dropped (a late
 * reply would be taken for the next command's) and the run ends with exit 1.
 */
export class ReplyTimeoutError extends TredisError {}

/**
 * The lines that report an error on stderr: the message, then `hint: …`. Anything that is not a
 * TredisError is a bug (its stack helps), except Node's own system errors (`Error: …`).
 */
export function errorLines(err: unknown): string[] {
  if (err instanceof TredisError) return err.hint ? [err.message, `hint: ${err.hint}`] : [err.message];
  if (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string') return [`Error: ${err.message}`];
  return [`tredis-cli: internal error: ${(err as Error)?.stack ?? String(err)}`];
}
