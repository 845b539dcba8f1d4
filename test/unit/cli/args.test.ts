// parseArgs: options as data. Wordings and edge cases were checked against redis-cli 7.0.15
// (`redis-cli <argv>`; errors go to stderr with exit code 1), except the tredis-only flags.
import { describe, expect, it } from 'vitest';
import { applyUri, atoi, defaultFlags, parseArgs, type Flags } from '../../../src/cli/args.js';
import { UsageError } from '../../../src/errors.js';

const PW_WARNING = "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.";

interface Case {
  name: string;
  argv: string[];
  /** The flags that differ from defaultFlags(). */
  flags: Partial<Flags>;
  command?: string[];
  warnings?: string[];
}

const cases: Case[] = [
  // connection
  { name: 'no arguments', argv: [], flags: {} },
  { name: '-h host', argv: ['-h', 'redis.example', 'ping'], flags: { host: 'redis.example' }, command: ['ping'] },
  { name: '-h last is help (usage, exit 0)', argv: ['-p', '1', '-h'], flags: { port: 1, help: true } },
  { name: '-h last after a host is still help', argv: ['-h', 'x', '-h'], flags: { host: 'x', help: true } },
  { name: '--help stops parsing', argv: ['--help', '-p', '1'], flags: { help: true } },
  { name: '-p', argv: ['-p', '6380'], flags: { port: 6380 } },
  { name: '-p is atoi: 12abc → 12', argv: ['-p', '12abc'], flags: { port: 12 } },
  { name: '-p is atoi: abc → 0', argv: ['-p', 'abc'], flags: { port: 0 } },
  { name: '-p negative kept', argv: ['-p', '-1'], flags: { port: -1 } },
  { name: '-s', argv: ['-s', '/tmp/redis.sock'], flags: { socket: '/tmp/redis.sock' } },
  { name: '-n', argv: ['-n', '3'], flags: { db: 3 } },
  { name: '-t decimals', argv: ['-t', '1.5'], flags: { timeoutSec: 1.5 } },
  { name: '-2', argv: ['-2'], flags: { resp2: true } },
  { name: '-2 twice', argv: ['-2', '-2'], flags: { resp2: true } },
  { name: '-3', argv: ['-3'], flags: { resp3: 'asked' } },
  // auth
  { name: '-a warns', argv: ['-a', 'pw'], flags: { auth: 'pw' }, warnings: [PW_WARNING] },
  { name: '--pass is -a', argv: ['--pass', 'pw'], flags: { auth: 'pw' }, warnings: [PW_WARNING] },
  { name: '--no-auth-warning before -a', argv: ['--no-auth-warning', '-a', 'pw'], flags: { auth: 'pw', noAuthWarning: true } },
  { name: '--no-auth-warning after -a', argv: ['-a', 'pw', '--no-auth-warning'], flags: { auth: 'pw', noAuthWarning: true } },
  { name: '--user', argv: ['--user', 'alice'], flags: { user: 'alice' } },
  { name: '--askpass', argv: ['--askpass'], flags: { askpass: true } },
  { name: 'empty password is a password', argv: ['-a', ''], flags: { auth: '' }, warnings: [PW_WARNING] },
  // values are taken verbatim, even when they look like options
  { name: '-a -x takes "-x" as the password', argv: ['-a', '-x', 'ping'], flags: { auth: '-x' }, command: ['ping'], warnings: [PW_WARNING] },
  { name: '-h -p takes "-p" as the host', argv: ['-h', '-p', 'ping'], flags: { host: '-p' }, command: ['ping'] },
  { name: '--cacert --tls takes "--tls" as the file', argv: ['--cacert', '--tls'], flags: { cacert: '--tls' } },
  { name: '-d with a space', argv: ['-d', ' '], flags: { mbDelim: ' ' } },
  // the command starts at the first word that is not an option
  { name: 'options after the command are command words', argv: ['ping', '-p', '1'], flags: {}, command: ['ping', '-p', '1'] },
  { name: 'an empty word starts the command', argv: ['', 'x'], flags: {}, command: ['', 'x'] },
  { name: 'a number starts the command', argv: ['-p', '1', '3', 'ping'], flags: { port: 1 }, command: ['3', 'ping'] },
  // modes and output
  { name: '-r', argv: ['-r', '5'], flags: { repeat: 5 } },
  { name: '-r -1 (forever)', argv: ['-r', '-1'], flags: { repeat: -1 } },
  { name: '-i', argv: ['-i', '0.5'], flags: { intervalSec: 0.5 } },
  { name: '-i atof: 2x → 2', argv: ['-i', '2x'], flags: { intervalSec: 2 } },
  { name: '-x', argv: ['-x', 'set', 'k'], flags: { stdinLastArg: true }, command: ['set', 'k'] },
  { name: '-X tag', argv: ['-X', 'TAG', 'set', 'k', 'TAG'], flags: { stdinTag: 'TAG' }, command: ['set', 'k', 'TAG'] },
  { name: '-d and -D', argv: ['-d', ',', '-D', ';'], flags: { mbDelim: ',', cmdDelim: ';' } },
  { name: '-e', argv: ['-e'], flags: { failOnErrorReply: true } },
  { name: '-c', argv: ['-c'], flags: { cluster: true } },
  { name: '--verbose (read by --cluster rebalance)', argv: ['--verbose'], flags: { clusterOpts: { verbose: true } } },
  { name: '--quoted-input', argv: ['--quoted-input'], flags: { quotedInput: true } },
  { name: '--raw', argv: ['--raw'], flags: { output: 'raw' } },
  { name: '--no-raw', argv: ['--no-raw'], flags: { output: 'tty' } },
  { name: '--csv', argv: ['--csv'], flags: { output: 'csv' } },
  { name: '--json implies HELLO 3 (tolerated)', argv: ['--json'], flags: { output: 'json', resp3: 'implied' } },
  { name: '--quoted-json implies HELLO 3', argv: ['--quoted-json'], flags: { output: 'quoted-json', resp3: 'implied' } },
  { name: 'output: last flag wins (--raw --csv)', argv: ['--raw', '--csv'], flags: { output: 'csv' } },
  { name: 'output: last flag wins (--csv --raw)', argv: ['--csv', '--raw'], flags: { output: 'raw' } },
  { name: '--json then --raw keeps HELLO 3 (redis-cli: resp=3)', argv: ['--json', '--raw'], flags: { output: 'raw', resp3: 'implied' } },
  { name: '-3 --json keeps the explicit -3', argv: ['-3', '--json'], flags: { output: 'json', resp3: 'asked' } },
  { name: '--json -3: -3 wins', argv: ['--json', '-3'], flags: { output: 'json', resp3: 'asked' } },
  { name: '-2 --json: both recorded (config picks RESP2)', argv: ['-2', '--json'], flags: { output: 'json', resp2: true, resp3: 'implied' } },
  { name: '--show-pushes no', argv: ['--show-pushes', 'no'], flags: { showPushes: false } },
  { name: '--show-pushes Y', argv: ['--show-pushes', 'Y'], flags: { showPushes: true } },
  {
    name: '--show-pushes with a bad value warns and goes on',
    argv: ['--show-pushes', 'maybe', 'ping'],
    flags: {},
    command: ['ping'],
    warnings: ["Unknown --show-pushes value 'maybe' (valid: '[y]es', '[n]o')"],
  },
  { name: '-v', argv: ['-v'], flags: { version: true } },
  { name: '--version ignores what follows', argv: ['--version', 'x'], flags: { version: true } },
  { name: '--no-confirm', argv: ['--no-confirm'], flags: { noConfirm: true } },
  { name: 'an unsupported mode flag is recorded', argv: ['--lru-test', '5'], flags: { unsupported: '--lru-test' } },
  { name: 'an unsupported flag with a value consumes it', argv: ['--lru-test', 'k*', 'x'], flags: { unsupported: '--lru-test' }, command: ['x'] },
  // TLS
  { name: '--tls', argv: ['--tls'], flags: { tls: true } },
  { name: '--sni', argv: ['--sni', 'redis.example'], flags: { sni: 'redis.example' } },
  { name: '--cacert', argv: ['--cacert', 'ca.crt'], flags: { cacert: 'ca.crt' } },
  { name: '--cacertdir', argv: ['--cacertdir', 'certs/'], flags: { cacertdir: 'certs/' } },
  { name: '--cert and --key', argv: ['--cert', 'c.crt', '--key', 'c.key'], flags: { cert: 'c.crt', key: 'c.key' } },
  { name: '--tls-ciphers', argv: ['--tls-ciphers', 'ECDHE-RSA-AES128-GCM-SHA256'], flags: { tlsCiphers: 'ECDHE-RSA-AES128-GCM-SHA256' } },
  { name: '--tls-ciphersuites', argv: ['--tls-ciphersuites', 'TLS_AES_128_GCM_SHA256'], flags: { tlsCiphersuites: 'TLS_AES_128_GCM_SHA256' } },
  { name: '--insecure', argv: ['--insecure'], flags: { insecure: true } },
  { name: '--no-verify-hostname', argv: ['--no-verify-hostname'], flags: { verifyHostname: false } },
  { name: '--key-pass-env', argv: ['--key-pass-env', 'KEYPASS'], flags: { keyPassEnv: 'KEYPASS' } },
  { name: '--p12', argv: ['--p12', 'c.p12'], flags: { p12: 'c.p12' } },
  { name: '--pfx is --p12', argv: ['--pfx', 'c.pfx'], flags: { p12: 'c.pfx' } },
  { name: '--tls-min-version 1.2', argv: ['--tls-min-version', '1.2'], flags: { tlsMinVersion: 'TLSv1.2' } },
  { name: '--tls-max-version TLSv1.3', argv: ['--tls-max-version', 'TLSv1.3'], flags: { tlsMaxVersion: 'TLSv1.3' } },
  { name: '--tls-max-version 1.0', argv: ['--tls-max-version', '1.0'], flags: { tlsMaxVersion: 'TLSv1' } },
  { name: '--tls-groups', argv: ['--tls-groups', 'X25519:P-256'], flags: { tlsGroups: 'X25519:P-256' } },
  { name: '--tls-keylog', argv: ['--tls-keylog', 'keys.log'], flags: { tlsKeylog: 'keys.log' } },
  {
    name: '--pin-sha256: list, sha256// prefix, repeats add up',
    argv: ['--pin-sha256', 'sha256//AAA=, BBB=', '--pin-sha256', 'CCC='],
    flags: { pinSha256: ['AAA=', 'BBB=', 'CCC='] },
  },
  // --show-handshake forms
  { name: '--show-handshake', argv: ['--show-handshake'], flags: { showHandshake: 'text' } },
  { name: '--show-handshake=text', argv: ['--show-handshake=text'], flags: { showHandshake: 'text' } },
  { name: '--show-handshake=json', argv: ['--show-handshake=json', 'ping'], flags: { showHandshake: 'json' }, command: ['ping'] },
  {
    name: '--show-handshake json: "json" is the command (the flag takes no value)',
    argv: ['--show-handshake', 'json'],
    flags: { showHandshake: 'text' },
    command: ['json'],
  },
  { name: 'the last --show-handshake form wins', argv: ['--show-handshake=json', '--show-handshake'], flags: { showHandshake: 'text' } },
];

