import type { Readable } from 'node:stream';

/** Reads all of a stream (for -x / -X), binary-safe, keeping a trailing newline as redis-cli does. */
export async function readAllStdin(input: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of input as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * Reads one line from a non-terminal stdin (what linenoise does for --askpass when piped) and leaves
 * the rest unread for the piped commands that follow. Uses read() rather than an async iterator:
 * leaving a `for await` early destroys the stream.
 */
function readLine(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    const finish = (rest?: Buffer) => {
      cleanup();
      if (rest && rest.length > 0) input.unshift(rest);
      resolve(Buffer.concat(chunks).toString('utf8').replace(/\r$/, ''));
    };
    const onReadable = () => {
      let c: Buffer | null;
      while ((c = input.read() as Buffer | null) !== null) {
        const nl = c.indexOf(0x0a);
        if (nl !== -1) {
          chunks.push(c.subarray(0, nl));
          finish(c.subarray(nl + 1));
          return;
        }
        chunks.push(c);
      }
    };
    const onEnd = () => finish();
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      input.off('readable', onReadable);
      input.off('end', onEnd);
      input.off('error', onError);
    };
    input.on('readable', onReadable);
    input.on('end', onEnd);
    input.on('error', onError);
  });
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
