// --show-handshake against the lab's real servers, black-box: spawn bin/tredis-cli, read the JSON
// report(s) from stderr, check each field against the certificates the lab made, check stdout
// stays the replies and the exit code. Every report is also checked against the documented schema
// (man/tredis-cli-handshake.schema.json).
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandshakeReport } from '../../src/connection/handshake.js';
import { run, TREDIS_CLI } from '../helpers/run.js';
import { lab, type LabServerName } from '../setup/env.js';
import { loadHandshakeSchema, validate } from './handshake-schema.js';

const schema = loadHandshakeSchema();

interface Outcome {
  stdout: string;
  stderr: string;
  code: number | null;
  reports: HandshakeReport[];
  /** stderr without the JSON lines. */
  rest: string;
}

/** Runs tredis-cli and parses the JSON reports (one per line) on its stderr. */
async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  const r = await run(TREDIS_CLI, args, { env: { NO_COLOR: undefined, FORCE_COLOR: undefined, ...env } });
  const stderr = r.stderr.toString('utf8');
  const reports: HandshakeReport[] = [];
  const rest: string[] = [];
  for (const line of stderr.split('\n')) {
    if (line.startsWith('{')) reports.push(JSON.parse(line) as HandshakeReport);
    else if (line !== '') rest.push(line);
  }
  for (const rep of reports) expect(validate(rep, schema), 'report matches the schema').toEqual([]);
  return { stdout: r.stdout.toString('utf8'), stderr, code: r.code, reports, rest: rest.join('\n') };
}

const certs = () => lab().certs;
const tlsPort = (n: LabServerName) => String(lab().servers[n].tlsPort);
const ca = () => ['--tls', '--cacert', certs().ca];
/** --show-handshake=json against a lab server's TLS port on 127.0.0.1. */
const json = (n: LabServerName, ...extra: string[]) => cli([...ca(), '-p', tlsPort(n), '--show-handshake=json', ...extra, 'PING']);

function x509(path: string): X509Certificate {
  return new X509Certificate(readFileSync(path));
}

/** The one report of a run; fails when there is not exactly one. */
function only(o: Outcome): HandshakeReport {
  expect(o.reports, o.stderr).toHaveLength(1);
  return o.reports[0]!;
}

