// Weak TLS settings in --show-handshake for a single server, each with the redis.conf line or the
// certificate change that fixes it: a deliberately weak redis-server (RSA 1024-bit key signed with
// SHA-1, TLS 1.0-1.3 and every cipher at OpenSSL security level 0, started here with the lab's
// weak-openssl.cnf) and the lab's ordinary servers (OpenSSL's default ciphers, CBC included; a
// certificate expiring within days). The probes are real handshakes from this Node's OpenSSL.
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisHandle } from '../../scripts/lib/tls-lab.mjs';
import { lab } from '../setup/env.js';
import { run, TREDIS_CLI } from '../helpers/run.js';
import { loadHandshakeSchema, validate } from './handshake-schema.js';

const schema = loadHandshakeSchema();
const dir = path.join(os.tmpdir(), `tredis-weak-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
let weak: RedisHandle | undefined;

beforeAll(async () => {
  const c = lab().certs;
  weak = await startRedis({
    dir,
    name: 'weak',
    tls: { cert: c.weakCert, key: c.weakKey, ca: c.ca, authClients: 'no' },
    extraArgs: ['--tls-protocols', 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3', '--tls-ciphers', 'DEFAULT:@SECLEVEL=0'],
    env: { OPENSSL_CONF: c.weakOpensslConf },
  });
}, 30_000);

afterAll(async () => {
  await weak?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Report {
  weaknesses: Array<{ code: string; severity: string; what: string; fix: string; depth: number | null }>;
  tls: { probes: { legacyProtocols: { status: string; detail: string | null }; nonAeadCiphers: { status: string } } | null };
  verdict: { status: string; code: string | null; reason: string | null; hint: string | null };
}

/** The one JSON report --show-handshake=json wrote on stderr, checked against the schema. */
function reportOf(stderr: Buffer): Report {
  const lines = stderr.toString().split('\n').filter((l) => l.startsWith('{'));
  expect(lines).toHaveLength(1);
  const r = JSON.parse(lines[0]!) as unknown;
  expect(validate(r, schema), 'matches man/tredis-cli-handshake.schema.json').toEqual([]);
  return r as Report;
}

describe('weak settings in --show-handshake', () => {
  it('a 1024-bit RSA key signed with SHA-1: verification fails, the report says why and how to reissue', async () => {
    const r = await run(TREDIS_CLI, ['--tls', '--cacert', lab().certs.ca, '-p', String(weak!.tlsPort), '--show-handshake=json', 'PING']);
    expect(r.code).toBe(1);
    const rep = reportOf(r.stderr);
    expect(rep.weaknesses.map((w) => [w.code, w.depth])).toEqual([['RSA_KEY_TOO_SHORT', 0], ['SHA1_SIGNATURE', 0]]);
    expect(rep.weaknesses[0]!.what).toBe('the server certificate "localhost (weak)" has a 1024-bit RSA key');
    expect(rep.weaknesses[1]!.fix).toBe('reissue it signed with SHA-256 (openssl x509 -req -sha256 …) and load it with tls-cert-file/tls-key-file');
    expect(rep.verdict.status).toBe('failed');
    // OpenSSL's reason (a weak digest or key below the security level) reaches Node without a name
    expect(rep.verdict.reason).toContain('has a 1024-bit RSA key');
    expect(rep.verdict.hint).toContain('reissue it with an RSA key of at least 2048 bits');
  });

  it('probes find TLS 1.0/1.1 and CBC ciphers accepted; each flag names the redis.conf line (--insecure connects)', async () => {
    const r = await run(TREDIS_CLI, ['--tls', '--insecure', '-p', String(weak!.tlsPort), '--show-handshake=json', 'PING']);
    expect(r.stdout.toString()).toBe('PONG\n');
    expect(r.code).toBe(0);
    const rep = reportOf(r.stderr);
    // Node 20's OpenSSL 3 offers TLS 1.0/1.1 at security level 0; if a build refused, say so rather than pass
    expect(rep.tls.probes!.legacyProtocols.status, rep.tls.probes!.legacyProtocols.detail ?? '').toBe('accepted');
    expect(rep.weaknesses.map((w) => w.code)).toEqual(['LEGACY_PROTOCOL_ACCEPTED', 'NON_AEAD_ACCEPTED', 'RSA_KEY_TOO_SHORT', 'SHA1_SIGNATURE']);
    expect(rep.weaknesses[0]!.fix).toBe('tls-protocols "TLSv1.2 TLSv1.3"');
    expect(rep.weaknesses[1]!.fix).toMatch(/^tls-ciphers "ECDHE-ECDSA-AES128-GCM-SHA256:[^"]+" \(or tls-protocols "TLSv1\.3"\)$/);
  });

  it('an ordinary lab server: TLS 1.0/1.1 refused, CBC ciphers accepted (OpenSSL DEFAULT) — text report', async () => {
    const r = await run(TREDIS_CLI, ['--tls', '--cacert', lab().certs.ca, '-p', String(lab().servers.main!.tlsPort), '--show-handshake', 'PING']);
    expect(r.code).toBe(0);
    const err = r.stderr.toString();
    expect(err).toMatch(/\n {2}TLS 1\.0\/1\.1 +✓ refused \(ERR_SSL_\w+: [^)]+\)\n/);
    expect(err).toMatch(/\n {2}non-AEAD +✗ accepted \(TLSv1\.2 ECDHE-ECDSA-\S+\)\n/);
    expect(err).toMatch(/\nWeak settings\n {2}medium +! the server accepts non-AEAD ciphers \(a handshake offering only CBC ciphers got TLSv1\.2 \S+\)\n {17}fix: tls-ciphers "/);
  });

  it('a certificate expiring within 30 days is flagged with the renewal', async () => {
    const r = await run(TREDIS_CLI, ['--tls', '--cacert', lab().certs.ca, '-p', String(lab().servers.expiring!.tlsPort), '--show-handshake=json', 'PING']);
    expect(r.code).toBe(0);
    const rep = reportOf(r.stderr);
    const w = rep.weaknesses.find((x) => x.code === 'CHAIN_EXPIRING');
    expect(w?.what).toMatch(/^the server certificate "localhost \(expiring\)" expires in [0-5] days? \(\d{4}-\d\d-\d\d\)$/);
    expect(w?.fix).toBe('renew it and load the new one with CONFIG SET tls-cert-file FILE tls-key-file FILE (and the same lines in redis.conf)');
  });
});
