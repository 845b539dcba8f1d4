import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { orderByFamily } from '../../../src/connection/transport.js';

describe('bracketed IPv6 literals in -u (RFC 3986; redis-cli 7.0.15 takes "[" for the host)', () => {
  it.each([
    ['rediss://[::1]:6380', { host: '::1', port: 6380, db: 0, tls: true }],
    ['redis://[::1]', { host: '::1', port: 6379, db: 0, tls: false }],
    ['redis://[fe80::1%25lo]:7000/3', { host: 'fe80::1%25lo', port: 7000, db: 3, tls: false }],
    ['rediss://alice:pw@[2001:db8::7]:6390/2', { host: '2001:db8::7', port: 6390, db: 2, tls: true, user: 'alice', auth: 'pw' }],
    ['redis://:pw@[::1]/5', { host: '::1', port: 6379, db: 5, tls: false, auth: 'pw' }],
  ] as Array<[string, { host: string; port: number; db: number; tls: boolean; user?: string; auth?: string }]>)('%s', (uri, want) => {
    const { flags } = parseArgs(['--no-auth-warning', '-u', uri]);
    expect({ host: flags.host, port: flags.port, db: flags.db, tls: flags.uriTls, ...(want.user ? { user: flags.user } : {}), ...(want.auth ? { auth: flags.auth } : {}) }).toEqual(want);
  });
  it('a "[" without "]" is a usage error with the fix', () => {
    expect(() => parseArgs(['-u', 'redis://[::1:6379'])).toThrow(/'\[' without '\]'/);
  });
  it('host:port URIs without brackets still parse as redis-cli does', () => {
    expect(parseArgs(['-u', 'redis://h/1:2']).flags).toMatchObject({ host: 'h/1', port: 2, db: 1 });
  });
});

describe('-4 / -6 (redis-cli 7.4+)', () => {
  it('set the family tried first; both is a usage error as in redis-cli', () => {
    expect(parseArgs(['-4']).flags.preferFamily).toBe(4);
    expect(parseArgs(['-6']).flags.preferFamily).toBe(6);
    expect(parseArgs([]).flags.preferFamily).toBeUndefined();
    expect(() => parseArgs(['-4', '-6'])).toThrow('Options -4 and -6 are mutually exclusive.');
  });
  const addrs = [
    { address: '2001:db8::1', family: 6 },
    { address: '192.0.2.1', family: 4 },
    { address: '2001:db8::2', family: 6 },
    { address: '192.0.2.2', family: 4 },
  ];
  it('orders resolved addresses: the preferred family first, each in resolver order', () => {
    expect(orderByFamily(addrs, 4).map((a) => a.address)).toEqual(['192.0.2.1', '192.0.2.2', '2001:db8::1', '2001:db8::2']);
    expect(orderByFamily(addrs, 6).map((a) => a.address)).toEqual(['2001:db8::1', '2001:db8::2', '192.0.2.1', '192.0.2.2']);
  });
});
