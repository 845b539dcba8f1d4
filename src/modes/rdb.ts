/**
 * --rdb FILE and --functions-rdb FILE: fetch a snapshot through the replication protocol. Mirrors
 * getRDB and the --rdb branch of main() (redis-cli 7.0.15): `REPLCONF capa eof`, `REPLCONF rdb-only 1`,
 * for functions only `REPLCONF rdb-filter-only functions` (the server then leaves the keys out), SYNC,
 * and the payload written out with redis-cli's messages on stderr.
 *
 * Unlike redis-cli, a new or plain file is written under a temporary name next to it (next to what a
 * symbolic link points at) and renamed over it only once the whole payload is in and synced: an
 * interrupted or failed transfer leaves no partial RDB that looks complete, and an older, longer
 * file is never left with a stale tail. The file keeps its permission bits (and, as root, its
 * owner). What a rename would break is written in place, as redis-cli does: a FIFO or a device
 * (`/dev/null`), a file with other hard links, a file owned by another user, a file in a directory
 * where no new file can be made; a failed transfer then truncates a plain file to nothing.
 */
import { access, constants, open, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { strerror } from '../connection/errno.js';
import { ModeError, TredisError } from '../errors.js';
import type { ModeContext } from './context.js';
import { readPayload, sendReplconf, startSync, type SyncContext } from './sync.js';

export interface RdbOptions {
  /** Target path; `-` writes the payload to stdout. */
  file: string;
  functionsOnly: boolean;
  /** Longest silence of the master before giving up (ms). */
  idleMs: number;
  /**
   * SYNC alone, without the REPLCONF lines: what getRDB does for each primary in --cluster backup
   * (redis-cli 7.0.15 sends no REPLCONF there, so the master announces a length, not an EOF mark).
   */
  plainSync?: boolean;
}

/** Where the payload goes: a temporary file renamed at the end, the file itself, or stdout. */
interface Target {
  write(chunk: Buffer): Promise<void>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

function fileError(prefix: string, file: string, err: unknown): TredisError {
  const e = err as NodeJS.ErrnoException;
  const hint = e.code === 'EACCES' || e.code === 'EPERM' ? 'choose a path in a directory you may write to' : e.code === 'ENOENT' ? 'the directory does not exist; create it first' : undefined;
  return new TredisError(`${prefix} '${file}': ${strerror(e)}`, { code: e.code ?? 'EIO', exitCode: 1, hint, cause: err });
}

async function openFileTarget(file: string): Promise<Target> {
  // stat follows a symbolic link: what matters is the file written to.
  const st = await stat(file).catch(() => undefined);
  // open(2) with O_WRONLY on a directory fails with EISDIR in redis-cli; rename would fail later.
  if (st?.isDirectory()) throw fileError('Error opening', file, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
  // a file redis-cli could not open for writing is refused the same way (rename would not care)
  if (st !== undefined) await access(file, constants.W_OK).catch((err: unknown) => Promise.reject(fileError('Error opening', file, err)));
  const uid = process.getuid?.();
  if (st !== undefined && (!st.isFile() || st.nlink > 1 || (uid !== 0 && uid !== undefined && st.uid !== uid))) return openInPlace(file, st.isFile());
  const real = st === undefined ? file : await realpath(file);
  const tmp = join(dirname(real), `.${basename(real)}.${randomBytes(4).toString('hex')}.part`);
  let fh: FileHandle;
  try {
    // a new file gets what fopen gives (0666 less the umask), an existing one its own bits
    fh = await open(tmp, 'wx', st === undefined ? 0o666 : st.mode & 0o7777);
    if (st !== undefined) {
      await fh.chmod(st.mode & 0o7777);
      if (uid === 0 && (st.uid !== 0 || st.gid !== 0)) await fh.chown(st.uid, st.gid);
    }
  } catch (err) {
    // no new file can be made there (a read-only directory), but the file itself may be writable
    if (st !== undefined) {
      await unlink(tmp).catch(() => undefined);
      return openInPlace(file, true);
    }
    throw fileError('Error opening', file, err);
  }
  const close = closer(fh);
  return {
    write: (chunk) => writeAll(fh, chunk),
    async commit() {
      await syncAndClose(fh, close, file, true);
      try {
        await rename(tmp, real);
      } catch (err) {
        throw fileError('Error renaming the transfer to', file, err);
      }
    },
    async discard() {
      await close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    },
  };
}

/** Writes into FILE itself (fopen "wb", as redis-cli): for what a rename would replace or cannot reach. */
async function openInPlace(file: string, plain: boolean): Promise<Target> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'w');
  } catch (err) {
    throw fileError('Error opening', file, err);
  }
  const close = closer(fh);
  return {
    write: (chunk) => writeAll(fh, chunk),
    // fsync of a FIFO or a device fails (EINVAL) and means nothing there
    commit: () => syncAndClose(fh, close, file, plain),
    async discard() {
      // a partial RDB must not look complete: what was written is taken back
      if (plain) await fh.truncate(0).catch(() => undefined);
      await close().catch(() => undefined);
    },
  };
}

