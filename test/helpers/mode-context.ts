// A ModeContext on a real Session to the lab's plaintext server, with stdout and stderr collected,
// for the tests of the execute step, piped stdin and push ordering (no mocks: every command goes
// to redis-server).
import { Session, type SessionHooks } from '../../src/client/session.js';
import type { FormatOptions, OutputMode } from '../../src/format/options.js';
import type { ModeContext } from '../../src/modes/context.js';
import { formatPush } from '../../src/format/reply.js';
import { lab } from '../setup/env.js';

export interface TestContext extends ModeContext {
  /** What was written to "stdout", as latin1 text. */
  stdout(): string;
  /** Lines written to "stderr". */
  stderr: string[];
}

export function labSession(resp3 = false, hooks: SessionHooks = {}): Session {
  return new Session({ host: '127.0.0.1', port: lab().servers.main.port!, timeoutMs: 5_000 }, { db: 0, switchToResp3: resp3 }, hooks);
}

/** A context as cli/main.ts makes one: pushes printed when `showPushes`, connect() on the same session. */
export function testContext(opts: { mode?: OutputMode; resp3?: boolean; interactive?: boolean; failOnErrorReply?: boolean; showPushes?: boolean } = {}): TestContext {
  const chunks: Buffer[] = [];
  const format: FormatOptions = { mode: opts.mode ?? 'raw', mbDelim: '\n', cmdDelim: '\n' };
  const stderr: string[] = [];
  const ctx: TestContext = {
    // pushes reach whatever handler the mode has put in ctx.onPush at the time, as in cli/main.ts
    session: labSession(opts.resp3 ?? false, { onPush: (v) => ctx.onPush(v) }),
    format,
    showPushes: opts.showPushes ?? false,
    out: {
      write: (c) => void chunks.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c)),
      flush: async () => undefined,
    },
    err: (line) => void stderr.push(line),
    interactive: opts.interactive ?? false,
    cluster: false,
    failOnErrorReply: opts.failOnErrorReply ?? false,
    intervalMs: 0,
    state: { db: 0, inMulti: false, preMultiDb: 0 },
    connect: async () => {
      await ctx.session.connect();
      return true;
    },
    moveTo: async () => {
      throw new Error('not used here');
    },
    onPush: (v) => {
      if (ctx.showPushes) ctx.out.write(formatPush(v, ctx.format));
    },
    stdout: () => Buffer.concat(chunks).toString('latin1'),
    stderr,
  };
  return ctx;
}

/** A key name of this test run. */
export const key = (name: string) => `shape-test:${process.pid}:${name}`;