describe('parseArgs', () => {
  it.each(cases)('$name', ({ argv, flags, command, warnings }) => {
    const got = parseArgs(argv);
    expect(got.flags).toEqual({ ...defaultFlags(), ...flags });
    expect(got.command).toEqual(command ?? []);
    expect(got.warnings).toEqual(warnings ?? []);
  });

  it('does not expand camel case nor parse numbers in the command', () => {
    expect(parseArgs(['set', 'k', '007', '--no-raw']).command).toEqual(['set', 'k', '007', '--no-raw']);
  });
});

interface UsageCase {
  name: string;
  argv: string[];
  message: string;
}

const usageErrors: UsageCase[] = [
  { name: 'unknown option', argv: ['--foo'], message: "Unrecognized option or bad number of args for: '--foo'" },
  { name: 'a lone dash', argv: ['-'], message: "Unrecognized option or bad number of args for: '-'" },
  { name: 'value-taking option last (-p)', argv: ['-p'], message: "Unrecognized option or bad number of args for: '-p'" },
  { name: 'value-taking option last (-n)', argv: ['-n'], message: "Unrecognized option or bad number of args for: '-n'" },
  { name: 'value-taking option last (-u)', argv: ['-u'], message: "Unrecognized option or bad number of args for: '-u'" },
  { name: 'value-taking option last (--tls-ciphers)', argv: ['--tls-ciphers'], message: "Unrecognized option or bad number of args for: '--tls-ciphers'" },
  { name: '-x -X: -X last has no value', argv: ['-x', '-X'], message: "Unrecognized option or bad number of args for: '-X'" },
  { name: 'short options are not grouped', argv: ['-ex'], message: "Unrecognized option or bad number of args for: '-ex'" },
  { name: '--show-handshake=xml', argv: ['--show-handshake=xml'], message: "Unrecognized option or bad number of args for: '--show-handshake=xml'" },
  { name: '-x and -X', argv: ['-x', '-X', 't', 'ping'], message: 'Options -x and -X are mutually exclusive.' },
  {
    name: '-x and -X: the password warning comes first (as redis-cli prints it)',
    argv: ['-a', 'pw', '-x', '-X', 't', 'ping'],
    message: `${PW_WARNING}\nOptions -x and -X are mutually exclusive.`,
  },
  { name: '-c and -s', argv: ['-c', '-s', '/tmp/x', 'ping'], message: 'Options -c and -s are mutually exclusive.' },
  { name: '-2 and -3', argv: ['-2', '-3', 'ping'], message: 'Options -2 and -3 are mutually exclusive.' },
  { name: '-3 and -2', argv: ['-3', '-2', 'ping'], message: 'Options -2 and -3 are mutually exclusive.' },
  { name: 'URI with another scheme', argv: ['-u', 'http://h'], message: 'Invalid URI scheme' },
  // the password never appears in the message
  { name: 'URI: an IPv6 [ without ]', argv: ['-u', 'redis://bob:B0bPass@[::1'], message: "Invalid URI: '[' without ']' in the host part '[::1'" },
  { name: 'URI: % at the end of the password', argv: ['-u', 'redis://u:p%@h:1'], message: 'Incomplete URI encoding' },
  { name: 'URI: %zz', argv: ['-u', 'redis://u:p%zz@h:1'], message: 'Illegal character in URI encoding' },
  { name: 'URI: %4 before @ reads the @ (cli_common.c)', argv: ['-u', 'redis://u%41:p%4@h:1'], message: 'Illegal character in URI encoding' },
  { name: '-t 0', argv: ['-t', '0'], message: "Invalid timeout '0': give seconds > 0 (decimals allowed)" },
  { name: '-t abc', argv: ['-t', 'abc'], message: "Invalid timeout 'abc': give seconds > 0 (decimals allowed)" },
  { name: '--tls-min-version 2', argv: ['--tls-min-version', '2'], message: "Invalid --tls-min-version value '2' (valid: 1.0, 1.1, 1.2, 1.3)" },
];

