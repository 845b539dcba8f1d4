// The TLS matrix, black-box: spawn bin/tredis-cli against the lab's servers and assert stdout
// bytes, stderr content and exit code. Each good case sits next to its bad twin. Where redis-cli
// 7.0.15 has a wording (connection refused, unknown host, missing socket) it is run on the same
// argv and compared.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../scripts/lib/tls-lab.mjs';
import { startHostile, type HostileServer } from '../helpers/hostile-server.js';
import { run, TREDIS_CLI, type RunOptions, type RunResult } from '../helpers/run.js';
import { requireRedisCli } from '../helpers/oracle.js';
import { lab, type LabServerName } from '../setup/env.js';

interface Outcome extends RunResult {
  ms: number;
  out: string;
  err: string;
}

/** Runs tredis-cli; the inherited SSL_CERT_FILE/SSL_CERT_DIR are removed unless given. */
async function cli(args: string[], opts: RunOptions = {}): Promise<Outcome> {
  const t0 = performance.now();
  const env = { SSL_CERT_FILE: undefined, SSL_CERT_DIR: undefined, NODE_EXTRA_CA_CERTS: undefined, ...opts.env };
  const r = await run(TREDIS_CLI, args, { timeoutMs: 15_000, ...opts, env });
  return { ...r, ms: performance.now() - t0, out: r.stdout.toString('latin1'), err: r.stderr.toString('latin1') };
}

const certs = () => lab().certs;
const tlsPort = (name: LabServerName) => String(lab().servers[name].tlsPort);
/** `--tls -p <tlsPort of name> --cacert ca.crt` */
const TLS = (name: LabServerName, ...more: string[]) => ['--tls', '-p', tlsPort(name), '--cacert', certs().ca, ...more];

/** PONG on stdout, exit 0; stderr empty, or exactly matching `stderr` (a warning). */
function expectPong(r: Outcome, stderr?: RegExp): void {
  if (stderr) expect(r.err).toMatch(stderr);
  else expect(r.err).toBe('');
  expect(r.out).toBe('PONG\n');
  expect(r.code).toBe(0);
}

/** A failure: nothing on stdout, exit 1, stderr matching every pattern (in order). */
function expectFailure(r: Outcome, ...patterns: Array<RegExp | string>): void {
  expect(r.out).toBe('');
  expect(r.code).toBe(1);
  expect(r.timedOut).toBe(false);
  let rest = r.err;
  for (const p of patterns) {
    const m = typeof p === 'string' ? rest.indexOf(p) : rest.search(p);
    expect(m, `stderr ${JSON.stringify(r.err)} should contain ${String(p)} (in order)`).toBeGreaterThanOrEqual(0);
    rest = rest.slice(m);
  }
}

const refused = (port: string | number) => `Could not connect to Redis at 127.0.0.1:${port}: `;


let tmp: string;
/** A TCP port that accepts connections and never writes a byte (the hostile-server kit). */
let silentPort: number;
let silent: HostileServer;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tredis-tls-matrix-'));
  writeFileSync(path.join(tmp, 'not-a-cert.pem'), 'hello\n');
  mkdirSync(path.join(tmp, 'nocerts'));
  writeFileSync(path.join(tmp, 'nocerts', 'readme.txt'), 'no certificates here\n');
  writeFileSync(path.join(tmp, 'garbage.key'), '-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n');
  silent = await startHostile({ script: (conn) => conn.sleep(30_000) });
  silentPort = silent.port;
});

