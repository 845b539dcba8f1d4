import type { Readable } from 'node:stream';

/** Reads all of a stream (for -x / -X), binary-safe, keeping a trailing newline as redis-cli does. */
export async function readAllStdin(input: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of input as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Reads one line from a non-terminal stdin (what linenoise does for --askpass when piped). */
async function readLine(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of input as AsyncIterable<Buffer>) {
    const nl = c.indexOf(0x0a);
    if (nl !== -1) {
      chunks.push(c.subarray(0, nl));
      input.unshift(c.subarray(nl + 1));
      break;
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
}

/**
 * Asks for a secret: a masked prompt on the terminal (written to stderr, never echoed, never
 * stored), or one line of stdin when it is not a terminal.
 */
export async function askSecret(message: string): Promise<string> {
  if (!process.stdin.isTTY) return readLine(process.stdin);
  const { default: enquirer } = await import('enquirer');
  const answer = (await enquirer.prompt({ type: 'password', name: 'secret', message: message.replace(/:\s*$/, ''), stdout: process.stderr } as never)) as { secret: string };
  return answer.secret;
}