describe('parseArgs usage errors', () => {
  it.each(usageErrors)('$name', ({ argv, message }) => {
    let caught: unknown;
    try {
      parseArgs(argv);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).message).toBe(message);
    expect((caught as UsageError).exitCode).toBe(1);
  });
});

interface UriCase {
  name: string;
  uri: string;
  flags: Partial<Flags>;
}

// Host/port/db checked against redis-cli 7.0.15 through its "Could not connect to Redis at H:P"
// message; user/password through AUTH against the lab's password server.
const uris: UriCase[] = [
  { name: 'scheme only', uri: 'redis://', flags: {} },
  { name: 'host', uri: 'redis://h', flags: { host: 'h' } },
  { name: 'host and port', uri: 'redis://h:1', flags: { host: 'h', port: 1 } },
  { name: 'host, port and db', uri: 'redis://h:1/2', flags: { host: 'h', port: 1, db: 2 } },
  { name: 'upper-case scheme', uri: 'REDIS://h:1', flags: { host: 'h', port: 1 } },
  { name: 'rediss:// turns TLS on', uri: 'rediss://h:6380', flags: { host: 'h', port: 6380, uriTls: true } },
  { name: 'password only (no colon)', uri: 'redis://pw@h:1', flags: { host: 'h', port: 1, auth: 'pw' } },
  { name: ':pw@ — an empty user, kept as given', uri: 'redis://:pw@h:1', flags: { host: 'h', port: 1, auth: 'pw', user: '' } },
  { name: 'user and password', uri: 'redis://u:pw@h:1/3', flags: { host: 'h', port: 1, db: 3, user: 'u', auth: 'pw' } },
  { name: 'password with a colon', uri: 'redis://u:p:q@h:1', flags: { host: 'h', port: 1, user: 'u', auth: 'p:q' } },
  { name: 'first @ ends the user info', uri: 'redis://a@b@h:1', flags: { host: 'b@h', port: 1, auth: 'a' } },
  { name: 'percent-decoding of user and password', uri: 'redis://%61l%69ce:p%40ss%3A@h', flags: { host: 'h', user: 'alice', auth: 'p@ss:' } },
  { name: 'percent-decoding to UTF-8', uri: 'redis://:%C3%A9@h', flags: { host: 'h', user: '', auth: 'é' } },
  { name: 'the host is not decoded', uri: 'redis://%41:1', flags: { host: '%41', port: 1 } },
  { name: 'port is atoi', uri: 'redis://h:abc', flags: { host: 'h', port: 0 } },
  { name: 'empty host', uri: 'redis://:1', flags: { host: '', port: 1 } },
  { name: 'db only', uri: 'redis:///5', flags: { db: 5 } },
  { name: 'password ending with %4 and no @ is a host', uri: 'redis://u:p%4', flags: { host: 'u', port: 0 } },
];

