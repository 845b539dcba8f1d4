// A redis-server of a test file's own (plaintext + TLS, the lab's certificates) for the key-space,
// pipe and eval modes: they read or change the whole of a database, so they do not share the lab's.
// Also: how to run redis-cli and tredis-cli on it with the same flags, and RESP writing for setup.
import { rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { startRedis } from '../../scripts/lib/tls-lab.mjs';
import { lab } from '../setup/env.js';

export interface ModeServer {
  port: number;
  tlsPort: number;
  /** Flags that reach it: plaintext, or TLS with the lab's CA. */
  flags: (tls: boolean) => string[];
  /** Sends commands (RESP) on a fresh plaintext connection and resolves with the raw reply bytes. */
  call: (cmds: Array<Array<string | Buffer>>) => Promise<Buffer>;
  stop: () => Promise<void>;
}

/** RESP encoding of one command. */
export function resp(args: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

export async function startModeServer(name: string, extraArgs: string[] = []): Promise<ModeServer> {
  const { certs } = lab();
  const h = await startRedis({
    name,
    dir: os.tmpdir(),
    plain: true,
    tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, authClients: 'no' },
    extraArgs,
  });
  const port = h.port!;
  const tlsPort = h.tlsPort!;
  // Commands then `PING <token>`: everything is answered once the token comes back.
  const call = (cmds: Array<Array<string | Buffer>>) =>
    new Promise<Buffer>((resolve, reject) => {
      const token = `done-${process.pid}-${Date.now()}`;
      const end = Buffer.from(`$${token.length}\r\n${token}\r\n`);
      const sock = net.connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      sock.on('data', (c: Buffer) => {
        chunks.push(c);
        const all = Buffer.concat(chunks);
        if (all.subarray(all.length - end.length).equals(end)) {
          sock.end();
          resolve(all.subarray(0, all.length - end.length));
        }
      });
      sock.on('error', reject);
      sock.write(Buffer.concat([...cmds.map(resp), resp(['PING', token])]));
    });
  return {
    port,
    tlsPort,
    flags: (tls) => (tls ? ['--tls', '--cacert', certs.ca, '-p', String(tlsPort)] : ['-p', String(port)]),
    call,
    stop: async () => {
      await h.stop();
      await rm(h.dir, { recursive: true, force: true }); // its log and data, under the system temp dir
    },
  };
}
