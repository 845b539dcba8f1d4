/**
 * No silent TLS downgrade: every cipher, suite, group and version setting is checked before any
 * connection, because OpenSSL quietly skips names it does not know (`AES128-SHA:BOGUS` keeps only
 * AES128-SHA; Node passes an unknown `TLS_…` suite to SSL_CTX_set_ciphersuites, which drops it)
 * and Node only rejects some of them, at handshake time. A setting that cannot be applied exactly
 * as given is an error naming the option and the value.
 */
import { createSecureContext, getCiphers } from 'node:tls';
import { TlsError } from '../errors.js';
import type { TlsConfig } from './config.js';

/**
 * The TLS 1.3 suites of OpenSSL 3 (RFC 8446 names; SSL_CTX_set_ciphersuites matches them exactly).
 * Those that this OpenSSL build has are also in `tls.getCiphers()` (lower case).
 */
const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256'];

/**
 * OpenSSL cipher-string aliases for algorithms that modern builds leave out (they select nothing,
 * so they cannot be tested by trying them): fine after `!`, `-` or `+` (`HIGH:!RC4:!3DES`), an
 * error when asked for.
 */
const EMPTY_ALIASES = new Set([
  'EXP', 'EXPORT', 'EXPORT40', 'EXPORT56', 'EXP40', 'EXP56', 'LOW', 'RC4', 'RC2', 'DES', '3DES', 'IDEA', 'SEED',
  'aGOST', 'aGOST01', 'aGOST12', 'kGOST', 'kGOST18', 'GOST94', 'GOST89MAC', 'GOST12', 'GOST2012', 'kKRB5', 'aKRB5',
  'KRB5', 'kDHr', 'kDHd', 'kDH', 'aDH', 'kECDHr', 'kECDHe', 'kECDH', 'aECDH', 'SSLv2', 'DSS', 'aDSS', 'FIPS',
]);

/** Cipher string separators, as OpenSSL's ssl_cipher_process_rulestr reads them. */
const SEPARATORS = /[:, ]+/;

function settingError(flag: string, value: string, why: string, hint: string): TlsError {
  return new TlsError(`Could not apply ${flag} ${JSON.stringify(value)}: ${why}`, { code: 'TLS_SETTING', hint });
}

/** True when the cipher string selects at least one TLS <= 1.2 cipher in this OpenSSL. */
function selectsSomething(rule: string): boolean {
  for (const ciphers of [rule, `${rule}:@SECLEVEL=0`]) {
    try {
      createSecureContext({ ciphers });
      return true;
    } catch {
      // no cipher match: try at security level 0 (aliases such as eNULL exist but are filtered at 1)
    }
  }
  return false;
}

/** Checks an OpenSSL cipher string (--tls-ciphers) element by element. */
export function checkCipherList(value: string, flag = '--tls-ciphers'): void {
  const hint = `use OpenSSL cipher names or aliases (\`openssl ciphers -v\`), e.g. ECDHE-RSA-AES128-GCM-SHA256:HIGH:!aNULL; TLS 1.3 suites go to --tls-ciphersuites`;
  const elements = value.split(SEPARATORS).filter((e) => e !== '');
  if (elements.length === 0) throw settingError(flag, value, 'no cipher named', hint);
  for (const el of elements) {
    if (/^@STRENGTH$/.test(el) || /^@SECLEVEL=[0-5]$/.test(el)) continue;
    if (el.startsWith('@')) throw settingError(flag, value, `unknown keyword "${el}" (OpenSSL knows @STRENGTH and @SECLEVEL=0..5)`, hint);
    const negated = /^[!\-+]/.test(el);
    const rule = negated ? el.slice(1) : el;
    if (/^TLS_/i.test(rule)) {
      throw settingError(flag, value, `"${rule}" is a TLS 1.3 suite; --tls-ciphers sets TLS 1.2 and older ciphers`, 'pass TLS 1.3 suites with --tls-ciphersuites');
    }
    if (rule === '') throw settingError(flag, value, `"${el}" names no cipher`, hint);
    // `A+B` selects the ciphers in both: each part must be a name OpenSSL knows.
    const parts = rule.split('+');
    const known = (p: string) => p !== '' && (EMPTY_ALIASES.has(p) || selectsSomething(p));
    if (!parts.every(known)) {
      const bad = parts.find((p) => !known(p)) ?? rule;
      throw settingError(flag, value, `"${bad}" is not a cipher or alias this OpenSSL knows`, hint);
    }
    if (!negated && !selectsSomething(rule)) {
      throw settingError(flag, value, `"${el}" selects no cipher this OpenSSL offers`, hint);
    }
  }
  // every element may be known and the list still select nothing (`!ALL`, `HIGH:!HIGH`): OpenSSL
  // would refuse it only when the connection is set up
  if (!selectsSomething(value)) throw settingError(flag, value, 'the list as a whole selects no cipher (what it adds, it also takes away)', hint);
}

