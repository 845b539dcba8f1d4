// `:tls` in the REPL calls renderLiveTls(session.handshakeReport(), {color, json}) on the live Session. These tests
// drive a Session against the lab directly: the first connect is a full handshake, a reconnect
// resumes the TLS session (TLS 1.3 ticket, TLS 1.2 ticket), which has no peer certificate in Node,
// so the report keeps the chain of the first handshake.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../src/client/session.js';
import type { ConnectionConfig, TlsConfig } from '../../src/connection/config.js';
import type { HandshakeReport } from '../../src/connection/handshake.js';
import { planTls, type FileReader } from '../../src/connection/options.js';
import { loadHandshakeTable, renderLiveTls } from '../../src/format/handshake.js';
import { lab, type LabServerName } from '../setup/env.js';
import { loadHandshakeSchema, validate } from './handshake-schema.js';

const nodeFs: FileReader = { readFile: (p) => readFileSync(p), readDir: (p) => readdirSync(p), exists: (p) => existsSync(p) };
const sessions: Session[] = [];

function session(server: LabServerName, tls: Partial<TlsConfig> = {}, host = '127.0.0.1'): Session {
  const tlsCfg: TlsConfig = { insecure: false, verifyHostname: true, cacert: lab().certs.ca, ...tls };
  const config: ConnectionConfig = { host, port: lab().servers[server].tlsPort!, tls: tlsCfg, timeoutMs: 5000 };
  const s = new Session(config, { db: 0, switchToResp3: false }, {}, planTls({ host, port: config.port }, tlsCfg, {}, nodeFs));
  sessions.push(s);
  return s;
}

afterEach(() => {
  for (const s of sessions.splice(0)) s.close();
});

async function ping(s: Session): Promise<void> {
  const r = await s.send(['PING']);
  expect(r.kind).toBe('simple');
}

const parse = (text: string) => JSON.parse(text) as HandshakeReport;

describe('renderLiveTls', () => {
  it.each([
    { version: 'TLSv1.3' as const },
    { version: 'TLSv1.2' as const },
  ])('after a reconnect that resumed ($version): resumed=yes and the first chain', async ({ version }) => {
    const s = session('main', { maxVersion: version });
    await s.connect();
    await ping(s);
    const first = parse(renderLiveTls(s.handshakeReport(), { color: false, json: true }));
    expect(first.tls!.negotiated).toMatchObject({ protocol: version, resumed: false });
    expect(first.tls!.chain.source).toBe('handshake');

    await s.connect(); // the session's TLS session is offered again
    await ping(s);
    const json = renderLiveTls(s.handshakeReport(), { color: false, json: true });
    const r = parse(json);
    expect(validate(r, loadHandshakeSchema())).toEqual([]);
    expect(r.tls!.negotiated).toMatchObject({ protocol: version, resumed: true });
    expect(r.tls!.negotiated!.signature.scheme).toBeNull();
    expect(r.tls!.chain.source).toBe('first-handshake');
    expect(r.tls!.chain.certificates.map((c) => c.fingerprintSha256)).toEqual(first.tls!.chain.certificates.map((c) => c.fingerprintSha256));
    // the name check ran against the first handshake's certificate
    expect(r.tls!.identity).toMatchObject({ status: 'matched', matchedSan: 'IP Address:127.0.0.1' });
    expect(r.tls!.clientCertificate.requested).toBeNull();
    expect(r.verdict).toMatchObject({ ok: true, status: 'verified' });
    expect(r.verdict.summary).toContain('(resumed)');
    // a resumed handshake is cheaper: no certificate, no signature
    expect(r.timings.tlsMs).not.toBeNull();

    const text = renderLiveTls(s.handshakeReport(), { color: false, json: false });
    expect(text).toMatch(/session +resumed; ticket received/);
    expect(text).toContain('resumed session: the chain of the handshake that created it');
    expect(text).toContain('localhost  ✓');
    expect(text).not.toMatch(/\x1b\[/);
  });

  it('resumes with the pin and the host name checked against the first certificate', async () => {
    const first = session('main', {}, 'localhost');
    await first.connect();
    const pin = first.handshakeReport().tls!.chain.certificates[0]!.spkiSha256;
    first.close();
    const s = session('main', { pinSha256: [pin] }, 'localhost');
    await s.connect();
    await ping(s); // TLS 1.3 tickets arrive after the handshake, with the first reply
    await s.connect();
    await ping(s);
    const r = s.handshakeReport();
    expect(r.tls!.negotiated!.resumed).toBe(true);
    expect(r.tls!.pin).toEqual({ expected: [pin], actual: pin, matched: true });
    expect(r.tls!.identity).toMatchObject({ status: 'matched', matchedSan: 'DNS:localhost' });
  });

  it('colour and table: ANSI codes with color, a table once cli-table3 is loaded', async () => {
    const s = session('expiring');
    await s.connect();
    await ping(s);
    const coloured = renderLiveTls(s.handshakeReport(), { color: true, json: false });
    expect(coloured).toMatch(/\x1b\[33m! expires in \d days\x1b\[39m/);
    await loadHandshakeTable();
    const table = renderLiveTls(s.handshakeReport(), { color: false, json: false });
    expect(table.split('\n')[0]).toMatch(/^┌─+┬─+┬─+┐$/);
    for (const l of table.trimEnd().split('\n')) expect(l.length).toBeLessThanOrEqual(100);
  });

  it('a failed connect: the report of that attempt, with the error', async () => {
    const s = session('wrongHost');
    const err = await s.connect().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const r = s.handshakeReport(err);
    expect(r.verdict).toMatchObject({ ok: false, code: 'HOSTNAME_MISMATCH', stage: 'identity' });
    expect(r.tls!.chain.certificates[0]!.sans).toEqual(['DNS:wrong.example.com']);
  });
});
