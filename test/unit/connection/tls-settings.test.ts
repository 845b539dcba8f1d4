// src/connection/tls-settings.ts: every TLS setting that OpenSSL would apply partly (or drop) is an
// error naming the option and the value; what OpenSSL applies exactly passes.
import { describe, expect, it } from 'vitest';
import type { TlsConfig } from '../../../src/connection/config.js';
import { checkTlsSettings } from '../../../src/connection/tls-settings.js';
import { TlsError } from '../../../src/errors.js';

const tls = (over: Partial<TlsConfig>): TlsConfig => ({ insecure: false, verifyHostname: true, ...over });
const PIN = 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';

describe('checkTlsSettings', () => {
  it.each([
    { name: 'nothing set', over: {} },
    { name: 'cipher names', over: { ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA' } },
    { name: 'aliases, exclusions of absent algorithms, keywords', over: { ciphers: 'HIGH:!aNULL:!MD5:!RC4:!3DES:-EXP:+SHA256:@STRENGTH' } },
    { name: 'spaces and commas as separators', over: { ciphers: 'ECDHE+AESGCM, AES256-SHA DEFAULT' } },
    { name: 'security level', over: { ciphers: 'DEFAULT:@SECLEVEL=2' } },
    { name: 'TLS 1.3 suites', over: { ciphersuites: 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256' } },
    { name: 'no TLS 1.3 suite (TLS 1.2 only)', over: { ciphersuites: '' } },
    { name: 'groups', over: { groups: 'X25519:P-256:secp384r1:ffdhe2048' } },
    { name: 'a one-version range', over: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } },
    { name: 'a pin', over: { pinSha256: [PIN] } },
  ] as Array<{ name: string; over: Partial<TlsConfig> }>)('accepts $name', ({ over }) => {
    expect(() => checkTlsSettings(tls(over))).not.toThrow();
  });

  it.each([
    { name: 'unknown cipher', over: { ciphers: 'BOGUS' }, message: 'Could not apply --tls-ciphers "BOGUS": "BOGUS" is not a cipher or alias this OpenSSL knows' },
    { name: 'a list that takes away all it adds', over: { ciphers: '!ALL' }, message: 'Could not apply --tls-ciphers "!ALL": the list as a whole selects no cipher (what it adds, it also takes away)' },
    { name: 'HIGH:!HIGH', over: { ciphers: 'HIGH:!HIGH' }, message: 'Could not apply --tls-ciphers "HIGH:!HIGH": the list as a whole selects no cipher (what it adds, it also takes away)' },
    { name: 'one good, one unknown cipher', over: { ciphers: 'AES128-SHA:BOGUS' }, message: 'Could not apply --tls-ciphers "AES128-SHA:BOGUS": "BOGUS" is not a cipher or alias this OpenSSL knows' },
    { name: 'unknown name in an exclusion', over: { ciphers: 'HIGH:!aNUL' }, message: 'Could not apply --tls-ciphers "HIGH:!aNUL": "aNUL" is not a cipher or alias this OpenSSL knows' },
    { name: 'unknown part of A+B', over: { ciphers: 'ECDHE+AESGMC' }, message: 'Could not apply --tls-ciphers "ECDHE+AESGMC": "AESGMC" is not a cipher or alias this OpenSSL knows' },
    { name: 'an alias with nothing in it', over: { ciphers: 'RC4' }, message: 'Could not apply --tls-ciphers "RC4": "RC4" selects no cipher this OpenSSL offers' },
    { name: 'unknown keyword', over: { ciphers: 'HIGH:@FOO' }, message: 'Could not apply --tls-ciphers "HIGH:@FOO": unknown keyword "@FOO" (OpenSSL knows @STRENGTH and @SECLEVEL=0..5)' },
    { name: 'empty cipher list', over: { ciphers: '' }, message: 'Could not apply --tls-ciphers "": no cipher named' },
    { name: 'a TLS 1.3 suite as a cipher', over: { ciphers: 'TLS_AES_128_GCM_SHA256' }, message: 'Could not apply --tls-ciphers "TLS_AES_128_GCM_SHA256": "TLS_AES_128_GCM_SHA256" is a TLS 1.3 suite; --tls-ciphers sets TLS 1.2 and older ciphers' },
    { name: 'unknown suite', over: { ciphersuites: 'BOGUS' }, message: 'Could not apply --tls-ciphersuites "BOGUS": "BOGUS" is not a TLS 1.3 cipher suite this OpenSSL knows' },
    { name: 'one good, one unknown suite', over: { ciphersuites: 'TLS_AES_128_GCM_SHA256:TLS_BOGUS' }, message: 'Could not apply --tls-ciphersuites "TLS_AES_128_GCM_SHA256:TLS_BOGUS": "TLS_BOGUS" is not a TLS 1.3 cipher suite this OpenSSL knows' },
    { name: 'a TLS 1.2 cipher as a suite', over: { ciphersuites: 'AES128-SHA' }, message: 'Could not apply --tls-ciphersuites "AES128-SHA": "AES128-SHA" is not a TLS 1.3 cipher suite this OpenSSL knows' },
    { name: 'suite in lower case', over: { ciphersuites: 'tls_aes_128_gcm_sha256' }, message: 'Could not apply --tls-ciphersuites "tls_aes_128_gcm_sha256": "tls_aes_128_gcm_sha256" must be written TLS_AES_128_GCM_SHA256' },
    { name: 'empty name in the suites', over: { ciphersuites: 'TLS_AES_128_GCM_SHA256::' }, message: 'Could not apply --tls-ciphersuites "TLS_AES_128_GCM_SHA256::": an empty name in the list' },
    { name: 'unknown group', over: { groups: 'BOGUS' }, message: 'Could not apply --tls-groups "BOGUS": "BOGUS" is not a key exchange group this OpenSSL knows' },
    { name: 'one good, one unknown group', over: { groups: 'X25519:BOGUS' }, message: 'Could not apply --tls-groups "X25519:BOGUS": "BOGUS" is not a key exchange group this OpenSSL knows' },
    { name: 'empty groups', over: { groups: '' }, message: 'Could not apply --tls-groups "": no group named' },
    { name: 'an empty version range', over: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' }, message: 'Could not apply --tls-min-version TLSv1.3 with --tls-max-version TLSv1.2: no TLS version is in that range' },
    { name: 'TLS 1.3 only without suites', over: { minVersion: 'TLSv1.3', ciphersuites: '' }, message: 'Could not apply --tls-ciphersuites "" with --tls-min-version TLSv1.3: no cipher suite is left' },
    { name: 'a pin of the wrong size', over: { pinSha256: [PIN.slice(4)] }, message: `Could not apply --pin-sha256 "${PIN.slice(4)}": not a base64 SHA-256 hash (44 characters ending in "=")` },
  ] as Array<{ name: string; over: Partial<TlsConfig>; message: string }>)('rejects $name', ({ over, message }) => {
    let err: unknown;
    try {
      checkTlsSettings(tls(over));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).message).toBe(message);
    expect((err as TlsError).code).toBe('TLS_SETTING');
    expect((err as TlsError).hint).toBeTruthy();
  });
});
