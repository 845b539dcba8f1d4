// A tiny RESP server for replies a real server will not give on cue (a key that vanishes between
// SCAN and TYPE, a key whose type changes before STRLEN): `answer` maps each command to its reply.
import net from 'node:net';

export type Answer = (args: string[]) => string;

/** Parses RESP arrays of bulk strings (what clients send) and answers each with `answer`. */
export async function startFakeServer(answer: Answer): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const parsed = parseCommand(buf);
        if (!parsed) break;
        buf = buf.subarray(parsed.used);
        sock.write(answer(parsed.args));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function parseCommand(buf: Buffer): { args: string[]; used: number } | undefined {
  let pos = 0;
  const line = () => {
    const end = buf.indexOf('\r\n', pos);
    if (end === -1) return undefined;
    const l = buf.subarray(pos, end).toString('latin1');
    pos = end + 2;
    return l;
  };
  const head = line();
  if (head === undefined || !head.startsWith('*')) return undefined;
  const args: string[] = [];
  for (let i = 0; i < Number(head.slice(1)); i++) {
    const len = line();
    if (len === undefined) return undefined;
    const n = Number(len.slice(1));
    if (buf.length < pos + n + 2) return undefined;
    args.push(buf.subarray(pos, pos + n).toString('latin1'));
    pos += n + 2;
  }
  return { args, used: pos };
}

/** RESP for a reply: `+x`, `-ERR x`, `:1`, bulk strings and arrays of them. */
export const reply = {
  status: (s: string) => `+${s}\r\n`,
  error: (s: string) => `-${s}\r\n`,
  int: (n: number) => `:${n}\r\n`,
  nil: () => '$-1\r\n',
  bulk: (s: string) => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`,
  array: (items: string[]) => `*${items.length}\r\n${items.join('')}`,
};
