// The handshake report renderers (src/format/handshake.ts) on hand-written reports: plain text,
// colour, the cli-table3 layout and its width, JSON; and the schema file against the same reports.
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ChainCertificateReport, HandshakeReport } from '../../../src/connection/handshake.js';
import { loadHandshakeTable, renderHandshakeJson, renderHandshakeText, wrapText } from '../../../src/format/handshake.js';
import { loadHandshakeSchema, validate } from '../../integration/handshake-schema.js';

const FP = 'B1:91:00:22:28:46:14:94:0A:02:3B:16:A2:09:F3:54:8A:1F:EC:03:DB:72:92:C4:F1:7B:E5:4B:7A:8A:53:1F';

function cert(over: Partial<ChainCertificateReport>): ChainCertificateReport {
  return {
    depth: 0,
    subject: 'O=lab, CN=localhost',
    issuer: 'O=lab, CN=test CA',
    commonName: 'localhost',
    sans: ['DNS:localhost', 'IP Address:127.0.0.1'],
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: '2027-01-01T00:00:00.000Z',
    daysLeft: 200,
    validity: 'valid',
    keyType: 'ec',
    keyBits: 256,
    keyCurve: 'prime256v1',
    signatureAlgorithm: 'ecdsa-with-SHA256',
    fingerprintSha256: FP,
    spkiSha256: '2Ivb6UPdeKkndBG+r43Chp8Dyns8tNsjqg7wUqXPOn0=',
    serial: 'B04705B1FC17112E6BF96DE76AF7A735',
    isCA: false,
    selfSigned: false,
    inTrustStore: false,
    status: 'ok',
    problem: null,
    ...over,
  };
}

function verified(): HandshakeReport {
  return {
    schema: 'tredis-cli.handshake/1',
    generatedAt: '2026-06-01T12:00:00.000Z',
    target: { host: 'localhost', port: 6380, socket: null },
    address: { ip: '127.0.0.1', family: 'IPv4' },
    transport: 'tls',
    timings: { resolveMs: 0.2, connectMs: 1.5, tlsMs: 6.25, authMs: null, selectMs: null, helloMs: null, firstReplyMs: 0.5, totalMs: 8.45 },
    tls: {
      verifyMode: 'full',
      sni: { sent: 'localhost', reason: null },
      trust: { source: 'file', paths: ['/c/ca.crt'], caCount: 1, description: '--cacert /c/ca.crt (1 certificate)' },
      negotiated: {
        protocol: 'TLSv1.3',
        cipher: { standardName: 'TLS_AES_256_GCM_SHA384', opensslName: 'TLS_AES_256_GCM_SHA384' },
        keyExchange: { group: 'X25519', type: 'ECDH', bits: 253 },
        signature: { scheme: 'ecdsa_secp256r1_sha256', inferred: true, basis: "the only scheme TLS 1.3 allows for the server's P-256 key" },
        alpn: null,
        resumed: false,
        ticket: true,
        ticketLifetimeSec: 300,
      },
      chain: {
        source: 'handshake',
        certificates: [cert({ validity: 'expiring', daysLeft: 5 }), cert({ depth: 1, subject: 'O=lab, CN=test CA', commonName: 'test CA', sans: [], isCA: true, selfSigned: true, inTrustStore: true, daysLeft: 3000 })],
        missingIssuer: null,
      },
      verification: { chain: 'ok', code: null, reason: null, hint: null, failedDepth: null },
      identity: { status: 'matched', name: 'localhost', matchedSan: 'DNS:localhost', sentence: 'SAN DNS:localhost matched host "localhost"' },
      probes: null,
      pin: null,
      clientCertificate: { requested: false, basis: 'the server sent no CertificateRequest', source: null, encryptedKey: false, sent: false, certificate: null, acceptedSigalgs: [] },
    },
    warnings: ['the server certificate "localhost" expires in 5 days (2027-01-01)'],
    weaknesses: [],
    verdict: { ok: true, status: 'verified', code: null, stage: null, summary: 'connected with TLSv1.3 TLS_AES_256_GCM_SHA384; chain verified; host name matched', reason: null, hint: null },
  };
}

