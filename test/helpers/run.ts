// Spawns a program (redis-cli, bin/tredis-cli) with argv, environment and stdin bytes, and collects
// what it printed and how it ended. Used by the black-box and differential integration tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Absolute path of the tredis-cli shim (runs dist/main.cjs: `npm run build` first). */
export const TREDIS_CLI = fileURLToPath(new URL('../../bin/tredis-cli', import.meta.url));

export interface RunOptions {
  /** Extra environment; a value of `undefined` removes the variable. Merged over `process.env`. */
  env?: Record<string, string | undefined>;
  /**
   * Bytes written to stdin, which is then closed. Absent: stdin is /dev/null (not a terminal and
   * empty), so a program that reads it sees end of input at once.
   */
  stdin?: Buffer | string;
  /**
   * stderr goes into the same pipe as stdout (`2>&1`), so the result shows how the two interleave,
   * as on a terminal; `stderr` is then empty.
   */
  mergeStderr?: boolean;
  /** Killed (SIGKILL) after this many milliseconds; default 10 000. */
  timeoutMs?: number;
  cwd?: string;
}

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Killed because `timeoutMs` elapsed. */
  timedOut: boolean;
}

/** Runs `file` with `args` and resolves once it has exited and its output streams are closed. */
export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const hasStdin = opts.stdin !== undefined;
  return new Promise((resolve, reject) => {
    // `sh -c 'exec "$0" "$@" 2>&1' file args…`: the program itself, with fd 2 dup'ed onto fd 1.
    const [cmd, argv] = opts.mergeStderr ? ['/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', file, ...args]] : [file, [...args]];
    const child = spawn(cmd, argv, {
      env,
      cwd: opts.cwd,
      stdio: [hasStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 10_000);
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), code, signal, timedOut });
    });
    if (hasStdin) {
      // The child may exit before reading everything (quit, a usage error): ignore EPIPE.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(opts.stdin);
    }
  });
}
