/**
 * The replication handshake shared by --rdb, --functions-rdb and --replica: REPLCONF, then SYNC
 * read at the byte level, because what follows `$<length>` (or `$EOF:<mark>`) is an RDB file, not
 * RESP. Mirrors sendReplconf and sendSync (redis-cli 7.0.15); every wait is bounded where redis-cli's
 * blocks forever.
 */
import type { Socket } from 'node:net';
import { ModeError } from '../errors.js';
import type { ModeContext } from './context.js';

/** What the replication handshake uses of a mode's context (the cluster backup has no full one). */
export type SyncContext = Pick<ModeContext, 'session' | 'err' | 'signal'>;

/** RDB_EOF_MARK_SIZE: the random delimiter a diskless master ends its payload with. */
export const EOF_MARK_SIZE = 40;

/**
 * `REPLCONF arg1 arg2`, announced on stderr as redis-cli does. An error reply is not fatal (old
 * servers lack some options): it is printed and `false` returned.
 */
export async function sendReplconf(ctx: SyncContext, arg1: string, arg2: string): Promise<boolean> {
  ctx.err(`sending REPLCONF ${arg1} ${arg2}`);
  const reply = await ctx.session.send(['REPLCONF', arg1, arg2]);
  if (reply.kind === 'error') {
    ctx.err(`REPLCONF ${arg1} error: ${reply.value.toString('latin1')}`);
    return false;
  }
  return true;
}

/**
 * Chunks from a socket, pulled one at a time, with a bound on silence. The socket is paused while
 * nobody reads, so a slow file or stdout holds the server back instead of filling memory.
 */