describe('--show-handshake=json, verified connection (main)', () => {
  let o: Outcome;
  let r: HandshakeReport;
  beforeAll(async () => {
    o = await json('main');
    r = only(o);
  });

  it('keeps stdout to the reply and exits 0', () => {
    expect(o.stdout).toBe('PONG\n');
    expect(o.code).toBe(0);
    expect(o.rest).toBe('');
  });

  it('says where it connected and how long each step took', () => {
    expect(r.schema).toBe('tredis-cli.handshake/1');
    expect(Date.parse(r.generatedAt)).not.toBeNaN();
    expect(r.target).toEqual({ host: '127.0.0.1', port: Number(tlsPort('main')), socket: null });
    expect(r.address).toEqual({ ip: '127.0.0.1', family: 'IPv4' });
    expect(r.transport).toBe('tls');
    const t = r.timings;
    for (const k of ['resolveMs', 'connectMs', 'tlsMs', 'firstReplyMs'] as const) expect(t[k]).toBeGreaterThanOrEqual(0);
    expect(t.authMs).toBeNull();
    expect(t.selectMs).toBeNull();
    expect(t.helloMs).toBeNull();
    expect(t.totalMs).toBeCloseTo(t.resolveMs! + t.connectMs! + t.tlsMs! + t.firstReplyMs!, 2);
  });

  it('reports the inputs: no SNI for an IP and why, the trust source and its CA count', () => {
    const tls = r.tls!;
    expect(tls.verifyMode).toBe('full');
    expect(tls.sni).toEqual({ sent: null, reason: expect.stringContaining('127.0.0.1 is an IP address') });
    expect(tls.trust).toEqual({ source: 'file', paths: [certs().ca], caCount: 1, description: `--cacert ${certs().ca} (1 certificate)` });
  });

  it('reports what was negotiated', () => {
    const n = r.tls!.negotiated!;
    expect(n.protocol).toBe('TLSv1.3');
    expect(n.cipher).toEqual({ standardName: 'TLS_AES_256_GCM_SHA384', opensslName: 'TLS_AES_256_GCM_SHA384' });
    expect(n.keyExchange).toEqual({ group: 'X25519', type: 'ECDH', bits: 253 });
    expect(n.signature).toEqual({ scheme: 'ecdsa_secp256r1_sha256', inferred: true, basis: expect.stringContaining('P-256') });
    expect(n.alpn).toBeNull();
    expect(n.resumed).toBe(false);
    // redis-server sends TLS 1.3 tickets right after the handshake; tls-session-cache-timeout is 300 s
    expect(n.ticket).toBe(true);
    expect(n.ticketLifetimeSec).toBe(300);
  });

  it('shows the chain with the facts of each certificate, as openssl sees them', () => {
    const chain = r.tls!.chain;
    expect(chain.source).toBe('handshake');
    expect(chain.missingIssuer).toBeNull();
    expect(chain.certificates).toHaveLength(2);
    const [leaf, root] = chain.certificates;
    const want = x509(certs().serverCert);
    expect(leaf).toMatchObject({
      depth: 0,
      subject: want.subject.split('\n').join(', '),
      issuer: want.issuer.split('\n').join(', '),
      commonName: 'localhost',
      sans: ['DNS:localhost', 'IP Address:127.0.0.1'],
      validFrom: new Date(want.validFrom).toISOString(),
      validTo: new Date(want.validTo).toISOString(),
      validity: 'valid',
      keyType: 'ec',
      keyBits: 256,
      keyCurve: 'prime256v1',
      signatureAlgorithm: 'ecdsa-with-SHA256',
      fingerprintSha256: want.fingerprint256,
      serial: want.serialNumber.toUpperCase(),
      isCA: false,
      selfSigned: false,
      inTrustStore: false,
      status: 'ok',
      problem: null,
    });
    expect(leaf!.daysLeft).toBe(Math.trunc((Date.parse(want.validTo) - Date.now()) / 86_400_000));
    expect(root).toMatchObject({ depth: 1, commonName: 'tredis test CA', isCA: true, selfSigned: true, inTrustStore: true, status: 'ok', fingerprintSha256: x509(certs().ca).fingerprint256 });
  });

  it('says which SAN matched, and that no client certificate was asked for', () => {
    const tls = r.tls!;
    expect(tls.verification).toEqual({ chain: 'ok', code: null, reason: null, hint: null, failedDepth: null });
    expect(tls.identity).toEqual({ status: 'matched', name: '127.0.0.1', matchedSan: 'IP Address:127.0.0.1', sentence: 'SAN IP Address:127.0.0.1 matched IP 127.0.0.1' });
    expect(tls.pin).toBeNull();
    expect(tls.clientCertificate).toMatchObject({ requested: false, source: null, sent: false, certificate: null, acceptedSigalgs: [], encryptedKey: false });
  });

  it('ends with a verdict', () => {
    expect(r.warnings).toEqual([]);
    expect(r.verdict).toMatchObject({ ok: true, status: 'verified', code: null, stage: null, reason: null, hint: null });
    expect(r.verdict.summary).toContain('host name matched (SAN IP Address:127.0.0.1)');
  });
});