describe('-u URI (parseRedisUri, cli_common.c)', () => {
  it.each(uris)('$name: $uri', ({ uri, flags }) => {
    const got = parseArgs(['--no-auth-warning', '-u', uri]);
    expect(got.flags).toEqual({ ...defaultFlags(), noAuthWarning: true, uri, ...flags });
  });

  it('-u with a password warns like -a', () => {
    expect(parseArgs(['-u', 'redis://:pw@h']).warnings).toEqual([PW_WARNING]);
    expect(parseArgs(['-u', 'redis://h']).warnings).toEqual([]);
  });

  it('later flags override the URI, and the URI overrides earlier flags', () => {
    expect(parseArgs(['-u', 'redis://h:1', '-p', '2']).flags).toMatchObject({ host: 'h', port: 2 });
    expect(parseArgs(['-p', '2', '-u', 'redis://h:1']).flags).toMatchObject({ host: 'h', port: 1 });
  });

  // parseRedisUri looks for the port colon with strchr over the whole rest, past the '/':
  // redis-cli 7.0.15 prints "Could not connect to Redis at h/1:2".
  it('redis://h/1:2: the port colon is searched past the slash', () => {
    expect(parseArgs(['-u', 'redis://h/1:2']).flags).toMatchObject({ host: 'h/1', port: 2, db: 1 });
  });

  it('applyUri writes into the given flags', () => {
    const f = defaultFlags();
    applyUri(f, 'rediss://u:p@example.com:7000/9');
    expect(f).toMatchObject({ host: 'example.com', port: 7000, db: 9, user: 'u', auth: 'p', uriTls: true });
  });
});

describe('atoi (C semantics)', () => {
  it.each([
    ['42', 42],
    ['  7', 7],
    ['+3', 3],
    ['-12x', -12],
    ['x1', 0],
    ['', 0],
    ['4294967296', 0], // wraps like a 32-bit int
  ] as const)('atoi(%j) = %d', (input, expected) => {
    expect(atoi(input)).toBe(expected);
  });
});
