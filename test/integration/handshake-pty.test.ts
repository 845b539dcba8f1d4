// What a person sees on a terminal: the --show-handshake table and its colours, and the key
// passphrase prompt (masked, asked once). bin/tredis-cli runs in a real pseudo-terminal
// (@lydell/node-pty) and the screen is read through @xterm/headless.
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { TREDIS_CLI } from '../helpers/run.js';
import { lab } from '../setup/env.js';

const COLS = 110;
const ROWS = 200;

interface Screen {
  /** Everything the program wrote, raw (with escape codes). */
  raw: string;
  /** The screen's lines, trimmed on the right. */
  lines(): string[];
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  write(s: string): void;
  exit: Promise<number>;
}

/** A person's terminal: colour settings of the test run itself (CI sets NO_COLOR and CI, which Node reads as "no colour") are not inherited. */
const NEUTRAL_COLOR_ENV = { NO_COLOR: undefined, FORCE_COLOR: undefined, NODE_DISABLE_COLORS: undefined, CI: undefined };

function spawnOnPty(args: string[], env: Record<string, string | undefined> = {}): Screen {
  const term = new xterm.Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  const fullEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...NEUTRAL_COLOR_ENV, TERM: 'xterm-256color', ...env })) if (v !== undefined) fullEnv[k] = v;
  const p = pty.spawn(process.execPath, [TREDIS_CLI, ...args], { cols: COLS, rows: ROWS, env: fullEnv, name: 'xterm-256color' });
  let pending = Promise.resolve();
  const screen: Screen = {
    raw: '',
    lines() {
      const b = term.buffer.active;
      const out: string[] = [];
      // A row the terminal wrapped continues the line before it: joined, so a long JSON line is
      // one line whatever the column its fields fall on (a row that wraps keeps its trailing spaces).
      for (let i = 0; i < b.length; i++) {
        const line = b.getLine(i);
        const text = line?.translateToString(b.getLine(i + 1)?.isWrapped !== true) ?? '';
        if (line?.isWrapped === true && out.length > 0) out[out.length - 1] += text;
        else out.push(text);
      }
      while (out.length > 0 && out[out.length - 1] === '') out.pop();
      return out;
    },
    async waitFor(re, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        await pending;
        if (re.test(screen.lines().join('\n'))) return;
        if (Date.now() > end) throw new Error(`timed out waiting for ${re}; screen:\n${screen.lines().join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    write: (s) => p.write(s),
    exit: new Promise((resolve) => p.onExit((e) => resolve(e.exitCode))),
  };
  p.onData((d) => {
    screen.raw += d;
    pending = pending.then(() => new Promise<void>((r) => term.write(d, r)));
  });
  return screen;
}

async function finished(s: Screen): Promise<number> {
  const code = await s.exit;
  await s.waitFor(/[^]/, 1000).catch(() => undefined); // let xterm process the last bytes
  return code;
}

const ca = () => ['--tls', '--cacert', lab().certs.ca];

describe('--show-handshake on a terminal', () => {
  it('is a table, in colour, fitting the terminal width, before the reply', async () => {
    const s = spawnOnPty([...ca(), '-p', String(lab().servers.expiring.tlsPort), '--show-handshake', 'PING'], { NO_COLOR: undefined, FORCE_COLOR: undefined });
    expect(await finished(s)).toBe(0);
    const lines = s.lines();
    const text = lines.join('\n');
    expect(lines[0]).toMatch(/^Warning: the server certificate "localhost \(expiring\)" expires in \d days/);
    expect(lines[1]).toMatch(/^┌─+┬─+┬─+┐$/);
    expect(text).toMatch(/│ Connection +│ target +│ 127\.0\.0\.1:\d+ +│/);
    expect(text).toMatch(/│ Server chain +│ 0 +│ localhost \(expiring\) {2}✓/);
    expect(text).toMatch(/│ +│ └1 +│ tredis test CA {2}✓ \(self-signed root, in the trust store\)/);
    expect(text).toMatch(/│ Verdict +│ warning +│ the server certificate "localhost \(expiring\)" expires in/);
    expect(lines.at(-1)).toBe('PONG');
    expect(lines.at(-2)).toMatch(/^└─+┴─+┴─+┘$/);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(COLS);
    // colour: green check marks, the expiry in yellow
    expect(s.raw).toContain('\x1b[32m✓\x1b[39m');
    expect(s.raw).toMatch(/\x1b\[33m! expires in \d days\x1b\[39m/);
  });

  it('NO_COLOR: still a table, no colour', async () => {
    const s = spawnOnPty([...ca(), '-p', String(lab().servers.main.tlsPort), '--show-handshake', 'PING'], { NO_COLOR: '1', FORCE_COLOR: undefined });
    expect(await finished(s)).toBe(0);
    expect(s.lines()[0]).toMatch(/^┌─+┬/);
    expect(s.raw).not.toMatch(/\x1b\[(3\d|1|2)m/);
  });
});

describe('encrypted key passphrase on a terminal', () => {
  const encArgs = () => [...ca(), '-p', String(lab().servers.mtls.tlsPort), '--cert', lab().certs.clientEncCert, '--key', lab().certs.clientEncKey];

  it('asks once, masked, and connects', async () => {
    const s = spawnOnPty([...encArgs(), 'PING']);
    await s.waitFor(/Enter PEM pass phrase for .*client-enc\.key/);
    s.write(`${lab().secrets.clientKeyPassphrase}\r`);
    expect(await finished(s)).toBe(0);
    const text = s.lines().join('\n');
    expect(text).not.toContain(lab().secrets.clientKeyPassphrase);
    expect(text.match(/Enter PEM pass phrase/g)).toHaveLength(1);
    expect(s.lines().at(-1)).toBe('PONG');
  });

  it('a wrong passphrase is an error, not a second prompt', async () => {
    const s = spawnOnPty([...encArgs(), 'PING']);
    await s.waitFor(/Enter PEM pass phrase/);
    s.write('not-the-passphrase\r');
    expect(await finished(s)).toBe(1);
    const text = s.lines().join('\n');
    expect(text.match(/Enter PEM pass phrase/g)).toHaveLength(1);
    // The terminal wraps a long key path (the clone's folder varies): compare the rows joined.
    expect(s.lines().join('')).toContain(`Could not negotiate a TLS connection: wrong passphrase for ${lab().certs.clientEncKey}`);
  });

  it('PKCS#12: asks for the bundle password once', async () => {
    const s = spawnOnPty([...ca(), '-p', String(lab().servers.mtls.tlsPort), '--p12', lab().certs.clientP12, '--show-handshake=json', 'PING']);
    await s.waitFor(/Enter password for .*client\.p12/);
    s.write(`${lab().secrets.p12Passphrase}\r`);
    expect(await finished(s)).toBe(0);
    const text = s.lines().join('\n');
    expect(text.match(/Enter password for/g)).toHaveLength(1);
    expect(text).toContain('"source":"--p12"');
    expect(s.lines().at(-1)).toBe('PONG');
  });

  it('--key-pass-env: no prompt at all', async () => {
    const s = spawnOnPty([...encArgs(), '--key-pass-env', 'KP', 'PING'], { KP: lab().secrets.clientKeyPassphrase });
    expect(await finished(s)).toBe(0);
    expect(s.lines().join('\n')).not.toContain('pass phrase');
    expect(s.lines().at(-1)).toBe('PONG');
  });
});