describe('--show-handshake=json, names and versions', () => {
  it('sends the host name as SNI and matches it against DNS:localhost', async () => {
    const r = only(await cli([...ca(), '-h', 'localhost', '-p', tlsPort('main'), '--show-handshake=json', 'PING']));
    expect(r.tls!.sni).toEqual({ sent: 'localhost', reason: null });
    expect(r.tls!.identity).toMatchObject({ status: 'matched', name: 'localhost', matchedSan: 'DNS:localhost' });
  });

  it('--tls-max-version 1.2: TLS 1.2 with IANA and OpenSSL cipher names', async () => {
    const o = await json('main', '--tls-max-version', '1.2');
    const n = only(o).tls!.negotiated!;
    expect(o.stdout).toBe('PONG\n');
    expect(n.protocol).toBe('TLSv1.2');
    expect(n.cipher).toEqual({ standardName: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', opensslName: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
    expect(n.signature.basis).toContain('first choice');
  });

  it('--tls-min-version 1.3 still connects with TLS 1.3', async () => {
    expect(only(await json('main', '--tls-min-version', '1.3')).tls!.negotiated!.protocol).toBe('TLSv1.3');
  });

  it.each([
    { groups: 'X25519', group: 'X25519', bits: 253 },
    { groups: 'P-256', group: 'prime256v1', bits: 256 },
    { groups: 'P-384', group: 'secp384r1', bits: 384 },
    { groups: 'ffdhe2048', group: 'ffdhe2048', bits: 2048 },
  ])('--tls-groups $groups is the key exchange group', async ({ groups, group, bits }) => {
    const o = await json('main', '--tls-groups', groups);
    expect(o.stdout).toBe('PONG\n');
    expect(only(o).tls!.negotiated!.keyExchange).toMatchObject({ group, bits });
  });
});

describe('--show-handshake=json, verification failures', () => {
  it('expired: the failing certificate, why, and the fix; stdout stays empty', async () => {
    const o = await json('expired');
    const r = only(o);
    expect(o.code).toBe(1);
    expect(o.stdout).toBe('');
    const leaf = r.tls!.chain.certificates[0]!;
    expect(leaf).toMatchObject({ validity: 'expired', status: 'failed', validTo: '2021-01-01T00:00:00.000Z' });
    expect(leaf.daysLeft).toBeLessThan(-365);
    expect(leaf.problem).toMatch(/expired on 2021-01-01/);
    expect(r.tls!.verification).toMatchObject({ chain: 'failed', code: 'CERT_HAS_EXPIRED', failedDepth: 0 });
    expect(r.tls!.identity.status).toBe('not-checked');
    expect(r.verdict).toMatchObject({ ok: false, status: 'failed', code: 'CERT_HAS_EXPIRED', stage: 'verify', hint: expect.stringContaining('renew') });
    // the report comes first, then the error as without --show-handshake
    expect(o.stderr.indexOf('{')).toBe(0);
    expect(o.rest).toMatch(/^Could not connect to Redis at 127\.0\.0\.1:\d+: TLS handshake failed: certificate "localhost \(expired\)" expired on 2021-01-01/);
    // an expiry that already failed verification is the error, not also a warning
    expect(r.warnings).toEqual([]);
  });

  it('not yet valid', async () => {
    const r = only(await json('notYet'));
    expect(r.tls!.chain.certificates[0]).toMatchObject({ validity: 'not-yet-valid', status: 'failed' });
    expect(r.verdict).toMatchObject({ code: 'CERT_NOT_YET_VALID', stage: 'verify' });
  });

  it('intermediate sent: three certificates, the intermediate is a CA, the root is trusted', async () => {
    const o = await json('chain');
    const c = only(o).tls!.chain.certificates;
    expect(o.stdout).toBe('PONG\n');
    expect(c.map((x) => x.commonName)).toEqual(['localhost (via intermediate)', 'tredis test intermediate CA', 'tredis test CA']);
    expect(c.map((x) => [x.isCA, x.selfSigned, x.inTrustStore, x.status])).toEqual([
      [false, false, false, 'ok'],
      [true, false, false, 'ok'],
      [true, true, true, 'ok'],
    ]);
    expect(c[1]!.fingerprintSha256).toBe(x509(certs().interCa).fingerprint256);
  });

  it('intermediate missing: names the missing issuer and says to add it to tls-cert-file', async () => {
    const r = only(await json('chainMissing'));
    expect(r.tls!.chain.certificates).toHaveLength(1);
    expect(r.tls!.chain.missingIssuer).toBe('O=tredis-cli lab, CN=tredis test intermediate CA');
    expect(r.tls!.verification).toMatchObject({ chain: 'failed', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', failedDepth: 0 });
    expect(r.verdict.hint).toContain("add it after the leaf in the server's tls-cert-file");
  });

  it('unknown root: the root is the failing certificate', async () => {
    const r = only(await json('otherCa'));
    expect(r.tls!.verification).toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN', failedDepth: 1 });
    expect(r.tls!.chain.certificates[1]).toMatchObject({ commonName: 'tredis unrelated CA', status: 'failed', inTrustStore: false });
  });

  it('wrong host: no SAN matched, which names the certificate has', async () => {
    const o = await json('wrongHost');
    const r = only(o);
    expect(o.code).toBe(1);
    expect(r.tls!.verification).toMatchObject({ chain: 'ok', code: 'HOSTNAME_MISMATCH', failedDepth: 0 });
    expect(r.tls!.identity).toEqual({ status: 'mismatch', name: '127.0.0.1', matchedSan: null, sentence: 'no SAN matched 127.0.0.1: the certificate names DNS:wrong.example.com' });
    expect(r.verdict).toMatchObject({ status: 'failed', code: 'HOSTNAME_MISMATCH', stage: 'identity' });
  });

  it('wrong host with --no-verify-hostname: chain only, the check is reported as skipped', async () => {
    const o = await json('wrongHost', '--no-verify-hostname');
    const r = only(o);
    expect(o.stdout).toBe('PONG\n');
    expect(r.tls!.verifyMode).toBe('chain-only');
    expect(r.tls!.identity).toMatchObject({ status: 'skipped', sentence: expect.stringContaining('--no-verify-hostname (no SAN would match 127.0.0.1: DNS:wrong.example.com)') });
    expect(r.verdict).toMatchObject({ ok: true, status: 'chain-only' });
  });

  it('--insecure: everything unchecked, said so in the verdict and a warning', async () => {
    const o = await cli(['--tls', '--insecure', '-p', tlsPort('otherCa'), '--show-handshake=json', 'PING']);
    const r = only(o);
    expect(o.stdout).toBe('PONG\n');
    expect(r.tls!.verifyMode).toBe('none');
    expect(r.tls!.trust).toMatchObject({ source: 'none', caCount: 0 });
    expect(r.tls!.verification.chain).toBe('skipped');
    expect(r.tls!.chain.certificates.every((c) => c.status === 'unchecked')).toBe(true);
    expect(r.tls!.identity).toMatchObject({ status: 'skipped', sentence: expect.stringContaining('--insecure') });
    expect(r.verdict).toMatchObject({ ok: true, status: 'unverified' });
    expect(r.warnings.join('\n')).toContain('--insecure');
  });
});

describe('expiry warnings (14 days) on stderr', () => {
  it('the expiring server certificate: a warning without --show-handshake, stdout untouched', async () => {
    const o = await cli([...ca(), '-p', tlsPort('expiring'), 'PING']);
    expect(o.stdout).toBe('PONG\n');
    expect(o.code).toBe(0);
    expect(o.stderr).toMatch(/^Warning: the server certificate "localhost \(expiring\)" expires in [3-5] days \(\d{4}-\d\d-\d\d\)\n$/);
  });

  it('the report marks it expiring and lists the warning', async () => {
    const r = only(await json('expiring'));
    const leaf = r.tls!.chain.certificates[0]!;
    expect(leaf.validity).toBe('expiring');
    expect(leaf.daysLeft).toBeGreaterThanOrEqual(3);
    expect(leaf.daysLeft).toBeLessThanOrEqual(5);
    expect(r.warnings).toEqual([expect.stringMatching(/^the server certificate "localhost \(expiring\)" expires in \d days/)]);
    expect(r.verdict.status).toBe('verified');
  });

  it('a client certificate expiring within 14 days gets a warning too', async () => {
    // The expiring server's own certificate and key make a client certificate the mtls server does not trust:
    // what matters here is the warning, which comes from our side before the server answers.
    const o = await cli([...ca(), '-p', tlsPort('main'), '--cert', certs().expiringCert, '--key', certs().expiringKey, 'PING']);
    expect(o.stdout).toBe('PONG\n');
    expect(o.stderr).toMatch(/^Warning: the client certificate "localhost \(expiring\)" \(--cert\) expires in [3-5] days/m);
  });
});

describe('--show-handshake=json, mTLS', () => {
  const client = () => ['--cert', certs().clientCert, '--key', certs().clientKey];

  it('required, none sent (TLS 1.3): asked for, not sent, the failure shows on the first read', async () => {
    const o = await json('mtls');
    const r = only(o);
    expect(o.code).toBe(1);
    expect(o.stdout).toBe('');
    expect(r.tls!.negotiated!.protocol).toBe('TLSv1.3');
    expect(r.tls!.clientCertificate).toMatchObject({ requested: true, sent: false, source: null, certificate: null });
    expect(r.tls!.clientCertificate.acceptedSigalgs).toContain('ECDSA+SHA256');
    expect(r.verdict).toMatchObject({ ok: false, code: 'CLIENT_CERT_REQUIRED', stage: 'client-auth', reason: 'TLS client authentication failed: the server requires a client certificate and none was sent' });
    expect(o.rest).toContain('hint: pass --cert FILE and --key FILE');
  });

  it('required, none sent (TLS 1.2): the handshake itself fails; whether it was asked is unknown', async () => {
    const r = only(await json('mtls', '--tls-max-version', '1.2'));
    expect(r.tls!.negotiated).toBeNull();
    expect(r.tls!.clientCertificate.requested).toBeNull();
    expect(r.verdict).toMatchObject({ code: 'TLS_HANDSHAKE_FAILURE', stage: 'handshake' });
  });

  it('required, sent: which certificate, when it expires', async () => {
    const o = await json('mtls', ...client());
    const cc = only(o).tls!.clientCertificate;
    expect(o.stdout).toBe('PONG\n');
    const want = x509(certs().clientCert);
    expect(cc).toMatchObject({ requested: true, sent: true, source: '--cert', encryptedKey: false });
    expect(cc.certificate).toMatchObject({ commonName: 'tredis test client', keyType: 'rsa', keyBits: 2048, fingerprintSha256: want.fingerprint256, validTo: new Date(want.validTo).toISOString() });
  });

  it('optional, none sent: asked for, connection fine', async () => {
    const o = await json('mtlsOptional');
    expect(o.stdout).toBe('PONG\n');
    expect(only(o).tls!.clientCertificate).toMatchObject({ requested: true, sent: false });
  });

  it('optional, sent', async () => {
    const o = await json('mtlsOptional', ...client());
    expect(only(o).tls!.clientCertificate).toMatchObject({ requested: true, sent: true, source: '--cert' });
  });

  it('not asked by a server without tls-auth-clients, even with a certificate configured', async () => {
    expect(only(await json('main', ...client())).tls!.clientCertificate).toMatchObject({ requested: false, sent: false, source: '--cert' });
  });

  it('encrypted key with --key-pass-env', async () => {
    const o = await json('mtls', '--cert', certs().clientEncCert, '--key', certs().clientEncKey, '--key-pass-env', 'TREDIS_TEST_KEYPASS');
    expect(o.stdout).toBe('');
    expect(o.rest).toContain('--key-pass-env TREDIS_TEST_KEYPASS: that environment variable is not set');
    const ok = await cli([...ca(), '-p', tlsPort('mtls'), '--cert', certs().clientEncCert, '--key', certs().clientEncKey, '--key-pass-env', 'TREDIS_TEST_KEYPASS', '--show-handshake=json', 'PING'], { TREDIS_TEST_KEYPASS: lab().secrets.clientKeyPassphrase });
    expect(ok.stdout).toBe('PONG\n');
    expect(only(ok).tls!.clientCertificate).toMatchObject({ requested: true, sent: true, source: '--cert', encryptedKey: true });
  });

  it('encrypted key, wrong passphrase: a report at the tls-setup stage', async () => {
    const o = await cli([...ca(), '-p', tlsPort('mtls'), '--cert', certs().clientEncCert, '--key', certs().clientEncKey, '--key-pass-env', 'P', '--show-handshake=json', 'PING'], { P: 'wrong' });
    expect(o.code).toBe(1);
    expect(only(o).verdict).toMatchObject({ code: 'BAD_PASSPHRASE', stage: 'tls-setup' });
    expect(o.rest).toContain(`wrong passphrase for ${certs().clientEncKey}`);
  });

  it('encrypted key without a terminal and without --key-pass-env: a clear error, no prompt', async () => {
    const o = await cli([...ca(), '-p', tlsPort('mtls'), '--cert', certs().clientEncCert, '--key', certs().clientEncKey, 'PING']);
    expect(o.code).toBe(1);
    expect(o.stdout).toBe('');
    expect(o.stderr).toBe(`The private key ${certs().clientEncKey} is encrypted and no passphrase was given\nhint: set --key-pass-env VAR to the name of a variable holding the passphrase, or run on a terminal to be asked\n`);
  });

  it('PKCS#12 with --key-pass-env; without a password: a clear error', async () => {
    const ok = await cli([...ca(), '-p', tlsPort('mtls'), '--p12', certs().clientP12, '--key-pass-env', 'P12', '--show-handshake=json', 'PING'], { P12: lab().secrets.p12Passphrase });
    expect(ok.stdout).toBe('PONG\n');
    expect(only(ok).tls!.clientCertificate).toMatchObject({ requested: true, sent: true, source: '--p12', certificate: { commonName: 'tredis test client' } });
    const none = await cli([...ca(), '-p', tlsPort('mtls'), '--p12', certs().clientP12, 'PING']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`The PKCS#12 bundle ${certs().clientP12} is protected by a password and none was given`);
    const wrong = await cli([...ca(), '-p', tlsPort('mtls'), '--pfx', certs().clientP12, '--key-pass-env', 'P12', 'PING'], { P12: 'nope' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`wrong passphrase for ${certs().clientP12}`);
  });
});

describe('--pin-sha256', () => {
  /** The pin as the curl/HPKP recipe computes it with the openssl CLI. */
  async function opensslPin(certFile: string): Promise<string> {
    const { execFile } = await import('node:child_process');
    const sh = (cmd: string, args: string[], input?: Buffer) =>
      new Promise<Buffer>((resolve, reject) => {
        const p = execFile(cmd, args, { encoding: 'buffer' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
        if (input) p.stdin!.end(input);
      });
    const pub = await sh('openssl', ['x509', '-in', certFile, '-pubkey', '-noout']);
    const der = await sh('openssl', ['pkey', '-pubin', '-outform', 'der'], pub);
    const bin = await sh('openssl', ['dgst', '-sha256', '-binary'], der);
    return bin.toString('base64');
  }

  it('computes what `openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64` gives', async () => {
    const pin = await opensslPin(certs().serverCert);
    expect(pin).toBe(createHash('sha256').update(x509(certs().serverCert).publicKey.export({ type: 'spki', format: 'der' })).digest('base64'));
    const o = await json('main', '--pin-sha256', `sha256//${pin}`);
    const r = only(o);
    expect(o.stdout).toBe('PONG\n');
    expect(r.tls!.chain.certificates[0]!.spkiSha256).toBe(pin);
    expect(r.tls!.pin).toEqual({ expected: [pin], actual: pin, matched: true });
    expect(r.verdict.summary).toContain('public key pin matched');
  });

  it('a mismatch is a clear error, also with --insecure', async () => {
    const pin = await opensslPin(certs().serverCert);
    const bad = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    const o = await cli(['--tls', '--insecure', '-p', tlsPort('main'), '--pin-sha256', bad, '--show-handshake=json', 'PING']);
    const r = only(o);
    expect(o.code).toBe(1);
    expect(o.stdout).toBe('');
    expect(r.tls!.pin).toEqual({ expected: [bad], actual: pin, matched: false });
    expect(r.verdict).toMatchObject({ code: 'PIN_MISMATCH', stage: 'pin' });
    expect(o.rest).toContain(`the server's public key sha256//${pin} matches none of --pin-sha256 ${bad}`);
  });
});

describe('--show-handshake=json, plaintext and connection failures', () => {
  it('plaintext: says so, with timings', async () => {
    const o = await cli(['-p', String(lab().servers.main.port), '--show-handshake=json', 'PING']);
    const r = only(o);
    expect(o.stdout).toBe('PONG\n');
    expect(r.transport).toBe('plaintext');
    expect(r.tls).toBeNull();
    expect(r.timings.tlsMs).toBeNull();
    expect(r.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(r.timings.firstReplyMs).toBeGreaterThanOrEqual(0);
    expect(r.verdict).toMatchObject({ ok: true, status: 'plaintext' });
  });

  it('unix socket', async () => {
    const o = await cli(['-s', lab().servers.main.socket!, '--show-handshake=json', 'PING']);
    const r = only(o);
    expect(o.stdout).toBe('PONG\n');
    expect(r.address).toEqual({ ip: lab().servers.main.socket, family: 'unix' });
    expect(r.timings.resolveMs).toBeNull();
  });

  it('AUTH, SELECT and HELLO are timed', async () => {
    const s = lab().secrets;
    const o = await cli([...ca(), '-p', String(lab().servers.password.tlsPort), '--user', s.aclUser, '-a', s.aclPassword, '--no-auth-warning', '-n', '2', '-3', '--show-handshake=json', 'PING']);
    const t = only(o).timings;
    expect(o.stdout).toBe('PONG\n');
    for (const k of ['authMs', 'selectMs', 'helloMs', 'firstReplyMs'] as const) expect(t[k]).toBeGreaterThanOrEqual(0);
  });

  it('--tls against the plaintext port', async () => {
    const o = await cli([...ca(), '-t', '2', '-p', String(lab().servers.main.port), '--show-handshake=json', 'PING']);
    const r = only(o);
    expect(o.code).toBe(1);
    expect(r.tls!.negotiated).toBeNull();
    expect(r.tls!.verification.chain).toBe('not-run');
    expect(r.verdict).toMatchObject({ code: 'NOT_TLS', stage: 'handshake', hint: expect.stringContaining('drop --tls') });
  });

  it('the TLS port without --tls', async () => {
    const o = await cli(['-p', tlsPort('main'), '--show-handshake=json', 'PING']);
    expect(o.code).toBe(1);
    expect(only(o).verdict).toMatchObject({ code: 'NEEDS_TLS', hint: expect.stringContaining('add --tls') });
  });

  it('connection refused', async () => {
    const o = await cli(['-p', '1', '--show-handshake=json', 'PING']);
    const r = only(o);
    expect(r.address).toBeNull();
    expect(r.verdict).toMatchObject({ ok: false, code: 'ECONNREFUSED', stage: 'connect', reason: 'Connection refused' });
    expect(o.rest).toBe('Could not connect to Redis at 127.0.0.1:1: Connection refused');
  });

  describe('a server that accepts and never answers', () => {
    let server: net.Server;
    const sockets: net.Socket[] = [];
    beforeAll(async () => {
      server = net.createServer((s) => sockets.push(s));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    });

    it('times out the TLS handshake (-t 1)', async () => {
      const port = String((server.address() as net.AddressInfo).port);
      const o = await cli([...ca(), '-p', port, '-t', '1', '--show-handshake=json', 'PING']);
      const r = only(o);
      expect(o.code).toBe(1);
      expect(r.timings.connectMs).toBeGreaterThanOrEqual(0);
      expect(r.verdict).toMatchObject({ code: 'TLS_TIMEOUT', stage: 'handshake' });
    });
  });
});

describe('--show-handshake (text) when stderr is not a terminal', () => {
  it('plain text, no colour codes, every section, stdout only the reply', async () => {
    const o = await cli([...ca(), '-p', tlsPort('expiring'), '--cert', certs().clientCert, '--key', certs().clientKey, '--show-handshake', 'PING'], { FORCE_COLOR: undefined });
    expect(o.stdout).toBe('PONG\n');
    expect(o.stderr).not.toMatch(/\x1b\[/);
    for (const s of ['TLS handshake report for 127.0.0.1:', '\nConnection\n', '\nTLS inputs\n', '\nNegotiated\n', '\nServer chain\n', '\nChecks\n', '\nClient cert\n', '\nVerdict\n']) expect(o.stderr).toContain(s);
    expect(o.stderr).toMatch(/timings +resolve [\d.]+ ms → TCP connect [\d.]+ ms → TLS handshake [\d.]+ ms → first reply [\d.]+ ms/);
    expect(o.stderr).toMatch(/valid +\d{4}-\d\d-\d\d → \d{4}-\d\d-\d\d {2}! expires in \d days/);
    expect(o.stderr).toContain('└─ tredis test CA');
    expect(o.stderr).toContain('identity       ✓ SAN IP Address:127.0.0.1 matched IP 127.0.0.1');
    expect(o.stderr).toContain('cipher         TLS_AES_256_GCM_SHA384 (IANA and OpenSSL name)');
    expect(o.stderr).toMatch(/verdict +✓ OK connected with TLSv1\.3/);
  });

  it('on failure: the report, then the error and its hint', async () => {
    const o = await cli([...ca(), '-p', tlsPort('chainMissing'), '--show-handshake', 'PING']);
    expect(o.code).toBe(1);
    expect(o.stderr).toMatch(/✗ O=tredis-cli lab, CN=tredis test intermediate CA {2}missing: not sent by the server and not in the trust store/);
    expect(o.stderr).toMatch(/chain +✗ UNABLE_TO_VERIFY_LEAF_SIGNATURE at depth 0/);
    expect(o.stderr).toMatch(/Verdict\n[^]*✗ FAILED[^]*\nCould not connect to Redis at [^\n]+\nhint: [^\n]+\n$/);
  });
});

describe('--tls-keylog and SSLKEYLOGFILE', () => {
  const dirs: string[] = [];
  const keylogDir = () => {
    const dir = mkdtempSync(`${tmpdir()}/tredis-keylog-`);
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const keylogLine = /^(CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET|CLIENT_RANDOM) [0-9a-f]{64} [0-9a-f]+$/;

  it('writes NSS key log lines (mode 0600) for TLS 1.3', async () => {
    const file = `${keylogDir()}/keys.log`;
    const o = await cli([...ca(), '-p', tlsPort('main'), '--tls-keylog', file, 'PING']);
    expect(o.stdout).toBe('PONG\n');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.startsWith('CLIENT_HANDSHAKE_TRAFFIC_SECRET '))).toHaveLength(1);
    for (const l of lines) expect(l).toMatch(keylogLine);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('honours SSLKEYLOGFILE, and appends (TLS 1.2 gives CLIENT_RANDOM)', async () => {
    const file = `${keylogDir()}/keys.log`;
    await cli([...ca(), '-p', tlsPort('main'), 'PING'], { SSLKEYLOGFILE: file });
    await cli([...ca(), '-p', tlsPort('main'), '--tls-max-version', '1.2', 'PING'], { SSLKEYLOGFILE: file });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.some((l) => l.startsWith('CLIENT_HANDSHAKE_TRAFFIC_SECRET '))).toBe(true);
    expect(lines.some((l) => l.startsWith('CLIENT_RANDOM '))).toBe(true);
    for (const l of lines) expect(l).toMatch(keylogLine);
  });
});
