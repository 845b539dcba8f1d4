import type { Readable, Writable } from 'node:stream';
import type { ModeContext } from '../modes/context.js';
import type { Flags } from './args.js';

/** What a special mode may use of the process (handed in by main.ts, the only reader of process.*). */
export interface ModeIo {
  stdin: Readable;
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
  run: (ctx: ModeContext, f: Flags, command: string[], io: ModeIo) => Promise<number>;
}

/** In the order redis-cli 7.0.15's main() tries them: the first active one runs. */
export const SPECIAL_MODES: SpecialMode[] = [
  {
    name: 'scan',
    active: (f) => f.modes.scan,
    stopsOnSigint: true,
    run: async (ctx, f) => (await import('../modes/scan.js')).runScan(ctx, f.modes),
  },
];
