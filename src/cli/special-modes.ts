import type { Readable, Writable } from 'node:stream';
import type { ModeContext } from '../modes/context.js';
import type { Flags } from './args.js';

/** What a special mode may use of the process (handed in by main.ts, the only reader of process.*). */
export interface ModeIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  readFile: (path: string) => Buffer;
}

/** One way of running chosen by a flag; its code is loaded only when it runs. */
export interface SpecialMode {
  name: string;
  active: (f: Flags) => boolean;
  /** Ctrl-C ends the loop and the mode prints what it has (redis-cli's force_cancel_loop). */
  stopsOnSigint: boolean;
  /** Connects first (cliConnect(0): exit 1 on failure); false for modes that need no server. */
  connects?: boolean;
  run: (ctx: ModeContext, f: Flags, command: string[], io: ModeIo) => Promise<number>;
}

/** How long the replication modes wait for a silent master: -t, and never less than 10 s. */
const syncIdleMs = (ctx: ModeContext) => Math.max(10_000, ctx.session.config.timeoutMs);

/** In the order redis-cli 7.0.15's main() tries them: the first active one runs. */
export const SPECIAL_MODES: SpecialMode[] = [
  {
    name: 'latency',
    active: (f) => f.ops.latency,
    stopsOnSigint: true,
    run: async (ctx, f) => (await import('../modes/latency.js')).runLatency(ctx, f.ops.latencyHistory),
  },
  {
    name: 'latency-dist',
    active: (f) => f.ops.latencyDist,
    stopsOnSigint: true,
    run: async (ctx, f) => (await import('../modes/latency-dist.js')).runLatencyDist(ctx, f.ops.mono),
  },
  {
    name: 'replica',
    active: (f) => f.ops.replica,
    stopsOnSigint: true,
    run: async (ctx) => (await import('../modes/replica.js')).runReplica(ctx, { idleMs: syncIdleMs(ctx) }),
  },
  {
    name: 'rdb',
    active: (f) => f.ops.rdb || f.ops.functionsRdb,
    stopsOnSigint: true,
    run: async (ctx, f) => (await import('../modes/rdb.js')).runRdb(ctx, { file: f.ops.rdbFile!, functionsOnly: f.ops.functionsRdb, idleMs: syncIdleMs(ctx) }),
  },
  {
    name: 'pipe',
    active: (f) => f.modes.pipe,
    stopsOnSigint: false,
    run: async (ctx, f, _command, io) =>
      (await import('../modes/pipe.js')).runPipe(ctx, { input: io.stdin, stderr: io.stderr, timeoutSec: f.modes.pipeTimeoutSec, progress: io.stderr.isTTY === true }),
  },
  {
    name: 'bigkeys',
    active: (f) => f.modes.bigkeys,
    stopsOnSigint: true,
    run: async (ctx, f, _command, io) => (await import('../modes/bigkeys.js')).runBigKeys(ctx, { ...f.modes, memkeys: false, stderr: io.stderr }),
  },
  {
    name: 'memkeys',
    active: (f) => f.modes.memkeys,
    stopsOnSigint: true,
    run: async (ctx, f, _command, io) => (await import('../modes/bigkeys.js')).runBigKeys(ctx, { ...f.modes, memkeys: true, stderr: io.stderr }),
  },
  {
    name: 'keystats',
    active: (f) => f.modes.keystats,
    stopsOnSigint: true,
    run: async (ctx, f, _command, io) =>
      (await import('../modes/keystats.js')).runKeyStats(ctx, { ...f.modes, tty: io.stdout.isTTY === true || io.env.FAKETTY !== undefined, stderr: io.stderr }),
  },
  {
    name: 'hotkeys',
    active: (f) => f.modes.hotkeys,
    stopsOnSigint: true,
    run: async (ctx, f, _command, io) => (await import('../modes/hotkeys.js')).runHotKeys(ctx, { ...f.modes, stderr: io.stderr }),
  },
  {
    name: 'stat',
    active: (f) => f.ops.stat,
    stopsOnSigint: true,
    run: async (ctx) => (await import('../modes/stat.js')).runStat(ctx),
  },
  {
    name: 'scan',
    active: (f) => f.modes.scan,
    stopsOnSigint: true,
    run: async (ctx, f) => (await import('../modes/scan.js')).runScan(ctx, f.modes),
  },
  {
    name: 'intrinsic-latency',
    active: (f) => f.ops.intrinsicSec !== undefined,
    stopsOnSigint: true,
    connects: false,
    run: async (ctx, f) => (await import('../modes/intrinsic-latency.js')).runIntrinsicLatency(ctx, f.ops.intrinsicSec!),
  },
  {
    name: 'eval',
    active: (f) => f.modes.eval !== undefined,
    stopsOnSigint: false,
    run: async (ctx, f, command, io) =>
      (await import('../modes/eval.js')).runEval(ctx, {
        file: f.modes.eval!,
        words: command,
        ldb: f.modes.ldb,
        ldbSync: f.modes.ldbSync,
        repeat: f.repeat,
        readFile: io.readFile,
        input: io.stdin,
        promptTo: io.stdout,
        color: (io.env.TERM ?? '').includes('xterm'),
      }),
  },
];
