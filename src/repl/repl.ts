import type { ModeContext } from '../modes/context.js';
import { runStdin } from '../modes/stdin.js';
import type { Flags } from '../cli/args.js';
import type { RunConfig } from '../cli/config.js';

/** Placeholder until the interactive REPL lands: reads lines from the terminal without editing. */
export async function runRepl(ctx: ModeContext, _opts: { flags: Flags; config: RunConfig }): Promise<number> {
  await ctx.connect();
  return runStdin(ctx, process.stdin);
}