/** Checks a TLS 1.3 suite list (--tls-ciphersuites): each name exactly as OpenSSL spells it. */
export function checkCiphersuites(value: string): void {
  if (value === '') return; // an empty list turns TLS 1.3 suites off, as SSL_CTX_set_ciphersuites("")
  const available = new Set(getCiphers());
  const names = value.split(':');
  for (const name of names) {
    if (!TLS13_SUITES.includes(name) || !available.has(name.toLowerCase())) {
      const offered = TLS13_SUITES.filter((s) => available.has(s.toLowerCase()));
      const spelled = TLS13_SUITES.find((s) => s === name.toUpperCase());
      throw settingError('--tls-ciphersuites', value, name === '' ? 'an empty name in the list' : spelled !== undefined && spelled !== name ? `"${name}" must be written ${spelled}` : `"${name}" is not a TLS 1.3 cipher suite this OpenSSL knows`, `colon-separated, from: ${offered.join(':')}`);
    }
  }
}

/** Checks --tls-groups: each group alone must be accepted by OpenSSL (SSL_CTX_set1_groups_list). */
export function checkGroups(value: string): void {
  const hint = 'give colon-separated group names OpenSSL knows, e.g. X25519:P-256:P-384';
  if (value === '') throw settingError('--tls-groups', value, 'no group named', hint);
  for (const group of value.split(':')) {
    let ok = group !== '';
    if (ok) {
      try {
        createSecureContext({ ecdhCurve: group });
      } catch {
        ok = false;
      }
    }
    if (!ok) throw settingError('--tls-groups', value, group === '' ? 'an empty name in the list' : `"${group}" is not a key exchange group this OpenSSL knows`, hint);
  }
}

const VERSION_ORDER = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * Every TLS setting that cannot be applied exactly as given is a TlsError (code TLS_SETTING), raised
 * before any connection is opened.
 */
export function checkTlsSettings(tls: TlsConfig): void {
  if (tls.ciphers !== undefined) checkCipherList(tls.ciphers);
  if (tls.ciphersuites !== undefined) checkCiphersuites(tls.ciphersuites);
  if (tls.groups !== undefined) checkGroups(tls.groups);
  for (const pin of tls.pinSha256 ?? []) {
    // A pin that is not a base64 SHA-256 can never match: it would fail every connection.
    if (!/^[A-Za-z0-9+/]{43}=$/.test(pin)) {
      throw settingError('--pin-sha256', pin, 'not a base64 SHA-256 hash (44 characters ending in "=")', 'give sha256//BASE64 of the server key\'s SubjectPublicKeyInfo, as --show-handshake prints it');
    }
  }
  if (tls.minVersion !== undefined && tls.maxVersion !== undefined && VERSION_ORDER.indexOf(tls.minVersion) > VERSION_ORDER.indexOf(tls.maxVersion)) {
    throw new TlsError(`Could not apply --tls-min-version ${tls.minVersion} with --tls-max-version ${tls.maxVersion}: no TLS version is in that range`, {
      code: 'TLS_SETTING',
      hint: 'the minimum must not be above the maximum (e.g. --tls-min-version TLSv1.2 --tls-max-version TLSv1.3)',
    });
  }
  if (tls.ciphersuites === '' && tls.minVersion === 'TLSv1.3') {
    throw new TlsError('Could not apply --tls-ciphersuites "" with --tls-min-version TLSv1.3: no cipher suite is left', {
      code: 'TLS_SETTING',
      hint: 'name at least one TLS 1.3 suite, or allow TLS 1.2 with --tls-min-version TLSv1.2',
    });
  }
}