/** Closes `fh` once, however often called. */
function closer(fh: FileHandle): () => Promise<void> {
  let closed = false;
  return async () => {
    if (!closed) {
      closed = true;
      await fh.close();
    }
  };
}

async function syncAndClose(fh: FileHandle, close: () => Promise<void>, file: string, sync: boolean): Promise<void> {
  try {
    if (sync) await fh.sync();
  } catch (err) {
    throw fileError('Fail to fsync', file, err);
  }
  await close();
}

async function writeAll(fh: FileHandle, chunk: Buffer): Promise<void> {
  try {
    for (let off = 0; off < chunk.length; ) {
      const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
      off += bytesWritten;
    }
  } catch (err) {
    throw new TredisError(`Error writing data to file: ${strerror(err)}`, { code: (err as NodeJS.ErrnoException).code ?? 'EIO', exitCode: 1, cause: err });
  }
}

function stdoutTarget(ctx: Pick<ModeContext, 'out'>): Target {
  return {
    async write(chunk) {
      ctx.out.write(chunk);
      await ctx.out.flush();
    },
    commit: () => ctx.out.flush(),
    discard: async () => undefined,
  };
}

/** Runs --rdb / --functions-rdb on a connected session. Returns the exit code; throws on failure. */
export async function runRdb(ctx: SyncContext & Pick<ModeContext, 'out'>, opts: RdbOptions): Promise<number> {
  const toStdout = opts.file === '-';
  // Opened before SYNC, so that an unwritable path fails without making the server fork for nothing.
  const target = toStdout ? stdoutTarget(ctx) : await openFileTarget(opts.file);
  try {
    if (!opts.plainSync) {
      await sendReplconf(ctx, 'capa', 'eof');
      await sendReplconf(ctx, 'rdb-only', '1');
    }
    if (opts.functionsOnly && !(await sendReplconf(ctx, 'rdb-filter-only', 'functions'))) {
      throw new ModeError('Failed requesting functions only RDB from server, aborting', 'the server must be Redis 7.0 or later, and the user allowed to run REPLCONF');
    }
    const start = await startSync(ctx, opts.idleMs);
    const eof = start.payload.kind === 'eof-mark';
    if (start.payload.kind === 'eof-mark') {
      ctx.err(`SYNC sent to master, writing bytes of bulk transfer until EOF marker to '${opts.file}'`);
    } else {
      ctx.err(`SYNC sent to master, writing ${start.payload.bytes} bytes to '${opts.file}'`);
    }
    let bytes: bigint;
    try {
      bytes = await readPayload(ctx, start, opts.idleMs, (c) => target.write(c), 'I/O Error reading RDB payload from socket');
    } finally {
      start.source.destroy(); // close the connection at once: fsync may take time
    }
    await target.commit();
    ctx.err(eof ? `Transfer finished with success after ${bytes} bytes` : 'Transfer finished with success.');
    return 0;
  } catch (err) {
    await target.discard();
    if (ctx.signal?.aborted) {
      throw new TredisError(toStdout ? 'Transfer interrupted' : `Transfer interrupted: nothing written to '${opts.file}'`, { code: 'INTERRUPTED', exitCode: 130 });
    }
    throw err;
  }
}
