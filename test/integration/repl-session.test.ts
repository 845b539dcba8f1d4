// The REPL against servers of its own (so that the shared lab is not flushed, killed or blocked):
// reconnect after the server is killed and restarted, Ctrl-C on streaming and blocking commands,
// confirmation of dangerous commands, the TLS badge and :tls, key completion, `connect`.
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startRedis, type RedisHandle } from '../../scripts/lib/tls-lab.mjs';
import { PtySession } from '../helpers/pty.js';
import { lab } from '../setup/env.js';

const PROMPT = /^(?:\d+\.\d+\.\d+\.\d+:\d+(?:\[\d+\])?(?:\(TX\))?(?: \[TLS\])?|not connected)> /;
const prompts = (screen: string) => screen.split('\n').filter((l) => PROMPT.test(l)).length;

let dir: string;
let server: RedisHandle;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tredis-repl-'));
  const c = lab().certs;
  server = await startRedis({ dir, name: 'repl', plain: true, tls: { cert: c.serverCert, key: c.serverKey, ca: c.ca } });
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const open: PtySession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function tredis(args: string[], env: Record<string, string | undefined> = {}): PtySession {
  const s = PtySession.tredis(args, { env, rows: 60 });
  open.push(s);
  return s;
}

/** Sends one command on a raw socket and resolves with the first reply line. */
function send(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const nl = buf.indexOf('\r\n');
      if (nl !== -1) {
        sock.destroy();
        resolve(buf.slice(0, nl));
      }
    });
    sock.on('error', reject);
    sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

/** Waits for the n-th prompt (scrollback included). */
const nthPrompt = (s: PtySession, n: number) => s.waitForScreen((sc) => prompts(sc) >= n, 10_000, { scrollback: true });

