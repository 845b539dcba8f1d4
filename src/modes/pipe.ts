import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { IoError, TredisError } from '../errors.js';
import { cString } from '../format/sink.js';
import type { RespValue } from '../resp/value.js';
import type { ModeContext } from './context.js';

export interface PipeOptions {
  /** RESP to send, read as a stream (never held whole). */
  input: Readable;
  /** Where error replies and the timeout message go (stderr). */
  stderr: Writable;
  /** --pipe-timeout: seconds without a reply after the end of input; 0 waits forever. */
  timeoutSec: number;
  /** A terminal on stderr: draw a live progress line there (redis-cli has none). */
  progress: boolean;
}

const ECHO_HEAD = Buffer.from('\r\n*2\r\n$4\r\nECHO\r\n$20\r\n');
const CRLF = Buffer.from('\r\n');
const NL = Buffer.from('\n');
const CLEAR_LINE = '\r\x1b[K';

/** 1.5 MiB, 230 KiB, 12 B. */
function human(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/**
 * --pipe: mass insertion. Mirrors pipeMode (redis-cli 7.0.15): stdin is forwarded as it is (no
 * parsing: the server judges it) while replies are read at the same time; writing waits for the
 * socket to drain, so memory stays flat whatever the input size. At the end of input an
 * `ECHO <20 random bytes>` is sent and its reply marks the last one. Error replies are printed on
 * stderr as they come; the summary `errors: N, replies: M` goes to stdout; the exit status is 1 when
 * errors > 0. A connection the server closes (what it does after a protocol error in the input)
 * ends the run with status 1 and no summary, as in redis-cli.
 */
export async function runPipe(ctx: ModeContext, o: PipeOptions): Promise<number> {
  const session = ctx.session;
  const magic = randomBytes(20);
  let errors = 0;
  let replies = 0;
  let errorsPrinted = 0;
  let eof = false;
  let sent = 0;
  let lastReadAt = Date.now();
  let finish: (how: 'done' | 'timeout') => void = () => undefined;
  const finished = new Promise<'done' | 'timeout'>((r) => (finish = r));
  const started = Date.now();
  let progressShown = false;
  const clearProgress = () => {
    if (progressShown) o.stderr.write(CLEAR_LINE);
    progressShown = false;
  };

  ctx.onPush = (v: RespValue) => {
    if (v.kind === 'push') return; // RESP3 pushes go to hiredis' push handler, not to the count
    lastReadAt = Date.now();
    if (v.kind === 'error') {
      clearProgress();
      o.stderr.write(Buffer.concat([cString(v.value), NL])); // fprintf("%s\n")
      errors++;
      errorsPrinted++;
    } else if (eof && v.kind === 'bulk' && v.value.length === 20 && v.value.equals(magic)) {
      ctx.out.write('Last reply received from server.\n');
      replies--;
      finish('done');
    }
    replies++;
  };

  const closed = session.whenClosed().then(() => 'closed' as const);
  const progress = o.progress
    ? setInterval(() => {
        const secs = Math.max(0.001, (Date.now() - started) / 1000);
        o.stderr.write(`${CLEAR_LINE}sent ${human(sent)}, replies: ${replies}, errors: ${errors}, ${human(sent / secs)}/s`);
        progressShown = true;
      }, 200)
    : undefined;
  progress?.unref();

  try {
    let cut = false;
    for await (const chunk of o.input as AsyncIterable<Buffer>) {
      if (!session.isConnected) {
        cut = true;
        break;
      }
      sent += chunk.length;
      if (!session.writeRaw(chunk) && (await Promise.race([session.drain().then(() => 'drained' as const), closed])) === 'closed') {
        cut = true;
        break;
      }
    }
    if (!cut) {
      // Reached even when the server has just closed (redis-cli reads EOF in the same write loop).
      eof = true;
      // Starts with CRLF so that an ECHO after a truncated command is still read as one (redis-cli).
      if (session.isConnected) session.writeRaw(Buffer.concat([ECHO_HEAD, magic, CRLF]));
      ctx.out.write('All data transferred. Waiting for the last reply...\n');
    }
    let timer: NodeJS.Timeout | undefined;
    if (o.timeoutSec > 0) {
      // time(NULL) - last_read_time > timeout, in whole seconds as redis-cli counts them
      timer = setInterval(() => {
        if (Math.floor(Date.now() / 1000) - Math.floor(lastReadAt / 1000) > o.timeoutSec) finish('timeout');
      }, 100);
    }
    const how = eof && session.isConnected ? await Promise.race([finished, closed]) : 'closed';
    clearInterval(timer);
    clearProgress();
    if (how === 'closed') {
      await ctx.out.flush();
      // redis-cli exits 1 here without a word unless the server said why in an error reply; say
      // what happened when it did not.
      if (errorsPrinted === 0) {
        const e = session.lastFailure ?? new IoError('Error: Server closed the connection', { code: 'EOF' });
        throw new IoError(e.message, {
          code: e instanceof TredisError ? e.code : 'EOF',
          hint: `the server closed the connection before the last reply (${replies} replies, ${sent} bytes sent): if the input is not valid RESP, the server drops the connection at the first bad byte`,
          cause: e,
        });
      }
      return 1;
    }
    if (how === 'timeout') {
      o.stderr.write(`No replies for ${o.timeoutSec} seconds: exiting.\n`);
      errors++;
    }
    ctx.out.write(`errors: ${errors}, replies: ${replies}\n`);
    return errors > 0 ? 1 : 0;
  } finally {
    clearInterval(progress);
    clearProgress();
  }
}
