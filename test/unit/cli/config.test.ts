// buildConfig: flags + environment → connection, session and format configs (pure).
// redis-cli 7.0.15 behaviour mirrored: FAKETTY, output flags last-wins, REDISCLI_AUTH only when no
// -a/-u password (parseEnv), --askpass overriding both, --json → HELLO 3 unless -2.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { buildConfig, DEFAULT_TIMEOUT_SEC, type RunConfig } from '../../../src/cli/config.js';

type Env = Record<string, string | undefined>;

function config(argv: string[], env: Env = {}, stdoutIsTty = false): RunConfig {
  return buildConfig(parseArgs(argv).flags, env, stdoutIsTty);
}

interface OutputCase {
  name: string;
  argv: string[];
  env: Env;
  tty: boolean;
  mode: RunConfig['format']['mode'];
  showPushes: boolean;
}

const outputCases: OutputCase[] = [
  { name: 'pipe → raw, pushes hidden', argv: [], env: {}, tty: false, mode: 'raw', showPushes: false },
  { name: 'terminal → tty, pushes shown', argv: [], env: {}, tty: true, mode: 'tty', showPushes: true },
  { name: 'FAKETTY on a pipe → tty', argv: [], env: { FAKETTY: '1' }, tty: false, mode: 'tty', showPushes: true },
  { name: 'FAKETTY set but empty still counts (getenv != NULL)', argv: [], env: { FAKETTY: '' }, tty: false, mode: 'tty', showPushes: true },
  { name: '--raw on a terminal', argv: ['--raw'], env: {}, tty: true, mode: 'raw', showPushes: true },
  { name: '--no-raw on a pipe', argv: ['--no-raw'], env: {}, tty: false, mode: 'tty', showPushes: false },
  { name: '--csv beats FAKETTY', argv: ['--csv'], env: { FAKETTY: '1' }, tty: false, mode: 'csv', showPushes: true },
  { name: 'last wins: --raw --no-raw', argv: ['--raw', '--no-raw'], env: {}, tty: false, mode: 'tty', showPushes: false },
  { name: 'last wins: --no-raw --raw', argv: ['--no-raw', '--raw'], env: {}, tty: true, mode: 'raw', showPushes: true },
  { name: 'last wins: --json --csv', argv: ['--json', '--csv'], env: {}, tty: false, mode: 'csv', showPushes: false },
  { name: 'last wins: --csv --quoted-json', argv: ['--csv', '--quoted-json'], env: {}, tty: false, mode: 'quoted-json', showPushes: false },
  { name: '--show-pushes yes on a pipe', argv: ['--show-pushes', 'yes'], env: {}, tty: false, mode: 'raw', showPushes: true },
  { name: '--show-pushes no on a terminal', argv: ['--show-pushes', 'no'], env: {}, tty: true, mode: 'tty', showPushes: false },
];

describe('buildConfig: output mode', () => {
  it.each(outputCases)('$name', ({ argv, env, tty, mode, showPushes }) => {
    const c = config(argv, env, tty);
    expect(c.format.mode).toBe(mode);
    expect(c.showPushes).toBe(showPushes);
  });

  it('passes -d and -D through', () => {
    expect(config(['-d', ',', '-D', ';']).format).toEqual({ mode: 'raw', mbDelim: ',', cmdDelim: ';' });
  });
});

interface AuthCase {
  name: string;
  argv: string[];
  env: Env;
  user: string | undefined;
  password: string | undefined;
  source: RunConfig['passwordSource'];
}

const authCases: AuthCase[] = [
  { name: 'nothing', argv: [], env: {}, user: undefined, password: undefined, source: 'none' },
  { name: '-a', argv: ['-a', 'pw'], env: {}, user: undefined, password: 'pw', source: 'flag' },
  { name: 'REDISCLI_AUTH', argv: [], env: { REDISCLI_AUTH: 'envpw' }, user: undefined, password: 'envpw', source: 'env' },
  { name: 'empty REDISCLI_AUTH is a password', argv: [], env: { REDISCLI_AUTH: '' }, user: undefined, password: '', source: 'env' },
  { name: '-a beats REDISCLI_AUTH', argv: ['-a', 'pw'], env: { REDISCLI_AUTH: 'envpw' }, user: undefined, password: 'pw', source: 'flag' },
  { name: '-u password beats REDISCLI_AUTH', argv: ['-u', 'redis://u:pw@h'], env: { REDISCLI_AUTH: 'envpw' }, user: 'u', password: 'pw', source: 'flag' },
  { name: '--user with REDISCLI_AUTH', argv: ['--user', 'alice'], env: { REDISCLI_AUTH: 'alicepw' }, user: 'alice', password: 'alicepw', source: 'env' },
  { name: '--askpass ignores -a (asked at start)', argv: ['--askpass', '-a', 'pw'], env: {}, user: undefined, password: undefined, source: 'askpass' },
  { name: '--askpass ignores REDISCLI_AUTH', argv: ['--askpass'], env: { REDISCLI_AUTH: 'envpw' }, user: undefined, password: undefined, source: 'askpass' },
];