describe('REPL sessions', () => {
  it('shows `not connected>` when the server dies and restores db, AUTH and RESP3 when it is back', async () => {
    const [port] = await freePorts(1);
    const serverArgs = ['--port', String(port), '--requirepass', 'pw'];
    const start = () => startRedis({ dir, name: 'reconnect', unixSocket: true, extraArgs: serverArgs });
    let s = await start();
    try {
      const t = tredis(['-p', String(port!), '-a', 'pw', '--no-auth-warning', '-3']);
      await nthPrompt(t, 1);
      t.type('select 3\r');
      await t.waitForCursorLine(`127.0.0.1:${port}[3]>`);
      await s.stop();
      await t.waitForCursorLine('not connected>'); // drawn again as soon as the connection drops
      t.type('ping\r');
      await t.waitForScreen(`Could not connect to Redis at 127.0.0.1:${port}: Connection refused\nnot connected> `);
      s = await start();
      t.type('client info\r');
      await t.waitForCursorLine(`127.0.0.1:${port}[3]>`);
      const screen = t.screen();
      expect(screen).toMatch(/ db=3 /);
      expect(screen).toMatch(/ resp=3/);
      expect(screen).not.toMatch(/NOAUTH/);
    } finally {
      await s.stop();
    }
  });

  it('streams SUBSCRIBE until Ctrl-C, then is back at the prompt on a fresh connection', async () => {
    const t = tredis(['-p', String(server.port)]);
    await nthPrompt(t, 1);
    t.type('subscribe tredis-ch\r');
    await t.waitForScreen('Reading messages... (press Ctrl-C to quit)\n1) "subscribe"\n2) "tredis-ch"\n3) (integer) 1');
    expect(await send(server.port!, 'PUBLISH', 'tredis-ch', 'hello')).toBe(':1');
    await t.waitForScreen('1) "message"\n2) "tredis-ch"\n3) "hello"');
    t.press('C-c');
    await nthPrompt(t, 2);
    t.type('ping\r');
    await t.waitForScreen(/> ping\nPONG\n/);
    expect(await send(server.port!, 'PUBLISH', 'tredis-ch', 'gone')).toBe(':0');
  });

  it('stops a blocking command and MONITOR with Ctrl-C', async () => {
    const t = tredis(['-p', String(server.port)]);
    await nthPrompt(t, 1);
    t.type('blpop tredis:never 0\r');
    await t.waitForCursorLine(''); // waiting, no prompt
    t.press('C-c');
    await nthPrompt(t, 2);
    t.type('monitor\r');
    await t.waitForScreen(/> monitor\nOK$/m);
    await send(server.port!, 'ECHO', 'seen-by-monitor');
    await t.waitForScreen(/"ECHO" "seen-by-monitor"/);
    t.press('C-c');
    await nthPrompt(t, 3);
    t.type('echo after\r');
    await t.waitForScreen(/"after"\n/);
  });

  it('asks before FLUSHALL; only yes sends it; --no-confirm and :set noconfirm turn it off', async () => {
    await send(server.port!, 'SET', 'tredis:keep', '1');
    const t = tredis(['-p', String(server.port)]);
    await nthPrompt(t, 1);
    t.type('flushall\r');
    await t.waitForCursorLine(`FLUSHALL deletes every key of every database on 127.0.0.1:${server.port}. Run it? [y/N]`);
    t.type('n\r');
    await t.waitForScreen(/Not sent\.\n/);
    t.type('exists tredis:keep\r');
    await t.waitForScreen('(integer) 1');
    t.type('flushall\r');
    await t.waitForCursorLine(/Run it\? \[y\/N\]$/);
    t.type('y\r');
    await t.waitForScreen(/\[y\/N\] y\nOK\n/);
    expect(await send(server.port!, 'EXISTS', 'tredis:keep')).toBe(':0');
    t.type(':set noconfirm\r');
    t.type('flushdb\r');
    await t.waitForScreen(/> flushdb\nOK\n/);

    const n = tredis(['--no-confirm', '-p', String(server.port)]);
    await nthPrompt(n, 1);
    n.type('flushall\r');
    await n.waitForScreen(/> flushall\nOK\n/);
  });

  it('shows the TLS badge on a TLS connection (:set notlsprompt removes it) and answers :tls', async () => {
    const t = tredis(['--tls', '--cacert', lab().certs.ca, '-p', String(server.tlsPort)]);
    await t.waitForCursorLine(`127.0.0.1:${server.tlsPort} [TLS]>`);
    t.type('select 1\r');
    await t.waitForCursorLine(`127.0.0.1:${server.tlsPort}[1] [TLS]>`);
    t.type(':set notlsprompt\r');
    await t.waitForCursorLine(`127.0.0.1:${server.tlsPort}[1]>`);
    t.type(':tls\r');
    await t.waitForScreen(/TLSv1\.3|:tls: not available/, 10_000, { scrollback: true });
    // the weak-settings probes ran for :tls: the lab server takes CBC ciphers (OpenSSL's default), the fix is shown
    await t.waitForScreen(/non-AEAD[\s\S]*tls-ciphers/, 10_000, { scrollback: true });
    // connect elsewhere: TLS settings carry over; plaintext needs no --tls
    t.type(`:set tlsprompt\rconnect 127.0.0.1 ${server.tlsPort}\r`);
    await t.waitForScreen(new RegExp(`> connect 127\\.0\\.0\\.1 ${server.tlsPort}\\n127\\.0\\.0\\.1:${server.tlsPort}\\[1\\] \\[TLS\\]> $`), 10_000, { scrollback: true });
    const p = tredis(['-p', String(server.port)]);
    await p.waitForCursorLine(`127.0.0.1:${server.port}>`);
    p.type(`connect 127.0.0.1 ${server.tlsPort} --tls --cacert ${lab().certs.ca}\r`);
    await p.waitForCursorLine(`127.0.0.1:${server.tlsPort} [TLS]>`);
  });

  it('completes key names from a bounded SCAN and seen keys; :set keycomplete off stops it', async () => {
    for (const k of ['tredis:user:1', 'tredis:user:2', 'tredis:other']) await send(server.port!, 'SET', k, 'v');
    const t = tredis(['-p', String(server.port)]);
    await nthPrompt(t, 1);
    t.type('get tredis:us');
    await t.waitForCursorLine(/> get tredis:us/);
    t.press('Tab');
    await t.waitForCursorLine(/> get tredis:user:1$/);
    t.press('Tab');
    await t.waitForCursorLine(/> get tredis:user:2$/);
    t.press('Tab'); // back to what was typed
    await t.waitForCursorLine(/> get tredis:us/);
    t.press('C-u');
    t.type('set "tredis:new key" 1\r');
    await t.waitForScreen(/> set "tredis:new key" 1\nOK\n/);
    t.type('del tredis:new');
    t.press('Tab');
    await t.waitForCursorLine(/> del "tredis:new key" \[key \.\.\.\]$/); // with the hint of DEL
    t.press('C-u');
    t.type(':set keycomplete off\r');
    t.type('get tredis:us');
    await t.waitForCursorLine(/> get tredis:us/);
    t.press('Tab');
    t.type('X');
    await t.waitForCursorLine(/> get tredis:usX/);
  });
});
