import type { NodePool } from '../client/node-pool.js';
import type { Session } from '../client/session.js';
import type { Target } from '../connection/options.js';
import type { FormatOptions } from '../format/options.js';
import type { RespValue } from '../resp/value.js';

/** Where replies go (stdout). Writes are buffered; `flush` pushes them out. */
export interface OutputSink {
  write(chunk: Buffer | string): void;
  flush(): Promise<void>;
  /** The stream behind it is full: wait for `flush()` before writing much more. */
  readonly needsDrain?: boolean;
}

/** State redis-cli keeps for the prompt: db, MULTI, pub/sub (cliRefreshPrompt). */
export interface PromptState {
  db: number;
  inMulti: boolean;
  preMultiDb: number;
}

/** What every way of running (one-shot, stdin, REPL) shares. */
export interface ModeContext {
  session: Session;
  format: FormatOptions;
  /** Print RESP3 pushes as they arrive (redis-cli's push_output). */
  showPushes: boolean;
  out: OutputSink;
  /** One diagnostic line for stderr. */
  err: (line: string) => void;
  /** redis-cli's config.interactive: the REPL and piped stdin (no `-e`, redirect notices printed). */
  interactive: boolean;
  cluster: boolean;
  /** -c: one connection per cluster node, reused when a redirect goes back to a node. */
  nodes?: NodePool | undefined;
  failOnErrorReply: boolean;
  intervalMs: number;
  state: PromptState;
  /** (Re)connects, printing redis-cli's error on failure. */
  connect(): Promise<boolean>;
  /**
   * Goes to another server (`connect` lines, -c redirects): the TLS plan is made for the new target
   * (SNI, name verified, client identity), the session replaced, then connected; false (printed)
   * when that fails. `words`: options on top of the command line's (`connect HOST PORT --tls …`).
   */
  moveTo(target: Target, words?: string[]): Promise<boolean>;
  /** Runs `fn` with the terminal handed over (a passphrase question while the REPL edits a line). */
  lendTerminal?: (<T>(fn: () => Promise<T>) => Promise<T>) | undefined;
  /** Prints `help …` output (from the command table); absent where help is not loaded. */
  help?: ((args: Buffer[]) => void | Promise<void>) | undefined;
  /** Aborted by Ctrl-C while a blocking or streaming command runs. */
  signal?: AbortSignal | undefined;
  /**
   * Sees every reply runCommand prints (the REPL learns key names from them); a reply printed as it
   * decoded is seen as its outline (its kind, no elements).
   */
  onReply?: ((args: Buffer[], reply: RespValue) => void) | undefined;
  /**
   * A reply to `args` opening an aggregate of `count` elements is built whole instead of printed as
   * it decodes (the REPL keeps small KEYS and SCAN replies to learn key names from them).
   */
  keepsWhole?: ((args: ReadonlyArray<Buffer | string>, count: number) => boolean) | undefined;
  /** Receives pushes; modes swap it while streaming. */
  onPush: (v: RespValue) => void;
}
