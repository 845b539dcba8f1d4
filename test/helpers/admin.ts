// One plain connection to a test server for setting up data and reading state, with replies as
// text (bulk strings as latin1, arrays joined by '\n', errors thrown). Cheaper than spawning
// redis-cli per command when a test sends hundreds.
import net from 'node:net';
import { RespDecoder } from '../../src/resp/decoder.js';
import { encodeCommand } from '../../src/resp/encoder.js';
import type { RespValue } from '../../src/resp/value.js';

function text(v: RespValue): string {
  switch (v.kind) {
    case 'bulk':
    case 'simple':
    case 'verbatim':
      return v.value.toString('latin1');
    case 'error':
      throw new Error(v.value.toString('latin1'));
    case 'integer':
      return String(v.value);
    case 'array':
    case 'set':
    case 'push':
      return v.items.map(text).join('\n');
    case 'null':
      return '';
    default:
      return JSON.stringify(v);
  }
}

export interface Admin {
  /** Sends one command; resolves with its reply as text. */
  cmd(...args: Array<string | Buffer>): Promise<string>;
  /** Sends many commands at once (pipelined); resolves with their replies. */
  pipeline(commands: Array<Array<string | Buffer>>): Promise<string[]>;
  close(): void;
}

export async function connectAdmin(port: number, host = '127.0.0.1'): Promise<Admin> {
  const sock = net.connect(port, host);
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  const decoder = new RespDecoder();
  const waiting: Array<{ resolve: (v: RespValue) => void; reject: (e: Error) => void }> = [];
  sock.on('data', (c: Buffer) => {
    decoder.feed(c);
    let v: RespValue | undefined;
    while ((v = decoder.next()) !== undefined) waiting.shift()?.resolve(v);
  });
  sock.on('close', () => {
    for (const w of waiting.splice(0)) w.reject(new Error('admin connection closed'));
  });
  const send = (args: Array<string | Buffer>) => new Promise<RespValue>((resolve, reject) => {
    waiting.push({ resolve, reject });
    for (const c of encodeCommand(args)) sock.write(c);
  });
  return {
    cmd: async (...args) => text(await send(args)),
    pipeline: async (commands) => (await Promise.all(commands.map(send))).map(text),
    close: () => sock.destroy(),
  };
}