export class ByteSource {
  private readonly socket: Socket;
  private queue: Buffer[] = [];
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (c: Buffer) => {
      this.queue.push(c);
      socket.pause();
      this.notify();
    });
    socket.on('end', () => {
      this.ended = true;
      this.notify();
    });
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
    socket.on('error', (e) => {
      this.error = e;
      this.ended = true;
      this.notify();
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Gives bytes back: they are returned first by the next `read`. */
  unread(chunk: Buffer): void {
    if (chunk.length > 0) this.queue.unshift(chunk);
  }

  /**
   * The next chunk, or `null` at the end of the stream. Rejects with `onIdle()`'s error when no byte
   * comes for `idleMs` (0: wait as long as it takes), and with `signal`'s reason when it aborts.
   */
  async read(idleMs: number, onIdle: () => Error, signal?: AbortSignal): Promise<Buffer | null> {
    for (;;) {
      const c = this.queue.shift();
      if (c) return c;
      if (this.ended) return null;
      if (signal?.aborted) throw signal.reason;
      this.socket.resume();
      await new Promise<void>((resolve, reject) => {
        const timer = idleMs > 0 ? setTimeout(() => {
          this.wake = undefined;
          reject(onIdle());
        }, idleMs) : undefined;
        const onAbort = () => {
          clearTimeout(timer);
          this.wake = undefined;
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.wake = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
      });
    }
  }

  /** Writes to the master (REPLCONF ACK). */
  write(chunk: Buffer): void {
    this.socket.write(chunk);
  }

  /** The socket error that ended the stream, if any. */
  get failure(): Error | undefined {
    return this.error;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** How the master announced its payload. */
export type SyncPayload = { kind: 'length'; bytes: bigint } | { kind: 'eof-mark'; mark: Buffer };

export interface SyncStart {
  source: ByteSource;
  payload: SyncPayload;
}

/**
 * Sends SYNC on the session's connection (which it takes over) and reads the `$…` line, skipping the
 * newlines a master sends while it prepares the RDB. Mirrors sendSync (redis-cli 7.0.15): a `-ERR`
 * line is "SYNC with master failed: …", a closed connection "Error reading bulk length while SYNCing".
 */
export async function startSync(ctx: SyncContext, idleMs: number, command: Buffer = Buffer.from('SYNC\r\n')): Promise<SyncStart> {
  const socket = ctx.session.detach();
  const source = new ByteSource(socket);
  try {
    source.write(command);
    return await readSyncHeader(ctx, source, idleMs);
  } catch (err) {
    source.destroy();
    throw err;
  }
}

async function readSyncHeader(ctx: SyncContext, source: ByteSource, idleMs: number): Promise<SyncStart> {
  const idle = () => new ModeError(`Error reading bulk length while SYNCing: no byte from the master for ${idleMs / 1000} s`, 'the master sends a newline every second while it prepares the RDB; -t SECONDS sets how long to wait');
  let line = Buffer.alloc(0);
  for (;;) {
    const chunk = await source.read(idleMs, idle, ctx.signal);
    if (chunk === null) {
      throw new ModeError('Error reading bulk length while SYNCing', describeEnd(source.failure));
    }
    let start = 0;
    // Newlines before the first byte of the line are keep-alives.
    if (line.length === 0) while (start < chunk.length && chunk[start] === 0x0a) start++;
    const nl = chunk.indexOf(0x0a, start);
    if (nl === -1) {
      line = Buffer.concat([line, chunk.subarray(start)]);
      continue;
    }
    line = Buffer.concat([line, chunk.subarray(start, nl)]);
    source.unread(chunk.subarray(nl + 1));
    break;
  }
  // The line without its \r (redis-cli prints the \r of an error line; we do not).
  const text = line.toString('latin1').replace(/\r$/, '');
  // A typed PSYNC is answered `+FULLRESYNC <replid> <offset>` before the payload line.
  if (text.startsWith('+FULLRESYNC')) return readSyncHeader(ctx, source, idleMs);
  if (text.startsWith('-')) {
    throw new ModeError(`SYNC with master failed: ${text}`, syncRefusedHint(text));
  }
  if (text.startsWith('$EOF:') && text.length - 5 >= EOF_MARK_SIZE) {
    return { source, payload: { kind: 'eof-mark', mark: Buffer.from(text.slice(5, 5 + EOF_MARK_SIZE), 'latin1') } };
  }
  // strtoull(buf+1): leading digits, 0 when none.
  const digits = /^\s*\+?(\d+)/.exec(text.slice(1))?.[1];
  return { source, payload: { kind: 'length', bytes: BigInt(digits ?? '0') } };
}

function describeEnd(err: Error | undefined): string {
  return err ? `the connection failed: ${err.message}` : 'the server closed the connection before the RDB (is the client allowed to replicate? see the server log)';
}

/** What to do about a refused SYNC, by the error the server gave. */
export function syncRefusedHint(line: string): string | undefined {
  if (/^-NOPERM/.test(line)) return "this ACL user may not run SYNC/REPLCONF; give it '+sync +replconf' (or +@admin), or use another --user";
  if (/^-NOMASTERLINK/.test(line)) return 'this server is a replica whose master link is down; ask its master instead';
  if (/^-NOAUTH/.test(line)) return 'the server wants a password: -a PASSWORD (or --user USER --pass PASSWORD)';
  if (/^-MASTERDOWN|^-LOADING/.test(line)) return 'the server is not ready; try again in a moment';
  return undefined;
}

/**
 * Splits a diskless payload from its EOF mark. The last 39 bytes seen are held back until the next
 * chunk shows they are not the start of the mark, so the mark itself is never written (redis-cli
 * writes it and truncates the file afterwards, and leaves it in `--rdb -` output). Unlike redis-cli,
 * which compares the last 40 bytes of each read only, the mark is found anywhere in a chunk, so bytes
 * the master sends right after it are not taken for payload.
 */
export class EofMarkSplitter {
  private readonly mark: Buffer;
  private held: Buffer = Buffer.alloc(0);
  /** Set once the mark was seen: the bytes that came after it. */
  rest: Buffer | undefined;

  constructor(mark: Buffer) {
    this.mark = mark;
  }

  /** Feeds a chunk; returns the payload bytes it completes (possibly none). */
  push(chunk: Buffer): Buffer[] {
    const keep = EOF_MARK_SIZE - 1;
    const held = this.held;
    if (held.length > 0) {
      // The mark may straddle the held bytes and this chunk.
      const joint = Buffer.concat([held, chunk.subarray(0, keep)]);
      const at = joint.indexOf(this.mark);
      if (at !== -1) {
        this.rest = chunk.subarray(at + EOF_MARK_SIZE - held.length);
        return [held.subarray(0, at)];
      }
    }
    const at = chunk.indexOf(this.mark);
    if (at !== -1) {
      this.rest = chunk.subarray(at + EOF_MARK_SIZE);
      return [held, chunk.subarray(0, at)];
    }
    if (chunk.length >= keep) {
      this.held = Buffer.from(chunk.subarray(chunk.length - keep));
      return [held, chunk.subarray(0, chunk.length - keep)];
    }
    const all = Buffer.concat([held, chunk]);
    const cut = Math.max(0, all.length - keep);
    this.held = all.subarray(cut);
    return [all.subarray(0, cut)];
  }
}

/**
 * Reads the RDB payload announced by `startSync` and hands it to `sink` chunk by chunk; returns the
 * payload size; bytes that followed it stay in `start.source`. `idleMs` bounds the silence between chunks.
 */
export async function readPayload(ctx: SyncContext, start: SyncStart, idleMs: number, sink: (chunk: Buffer) => Promise<void> | void, errorText: string): Promise<bigint> {
  const { source, payload } = start;
  const idle = () => new ModeError(`${errorText}: no byte from the master for ${idleMs / 1000} s`, '-t SECONDS sets how long to wait');
  let bytes = 0n;
  const give = async (parts: Buffer[]) => {
    for (const p of parts) {
      if (p.length === 0) continue;
      bytes += BigInt(p.length);
      await sink(p);
    }
  };
  const splitter = payload.kind === 'eof-mark' ? new EofMarkSplitter(payload.mark) : undefined;
  let left = payload.kind === 'length' ? payload.bytes : 0n;
  while (splitter ? splitter.rest === undefined : left > 0n) {
    const chunk = await source.read(idleMs, idle, ctx.signal);
    if (chunk === null) throw new ModeError(errorText, describeEnd(source.failure));
    if (splitter) {
      await give(splitter.push(chunk));
    } else if (BigInt(chunk.length) <= left) {
      left -= BigInt(chunk.length);
      await give([chunk]);
    } else {
      const n = Number(left);
      left = 0n;
      source.unread(chunk.subarray(n));
      await give([chunk.subarray(0, n)]);
    }
  }
  if (splitter?.rest) source.unread(splitter.rest);
  return bytes;
}