function failedMissingIssuer(): HandshakeReport {
  const r = verified();
  const tls = r.tls!;
  tls.chain = { source: 'handshake', certificates: [cert({ status: 'failed', problem: 'the server sent only its own certificate' })], missingIssuer: 'O=lab, CN=intermediate' };
  tls.verification = { chain: 'failed', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', reason: 'the server sent only its own certificate', hint: 'add the intermediate to tls-cert-file', failedDepth: 0 };
  tls.identity = { status: 'not-checked', name: 'localhost', matchedSan: 'DNS:localhost', sentence: 'not checked: chain verification failed first' };
  r.warnings = [];
  r.timings.firstReplyMs = null;
  r.verdict = { ok: false, status: 'failed', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', stage: 'verify', summary: 'FAILED at verify: …', reason: 'the server sent only its own certificate', hint: 'add the intermediate to tls-cert-file' };
  return r;
}

function plaintext(): HandshakeReport {
  return {
    ...verified(),
    transport: 'plaintext',
    tls: null,
    warnings: [],
    timings: { resolveMs: 0.1, connectMs: 0.4, tlsMs: null, authMs: 0.3, selectMs: null, helloMs: null, firstReplyMs: 0.2, totalMs: 1 },
    verdict: { ok: true, status: 'plaintext', code: null, stage: null, summary: 'connected in plaintext', reason: null, hint: 'use --tls' },
  };
}

describe('wrapText', () => {
  it.each([
    { name: 'short line unchanged', text: 'abc def', width: 20, cont: '', expected: 'abc def' },
    { name: 'breaks at spaces', text: 'aaaa bbbb cccc dddd eeee ffff', width: 20, cont: '', expected: 'aaaa bbbb cccc dddd\neeee ffff' },
    { name: 'continuation indent', text: 'key      aaaa bbbb cccc dddd', width: 20, cont: '         ', expected: 'key      aaaa bbbb\n         cccc dddd' },
    { name: 'long word cut, current line filled first', text: `sha256   ${'AB:'.repeat(8)}`, width: 20, cont: '         ', expected: 'sha256   AB:AB:AB:AB\n         :AB:AB:AB:A\n         B:' },
    { name: 'keeps existing newlines', text: 'a\nb', width: 20, cont: '', expected: 'a\nb' },
    { name: 'no width: unchanged', text: 'x '.repeat(50), width: undefined, cont: '', expected: 'x '.repeat(50) },
  ])('$name', ({ text, width, cont, expected }) => {
    expect(wrapText(text, width, cont)).toBe(expected);
  });

  it('measures without colour codes', () => {
    const red = '\x1b[31mred\x1b[39m';
    expect(wrapText(`${red} ${red} ${red} ${red} ${red} ${red}`, 20)).toBe(`${red} ${red} ${red} ${red} ${red}\n${red}`);
  });
});

describe('renderHandshakeText, plain', () => {
  it('has every section, the tree, the timings, no colour codes', () => {
    const text = renderHandshakeText(verified(), { color: false });
    expect(text).not.toMatch(/\x1b\[/);
    expect(text.split('\n').slice(0, 6)).toEqual([
      'TLS handshake report for localhost:6380',
      'Connection',
      '  target         localhost:6380',
      '  address        127.0.0.1 (IPv4) port 6380',
      '  transport      TLS',
      '  timings        resolve 0.2 ms → TCP connect 1.5 ms → TLS handshake 6.3 ms → first reply 0.5 ms   (total 8.4 ms)',
    ]);
    expect(text).toContain('  SNI            localhost\n');
    expect(text).toContain('  key exchange   X25519 (ECDH, 253 bits)\n');
    expect(text).toContain('  session        new (full handshake); ticket received (lifetime 300 s)\n');
    expect(text).toContain(
      [
        'Server chain',
        '  localhost  ✓',
        '  │  subject  O=lab, CN=localhost',
        '  │  issuer   O=lab, CN=test CA',
        '  │  SANs     DNS:localhost, IP Address:127.0.0.1',
        '  │  valid    2026-01-01 → 2027-01-01  ! expires in 5 days',
        '  │  key      EC P-256 (prime256v1), 256 bits; signed with ecdsa-with-SHA256',
        `  │  sha256   ${FP}`,
        '  │  serial   B04705B1FC17112E6BF96DE76AF7A735',
        '  └─ test CA  ✓ (self-signed root, in the trust store)',
        '        subject  O=lab, CN=test CA',
      ].join('\n'),
    );
    expect(text).toContain('  identity       ✓ SAN DNS:localhost matched host "localhost"\n');
    expect(text).toContain('  sent           no (not asked for)\n');
    expect(text).toContain('  warning        the server certificate "localhost" expires in 5 days (2027-01-01)\n');
    expect(text).toMatch(/ {2}verdict +✓ OK connected with TLSv1\.3/);
  });

  it('a failure: the failing certificate, the missing issuer, code and fix', () => {
    const text = renderHandshakeText(failedMissingIssuer(), { color: false });
    expect(text).toContain('  localhost  ✗ failed\n');
    expect(text).toContain('  │  problem  the server sent only its own certificate\n');
    expect(text).toContain('  └─ ✗ O=lab, CN=intermediate  missing: not sent by the server and not in the trust store\n');
    expect(text).toContain('  chain          ✗ UNABLE_TO_VERIFY_LEAF_SIGNATURE at depth 0 (localhost)\n');
    expect(text).toContain('  verdict        ✗ FAILED the server sent only its own certificate\n');
    expect(text).toContain('  code           UNABLE_TO_VERIFY_LEAF_SIGNATURE (stage: verify)\n');
    expect(text).toContain('  fix            add the intermediate to tls-cert-file\n');
  });

  it('plaintext: no TLS sections, AUTH timed', () => {
    const text = renderHandshakeText(plaintext(), { color: false });
    expect(text.startsWith('Connection report for localhost:6380\n')).toBe(true);
    expect(text).toContain('plaintext (not encrypted)');
    expect(text).toContain('resolve 0.1 ms → TCP connect 0.4 ms → AUTH 0.3 ms → first reply 0.2 ms');
    expect(text).not.toContain('Server chain');
  });

  it('expired and not-yet-valid certificates stand out', () => {
    const r = verified();
    r.tls!.chain.certificates = [cert({ validity: 'expired', daysLeft: -3 }), cert({ depth: 1, validity: 'not-yet-valid', validFrom: '2030-01-01T00:00:00.000Z' })];
    const text = renderHandshakeText(r, { color: true });
    expect(text).toContain('\x1b[31m! EXPIRED 3 days ago\x1b[39m');
    expect(text).toContain('\x1b[31m! NOT YET VALID (starts 2030-01-01)\x1b[39m');
  });
});

describe('renderHandshakeText, colour', () => {
  it('colours marks and expiry, and is the plain text once the codes are removed', () => {
    const coloured = renderHandshakeText(verified(), { color: true });
    expect(coloured).toContain('\x1b[32m✓\x1b[39m');
    expect(coloured).toContain('\x1b[33m! expires in 5 days\x1b[39m');
    expect(stripVTControlCharacters(coloured)).toBe(renderHandshakeText(verified(), { color: false }));
  });
});

describe('renderHandshakeText, table', () => {
  it.each([80, 100, 140])('fits %i columns, with a box and one row per field', async (width) => {
    const Table = await loadHandshakeTable();
    for (const report of [verified(), failedMissingIssuer(), plaintext()]) {
      const text = renderHandshakeText(report, { color: true, table: Table, width });
      const lines = stripVTControlCharacters(text).trimEnd().split('\n');
      expect(lines[0]).toMatch(/^┌─+┬─+┬─+┐$/);
      expect(lines.at(-1)).toMatch(/^└─+┴─+┴─+┘$/);
      for (const l of lines) expect(l.length).toBe(lines[0]!.length);
      expect(lines[0]!.length).toBeLessThanOrEqual(width);
      // the fingerprint is cut across lines, not truncated with an ellipsis
      if (report.tls) expect(lines.join('\n')).not.toContain('…');
    }
  });
});

describe('renderHandshakeJson and the schema file', () => {
  const schema = loadHandshakeSchema();

  it('one line of JSON, or pretty', () => {
    const line = renderHandshakeJson(verified());
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(verified());
    expect(renderHandshakeJson(verified(), true)).toContain('\n  "schema": "tredis-cli.handshake/1",\n');
  });

  it.each([
    { name: 'verified', report: verified() },
    { name: 'failed', report: failedMissingIssuer() },
    { name: 'plaintext', report: plaintext() },
  ])('the $name report matches the schema', ({ report }) => {
    expect(validate(JSON.parse(renderHandshakeJson(report)), schema)).toEqual([]);
  });

  it('the schema rejects a missing field, an unknown field, a bad enum value', () => {
    const r = JSON.parse(renderHandshakeJson(verified())) as Record<string, unknown> & { tls: Record<string, unknown> };
    delete (r.timings as Record<string, unknown>).tlsMs;
    r.extra = 1;
    (r.tls.chain as { certificates: Array<Record<string, unknown>> }).certificates[0]!.validity = 'fine';
    expect(validate(r, schema)).toEqual([
      '$.timings.tlsMs: missing',
      '$.tls.chain.certificates[0].validity: "fine" not in ["valid","expiring","expired","not-yet-valid"]',
      '$.extra: not in the schema',
    ]);
  });
});