afterAll(async () => {
  await silent?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe.concurrent('trust: right CA / wrong CA', () => {
  it('main with --cacert ca.crt: PONG', async () => {
    expectPong(await cli(TLS('main', 'ping')));
  });

  it('main with --cacert other-ca.crt: the root is named, --cacert hinted', async () => {
    const r = await cli(['--tls', '-p', tlsPort('main'), '--cacert', certs().otherCa, 'ping']);
    expectFailure(
      r,
      `${refused(tlsPort('main'))}TLS handshake failed: the chain ends in the root "tredis test CA", which is not trusted by --cacert ${certs().otherCa} (1 certificate)\n`,
      'hint: pass the root "tredis test CA" with --cacert FILE',
    );
  });

  it('otherCa with its own CA: PONG', async () => {
    expectPong(await cli(['--tls', '-p', tlsPort('otherCa'), '--cacert', certs().otherCa, 'ping']));
  });

  it('otherCa with ca.crt: fails, names "tredis unrelated CA"', async () => {
    expectFailure(await cli(TLS('otherCa', 'ping')), 'TLS handshake failed: the chain ends in the root "tredis unrelated CA"', /hint: .*--cacert FILE/);
  });

  it('--cacertdir with a plain folder (no c_rehash links): PONG', async () => {
    expectPong(await cli(['--tls', '-p', tlsPort('main'), '--cacertdir', certs().caDir, 'ping']));
  });

  it('--cacertdir with a folder holding no certificate: a clear error', async () => {
    const dir = path.join(tmp, 'nocerts');
    const r = await cli(['--tls', '-p', tlsPort('main'), '--cacertdir', dir, 'ping']);
    expectFailure(r, `Invalid CA Certificate Directory: ${dir} holds no PEM certificate file\n`, 'hint: put the CA certificates (PEM) in that folder, or use --cacert FILE');
  });

  it('both --cacert (wrong) and --cacertdir (right): trusted', async () => {
    expectPong(await cli(['--tls', '-p', tlsPort('main'), '--cacert', certs().otherCa, '--cacertdir', certs().caDir, 'ping']));
  });
});

describe.concurrent('trust: the system store when no CA flag is given', () => {
  it('without --cacert: the lab CA is not in the system store; the hint names --cacert', async () => {
    const r = await cli(['--tls', '-p', tlsPort('main'), 'ping']);
    expectFailure(r, /TLS handshake failed: (the chain ends in the root "tredis test CA", which is not trusted by the system trust store|no trusted CA certificate was found)/, /hint: .*--cacert FILE/);
  });

  it('SSL_CERT_FILE pointing at the lab CA: PONG (OpenSSL honours it, so do we)', async () => {
    expectPong(await cli(['--tls', '-p', tlsPort('main'), 'ping'], { env: { SSL_CERT_FILE: certs().ca } }));
  });

  it('SSL_CERT_DIR pointing at a plain folder with the lab CA: PONG', async () => {
    expectPong(await cli(['--tls', '-p', tlsPort('main'), 'ping'], { env: { SSL_CERT_FILE: path.join(tmp, 'missing.pem'), SSL_CERT_DIR: certs().caDir } }));
  });

  it('SSL_CERT_FILE and SSL_CERT_DIR both empty of the CA: an empty store, said so (not "unknown issuer"), NODE_EXTRA_CA_CERTS not used', async () => {
    const r = await cli(['--tls', '-p', tlsPort('main'), 'ping'], {
      env: { SSL_CERT_FILE: path.join(tmp, 'missing.pem'), SSL_CERT_DIR: path.join(tmp, 'missing-dir'), NODE_EXTRA_CA_CERTS: certs().ca },
    });
    expectFailure(r, 'TLS handshake failed: no trusted CA certificate was found to check "', `no --cacert or --cacertdir, and none in SSL_CERT_FILE=${path.join(tmp, 'missing.pem')}, SSL_CERT_DIR=${path.join(tmp, 'missing-dir')}\n`, /hint: .*--cacert FILE, set SSL_CERT_FILE, or install the system CA bundle/);
  });

  it('--cacert wins over SSL_CERT_FILE', async () => {
    const r = await cli(['--tls', '-p', tlsPort('main'), '--cacert', certs().otherCa, 'ping'], { env: { SSL_CERT_FILE: certs().ca } });
    expectFailure(r, `not trusted by --cacert ${certs().otherCa}`);
  });
});

describe.concurrent('client certificates (mTLS)', () => {
  it('mtls with --cert/--key: PONG', async () => {
    expectPong(await cli(TLS('mtls', '--cert', certs().clientCert, '--key', certs().clientKey, 'ping')));
  });

  it('mtls without a client certificate: a clear error naming --cert/--key', async () => {
    const r = await cli(TLS('mtls', 'ping'));
    expectFailure(r, 'Error: TLS client authentication failed: the server requires a client certificate and none was sent\n', 'hint: pass --cert FILE and --key FILE');
  });

  it('mtls with a client certificate from an unknown CA: rejected, --cert hinted', async () => {
    const r = await cli(TLS('mtls', '--cert', certs().otherServerCert, '--key', certs().otherServerKey, 'ping'));
    expectFailure(r, 'TLS client authentication failed: the server rejected the client certificate', /hint: .*--cert/);
  });

  it('mtls with --p12 and --key-pass-env: PONG', async () => {
    expectPong(await cli(TLS('mtls', '--p12', certs().clientP12, '--key-pass-env', 'P12_PASS', 'ping'), { env: { P12_PASS: lab().secrets.p12Passphrase } }));
  });

  it('mtlsOptional without a client certificate: PONG', async () => {
    expectPong(await cli(TLS('mtlsOptional', 'ping')));
  });

  it('mtlsOptional with a client certificate: PONG', async () => {
    expectPong(await cli(TLS('mtlsOptional', '--cert', certs().clientCert, '--key', certs().clientKey, 'ping')));
  });
});

describe.concurrent('validity dates', () => {
  it('expiring (valid, a few days left): PONG and a warning with the days left', async () => {
    expectPong(await cli(TLS('expiring', 'ping')), /^Warning: the server certificate "localhost \(expiring\)" expires in [45] days \(\d{4}-\d\d-\d\d\)\n$/);
  });

  it('expired: the message has "expired" and the date', async () => {
    const r = await cli(TLS('expired', 'ping'));
    expectFailure(r, /TLS handshake failed: certificate "localhost \(expired\)" expired on 2021-01-01 \(\d+ days ago\)\n/, /hint: .*clock/);
  });

  it('not yet valid: the message has the start date', async () => {
    const r = await cli(TLS('notYet', 'ping'));
    expectFailure(r, /TLS handshake failed: certificate "localhost \(not yet valid\)" is not valid until \d{4}-\d\d-\d\d \(\d+ days from now\)\n/, /hint: .*clock/);
  });

  it('expired with --insecure: PONG, still warned', async () => {
    expectPong(await cli(TLS('expired', '--insecure', 'ping')), /^Warning: the server certificate "localhost \(expired\)" expired \d+ days ago \(2021-01-01\)\n$/);
  });
});

describe.concurrent('host names', () => {
  it('-h 127.0.0.1 matches SAN IP:127.0.0.1', async () => {
    expectPong(await cli(TLS('main', '-h', '127.0.0.1', 'ping')));
  });

  it('-h localhost matches SAN DNS:localhost', async () => {
    expectPong(await cli(TLS('main', '-h', 'localhost', 'ping')));
  });

  it('wrongHost: names the host checked, the SANs found, --sni and --no-verify-hostname', async () => {
    const r = await cli(TLS('wrongHost', 'ping'));
    expectFailure(
      r,
      `${refused(tlsPort('wrongHost'))}TLS handshake failed: the certificate does not match the host name "127.0.0.1": its names are DNS:wrong.example.com\n`,
      /hint: .*--sni NAME.*--no-verify-hostname/,
    );
  });

  it('wrongHost with -h localhost: the name checked is localhost', async () => {
    expectFailure(await cli(TLS('wrongHost', '-h', 'localhost', 'ping')), 'does not match the host name "localhost": its names are DNS:wrong.example.com');
  });

  it('wrongHost with --sni wrong.example.com: PONG', async () => {
    expectPong(await cli(TLS('wrongHost', '--sni', 'wrong.example.com', 'ping')));
  });

  it('main with --sni wrong.example.com: the name checked is the SNI sent', async () => {
    expectFailure(await cli(TLS('main', '--sni', 'wrong.example.com', 'ping')), 'does not match the host name "wrong.example.com": its names are DNS:localhost, IP Address:127.0.0.1');
  });

  it('wrongHost with --no-verify-hostname: PONG', async () => {
    expectPong(await cli(TLS('wrongHost', '--no-verify-hostname', 'ping')));
  });

  it('--no-verify-hostname still fails on a wrong CA', async () => {
    expectFailure(await cli(TLS('otherCa', '--no-verify-hostname', 'ping')), 'the chain ends in the root "tredis unrelated CA"');
  });

  it('--insecure passes everything (wrong CA and wrong host)', async () => {
    expectPong(await cli(['--tls', '-p', tlsPort('otherCa'), '--insecure', 'ping']));
    expectPong(await cli(['--tls', '-p', tlsPort('wrongHost'), '--insecure', 'ping']));
  });
});

describe.concurrent('chains', () => {
  it('chain (leaf + intermediate sent): PONG', async () => {
    expectPong(await cli(TLS('chain', 'ping')));
  });

  it('chainMissing (leaf only): the missing intermediate is explained', async () => {
    const r = await cli(TLS('chainMissing', 'ping'));
    expectFailure(
      r,
      'TLS handshake failed: the server sent only its own certificate "localhost (via intermediate)"; its issuer "tredis test intermediate CA" is not trusted',
      /hint: if "tredis test intermediate CA" is an intermediate CA, add it after the leaf in the server's tls-cert-file/,
    );
  });

  it('chainMissing with the intermediate added on the client side (--cacertdir): PONG', async () => {
    const dir = mkdtempSync(path.join(tmp, 'inter-'));
    copyFileSync(certs().interCa, path.join(dir, 'inter.pem'));
    expectPong(await cli(TLS('chainMissing', '--cacertdir', dir, 'ping')));
  });
});

describe.concurrent('TLS ↔ plaintext mismatch', () => {
  // A plaintext Redis port says nothing to a ClientHello: the handshake gets -t minus a reserve
  // (a quarter, at most 1 s), then the port is asked in plaintext within that reserve.
  it('--tls against the plaintext port: "drop --tls", within -t', async () => {
    const r = await cli(['--tls', '--cacert', certs().ca, '-t', '2', '-p', String(lab().servers.main.port), 'ping']);
    expectFailure(r, `${refused(lab().servers.main.port!)}TLS handshake failed: `, 'plaintext', 'hint: drop --tls');
    expect(r.ms).toBeLessThan(2_000 + 2_500); // -t, plus start-up on a loaded machine
  });

  it('--tls against the plaintext unix socket: "drop --tls", within -t', async () => {
    const r = await cli(['--tls', '--insecure', '-t', '2', '-s', lab().servers.main.socket!, 'ping']);
    expectFailure(r, `Could not connect to Redis at ${lab().servers.main.socket}: TLS handshake failed: `, 'hint: drop --tls');
    expect(r.ms).toBeLessThan(2_000 + 2_500);
  });

  it('a TLS server slow to answer the ClientHello (1.5 s): PONG, and no plaintext probe (one connection)', async () => {
    const c = certs();
    const slow = await startHostile({
      tls: { cert: c.serverCert, key: c.serverKey },
      handshakeDelayMs: 1_500,
      script: async (conn) => {
        await conn.firstData();
        await conn.write('+PONG\r\n');
        await conn.sleep(5_000);
      },
    });
    try {
      const r = await cli(['--tls', '--cacert', c.ca, '-t', '5', '-p', String(slow.port), 'ping']);
      expect({ out: r.out, err: r.err, code: r.code }).toEqual({ out: 'PONG\n', err: '', code: 0 });
      expect(slow.connections).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('no --tls against the TLS port: the error, then "add --tls"', async () => {
    const r = await cli(['-p', tlsPort('main'), 'ping']);
    expectFailure(r, /^Error: (Connection reset by peer|Server closed the connection)\n/, `hint: 127.0.0.1:${tlsPort('main')} speaks TLS: add --tls`);
  });

  it('no --tls against the TLS port: first line as redis-cli', async () => {
    requireRedisCli();
    const args = ['-p', tlsPort('main'), 'ping'];
    const [ours, ref] = await Promise.all([cli(args), run('redis-cli', args)]);
    expect(ours.err.split('\n')[0]).toBe(ref.stderr.toString('latin1').split('\n')[0]);
    expect(ours.code).toBe(ref.code);
  });

  it('plaintext: the plaintext port answers', async () => {
    expectPong(await cli(['-p', String(lab().servers.main.port), 'ping']));
  });
});

describe.concurrent('timeouts: a port that accepts TCP and never answers', () => {
  it('--tls -t 1: fails in about 1 s with a timeout message, exit 1', async () => {
    const r = await cli(['--tls', '--insecure', '-t', '1', '-p', String(silentPort), 'ping']);
    expectFailure(r, `${refused(silentPort)}TLS handshake failed: no TLS handshake within 1 s\n`, /hint: .*-t SECONDS/);
    expect(r.ms).toBeGreaterThanOrEqual(900);
    expect(r.ms).toBeLessThan(3_000);
  });

  // Plaintext: TCP is up, so there is no handshake to time out and the command waits for its reply,
  // as redis-cli does (a reply timeout would break BLPOP 0). Documents the current decision.
  // A reply may rightly take long (redis-cli waits forever), so a silent server is not an error:
  // after -t seconds without a single byte, one warning says so on stderr, and it keeps waiting.
  it('plaintext -t 1: warns once after 1 s and keeps waiting for the reply', async () => {
    const r = await cli(['-t', '1', '-p', String(silentPort), 'ping'], { timeoutMs: 2_500 });
    expect(r.timedOut).toBe(true);
    expect(r.out).toBe('');
    expect(r.err).toBe(`Warning: no reply from 127.0.0.1:${silentPort} after 1 s (is it a Redis server?); still waiting, Ctrl-C to stop\n`);
  });

  it('plaintext -t 1 with -a: AUTH without a reply is a connect timeout (exit 1)', async () => {
    const r = await cli(['-t', '1', '-p', String(silentPort), '-a', 'x', '--no-auth-warning', 'ping']);
    expectFailure(r, `Could not connect to Redis at 127.0.0.1:${silentPort}: no reply to AUTH/SELECT/HELLO within 1 s`);
    expect(r.ms).toBeLessThan(3_000);
  });

  it('--tls -t 0.3: the timeout follows -t', async () => {
    const r = await cli(['--tls', '--insecure', '-t', '0.3', '-p', String(silentPort), 'ping']);
    expectFailure(r, 'no TLS handshake within 0.3 s');
    expect(r.ms).toBeLessThan(2_000);
  });
});

describe.concurrent('key and certificate files', () => {
  const mt = () => TLS('mtls');

  it.each([
    { name: 'missing --cacert', args: () => ['--tls', '-p', tlsPort('main'), '--cacert', path.join(tmp, 'nope.crt'), 'ping'], message: () => `Could not read CA certificate file ${path.join(tmp, 'nope.crt')}: no such file\nhint: check the path given to --cacert\n` },
    { name: '--cacert is a folder', args: () => ['--tls', '-p', tlsPort('main'), '--cacert', certs().caDir, 'ping'], message: () => `Could not read CA certificate file ${certs().caDir}: it is a folder\nhint: check the path given to --cacert\n` },
    { name: '--cacert without a certificate', args: () => ['--tls', '-p', tlsPort('main'), '--cacert', path.join(tmp, 'not-a-cert.pem'), 'ping'], message: () => `Invalid CA Certificate File: ${path.join(tmp, 'not-a-cert.pem')} holds no PEM certificate\nhint: give --cacert a PEM file (-----BEGIN CERTIFICATE-----)\n` },
    { name: 'missing --cert', args: () => [...mt(), '--cert', path.join(tmp, 'nope.crt'), '--key', certs().clientKey, 'ping'], message: () => `Could not read client certificate ${path.join(tmp, 'nope.crt')}: no such file\nhint: check the path given to --cert\n` },
    { name: 'missing --key', args: () => [...mt(), '--cert', certs().clientCert, '--key', path.join(tmp, 'nope.key'), 'ping'], message: () => `Could not read private key ${path.join(tmp, 'nope.key')}: no such file\nhint: check the path given to --key\n` },
    { name: '--cert without --key', args: () => [...mt(), '--cert', certs().clientCert, 'ping'], message: () => '--cert given without --key\nhint: a client certificate needs both --cert FILE and --key FILE\n' },
    {
      name: 'cert/key mismatch (key of another type)',
      args: () => [...mt(), '--cert', certs().clientCert, '--key', certs().serverKey, 'ping'],
      message: () => `Could not negotiate a TLS connection: the private key ${certs().serverKey} does not belong to the certificate ${certs().clientCert}\nhint: pass the key that was generated with that certificate to --key\n`,
    },
    {
      name: 'cert/key mismatch (same key type)',
      args: () => [...mt(), '--cert', certs().serverCert, '--key', certs().otherServerKey, 'ping'],
      message: () => `Could not negotiate a TLS connection: the private key ${certs().otherServerKey} does not belong to the certificate ${certs().serverCert}\nhint: pass the key that was generated with that certificate to --key\n`,
    },
  ])('$name', async ({ args, message }) => {
    const r = await cli(args());
    expectFailure(r);
    expect(r.err).toBe(message());
  });

  // (Permission bits do not stop root, which CI runs as; a path through a file fails for everyone.)
  it('--cacert path that runs through a file', async () => {
    const f = path.join(certs().ca, 'ca.crt');
    const r = await cli(['--tls', '-p', tlsPort('main'), '--cacert', f, 'ping']);
    expectFailure(r, `Could not read CA certificate file ${f}: a part of the path is not a folder\n`);
  });

  it('a key file that is not PEM', async () => {
    const r = await cli([...mt(), '--cert', certs().clientCert, '--key', path.join(tmp, 'garbage.key'), 'ping']);
    expectFailure(r, 'Could not negotiate a TLS connection: ', /hint: .*--key/);
  });

  it('encrypted key, no passphrase, stdin not a terminal: a clear error naming --key-pass-env', async () => {
    const r = await cli([...mt(), '--cert', certs().clientEncCert, '--key', certs().clientEncKey, 'ping'], { stdin: '' });
    expectFailure(r, `The private key ${certs().clientEncKey} is encrypted and no passphrase was given\n`, 'hint: set --key-pass-env VAR');
  });

  it('encrypted key with --key-pass-env VAR: PONG', async () => {
    const r = await cli([...mt(), '--cert', certs().clientEncCert, '--key', certs().clientEncKey, '--key-pass-env', 'TREDIS_KEY_PASS', 'ping'], {
      env: { TREDIS_KEY_PASS: lab().secrets.clientKeyPassphrase },
    });
    expectPong(r);
  });

  it('encrypted key of another certificate: the mismatch, not a silently dropped certificate', async () => {
    const r = await cli([...mt(), '--cert', certs().clientCert, '--key', certs().clientEncKey, '--key-pass-env', 'TREDIS_KEY_PASS', 'ping'], {
      env: { TREDIS_KEY_PASS: lab().secrets.clientKeyPassphrase },
    });
    expectFailure(r, `Could not negotiate a TLS connection: the private key ${certs().clientEncKey} does not belong to the certificate ${certs().clientCert}\n`);
  });

  it('encrypted key with a wrong passphrase', async () => {
    const r = await cli([...mt(), '--cert', certs().clientEncCert, '--key', certs().clientEncKey, '--key-pass-env', 'TREDIS_KEY_PASS', 'ping'], {
      env: { TREDIS_KEY_PASS: 'wrong' },
    });
    expectFailure(r, `Could not negotiate a TLS connection: wrong passphrase for ${certs().clientEncKey}\n`);
  });

  it('--key-pass-env naming an unset variable', async () => {
    const r = await cli([...mt(), '--cert', certs().clientEncCert, '--key', certs().clientEncKey, '--key-pass-env', 'TREDIS_UNSET_VAR', 'ping'], {
      env: { TREDIS_UNSET_VAR: undefined },
    });
    expectFailure(r, '--key-pass-env TREDIS_UNSET_VAR: that environment variable is not set\n');
  });
});

describe.concurrent('URIs and unix sockets', () => {
  it('rediss:// with --cacert: PONG', async () => {
    expectPong(await cli(['-u', `rediss://127.0.0.1:${tlsPort('main')}`, '--cacert', certs().ca, 'ping']));
  });

  it('rediss://localhost with --cacert: PONG (SNI and name check on localhost)', async () => {
    expectPong(await cli(['-u', `rediss://localhost:${tlsPort('main')}`, '--cacert', certs().ca, 'ping']));
  });

  it('rediss:// without a CA: the verify error, --cacert hinted', async () => {
    expectFailure(await cli(['-u', `rediss://127.0.0.1:${tlsPort('main')}`, 'ping']), 'TLS handshake failed', /hint: .*--cacert FILE/);
  });

  it('redis:// to the TLS port: "add --tls"', async () => {
    expectFailure(await cli(['-u', `redis://127.0.0.1:${tlsPort('main')}`, 'ping']), 'add --tls');
  });

  it('unix socket: PONG', async () => {
    expectPong(await cli(['-s', lab().servers.main.socket!, 'ping']));
  });
});

describe.concurrent('connect errors worded as redis-cli', () => {
  let deadPort: number;
  beforeAll(async () => {
    [deadPort] = await freePorts(1);
  });

  it('connection refused: exact wording', async () => {
    const r = await cli(['-p', String(deadPort), 'ping']);
    expectFailure(r);
    expect(r.err).toBe(`Could not connect to Redis at 127.0.0.1:${deadPort}: Connection refused\n`);
  });

  it('connection refused with --tls: same wording', async () => {
    const r = await cli(['--tls', '--cacert', certs().ca, '-p', String(deadPort), 'ping']);
    expect(r.err).toBe(`Could not connect to Redis at 127.0.0.1:${deadPort}: Connection refused\n`);
    expect(r.code).toBe(1);
  });

  const oracleRows = [
    { name: 'connection refused', args: () => ['-p', String(deadPort), 'ping'], err: /^Could not connect to Redis at 127\.0\.0\.1:\d+: Connection refused\n$/ },
    {
      name: 'unknown host',
      args: () => ['-h', 'no-such-host.invalid', 'ping'],
      err: /^Could not connect to Redis at no-such-host\.invalid:6379: (Name or service not known|Temporary failure in name resolution)\n$/,
    },
    { name: 'missing unix socket', args: () => ['-s', path.join(tmp, 'no.sock'), 'ping'], err: /^Could not connect to Redis at .*no\.sock: No such file or directory\n$/ },
    { name: 'negative port', args: () => ['-p', '-1', 'ping'], err: /^Could not connect to Redis at 127\.0\.0\.1:-1: Servname not supported for ai_socktype\n$/ },
    {
      name: 'piped commands, refused: once at start and once per command, exit 0',
      args: () => ['-p', String(deadPort)],
      stdin: 'ping\nping\n',
      err: /^(Could not connect to Redis at 127\.0\.0\.1:\d+: Connection refused\n){3}$/,
    },
  ];

  it.each(oracleRows)('$name', async ({ args, stdin, err }) => {
    const r = await cli(args(), stdin === undefined ? {} : { stdin });
    expect(r.err).toMatch(err);
    expect(r.code).toBe(stdin === undefined ? 1 : 0);
    expect(r.out).toBe('');
  });

  it.each(oracleRows)('$name: same stdout, stderr and exit code as redis-cli 7.0.15', async ({ args, stdin }) => {
    requireRedisCli();
    const opts = stdin === undefined ? {} : { stdin };
    const [ours, ref] = await Promise.all([cli(args(), opts), run('redis-cli', args(), opts)]);
    expect(ours.err).toBe(ref.stderr.toString('latin1'));
    expect(ours.out).toBe(ref.stdout.toString('latin1'));
    expect(ours.code).toBe(ref.code);
  });
});