describe('buildConfig: credentials', () => {
  it.each(authCases)('$name', ({ argv, env, user, password, source }) => {
    const c = config(argv, env);
    expect(c.setup.user).toBe(user);
    expect(c.setup.password).toBe(password);
    expect(c.passwordSource).toBe(source);
  });
});

describe('buildConfig: protocol (HELLO)', () => {
  it.each([
    { argv: [], switchToResp3: false },
    { argv: ['-2'], switchToResp3: false },
    { argv: ['-3'], switchToResp3: true },
    { argv: ['--json'], switchToResp3: true },
    { argv: ['--quoted-json'], switchToResp3: true },
    { argv: ['--json', '--raw'], switchToResp3: true },
    { argv: ['-2', '--json'], switchToResp3: false },
    { argv: ['--json', '-2'], switchToResp3: false },
    { argv: ['--json', '-3'], switchToResp3: true },
    { argv: ['-3', '--csv'], switchToResp3: true },
  ] as const)('$argv → HELLO 3: $switchToResp3', ({ argv, switchToResp3 }) => {
    expect(config([...argv]).setup.switchToResp3).toBe(switchToResp3);
  });

  it('-n and the URI db select a database', () => {
    expect(config(['-n', '4']).setup.db).toBe(4);
    expect(config(['-u', 'redis://h/7']).setup.db).toBe(7);
    expect(config([]).setup.db).toBe(0);
  });
});

describe('buildConfig: connection', () => {
  it('defaults: 127.0.0.1:6379, no TLS, the default timeout', () => {
    expect(config([]).connection).toEqual({
      host: '127.0.0.1',
      port: 6379,
      socketPath: undefined,
      tls: undefined,
      timeoutMs: DEFAULT_TIMEOUT_SEC * 1000,
    });
  });

  it('-t seconds → milliseconds', () => {
    expect(config(['-t', '1.5']).connection.timeoutMs).toBe(1500);
  });

  it('-s keeps host and port for messages', () => {
    expect(config(['-s', '/tmp/r.sock']).connection).toMatchObject({ socketPath: '/tmp/r.sock', host: '127.0.0.1', port: 6379 });
  });

  it('--tls maps every TLS flag', () => {
    const c = config([
      '--tls', '--sni', 'n.example', '--cacert', 'ca.crt', '--cacertdir', 'cas', '--cert', 'c.crt', '--key', 'c.key',
      '--tls-ciphers', 'C12', '--tls-ciphersuites', 'C13', '--tls-min-version', '1.2', '--tls-max-version', '1.3',
      '--tls-groups', 'X25519', '--tls-keylog', 'k.log', '--pin-sha256', 'P=', '--no-verify-hostname', '--p12', 'c.p12',
    ]);
    expect(c.connection.tls).toEqual({
      sni: 'n.example',
      cacert: 'ca.crt',
      cacertdir: 'cas',
      insecure: false,
      verifyHostname: false,
      cert: 'c.crt',
      key: 'c.key',
      p12: 'c.p12',
      ciphers: 'C12',
      ciphersuites: 'C13',
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      groups: 'X25519',
      keylogFile: 'k.log',
      pinSha256: ['P='],
    });
  });

  it('TLS flags without --tls do not turn TLS on (as redis-cli)', () => {
    expect(config(['--cacert', 'ca.crt', '--insecure']).connection.tls).toBeUndefined();
  });

  it('rediss:// turns TLS on without --tls', () => {
    const c = config(['-u', 'rediss://h:6380', '--cacert', 'ca.crt']);
    expect(c.connection).toMatchObject({ host: 'h', port: 6380, tls: { cacert: 'ca.crt', insecure: false, verifyHostname: true } });
  });

  it('--insecure, and defaults of a bare --tls', () => {
    expect(config(['--tls', '--insecure']).connection.tls).toMatchObject({ insecure: true, verifyHostname: true });
    expect(config(['--tls']).connection.tls).toMatchObject({ insecure: false, verifyHostname: true, pinSha256: undefined, sni: undefined });
  });

  it('SSLKEYLOGFILE is the keylog file unless --tls-keylog is given', () => {
    expect(config(['--tls'], { SSLKEYLOGFILE: 'env.log' }).connection.tls?.keylogFile).toBe('env.log');
    expect(config(['--tls', '--tls-keylog', 'flag.log'], { SSLKEYLOGFILE: 'env.log' }).connection.tls?.keylogFile).toBe('flag.log');
  });

  it('is pure: the flags object is not changed', () => {
    const { flags } = parseArgs(['--tls', '-a', 'pw', '--json']);
    const before = JSON.stringify(flags);
    buildConfig(flags, { REDISCLI_AUTH: 'x', FAKETTY: '1' }, false);
    expect(JSON.stringify(flags)).toBe(before);
  });
});
