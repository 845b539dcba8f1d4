import { splitArgs } from './split-line.js';
import type { ModeContext } from './context.js';
import { runCommand } from './execute.js';

export interface OneShotInput {
  /** The command words from argv, verbatim. */
  words: string[];
  quotedInput: boolean;
  /** -x: all of stdin becomes the last argument. */
  stdinLastArg: boolean;
  /** -X TAG: all of stdin replaces the argument equal to TAG. */
  stdinTag?: string | undefined;
  repeat: number;
  readStdin: () => Promise<Buffer>;
}

/**
 * A command given on the command line (redis-cli's noninteractive()). Returns the exit code. The
 * connection was already made (a failure there exits 1 before this runs).
 */
export async function runOneShot(ctx: ModeContext, input: OneShotInput): Promise<number> {
  let args: Buffer[] = [];
  for (const w of input.words) {
    const b = Buffer.from(w, 'utf8');
    if (input.quotedInput) {
      const parts = splitArgs(b);
      if (!parts || parts.length !== 1) {
        ctx.out.write('Invalid quoted string\n'); // printf in redis-cli: stdout
        return 1;
      }
      args.push(parts[0]!);
    } else {
      args.push(b);
    }
  }
  if (input.stdinLastArg) {
    args.push(await input.readStdin());
  } else if (input.stdinTag !== undefined) {
    const tag = input.stdinTag;
    const i = args.findIndex((a) => a.toString('utf8') === tag);
    if (i === -1) {
      ctx.err('Using -X option but stdin tag not match.');
      return 1;
    }
    args = [...args.slice(0, i), await input.readStdin(), ...args.slice(i + 1)];
  }
  const outcome = await runCommand(ctx, args, input.repeat);
  return outcome === 'ok' ? 0 : 1;
}
