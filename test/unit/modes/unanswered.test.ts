import { describe, expect, it } from 'vitest';
import { describeCommand, unansweredMessage } from '../../../src/modes/unanswered.js';

const words = (...a: Array<string | Buffer>) => a.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : x));

describe('describeCommand', () => {
  it.each([
    { name: 'plain words', input: words('RPUSH', 'l', '12345'), expected: 'RPUSH l 12345' },
    { name: 'a word with a space is quoted', input: words('SET', 'k', 'a b'), expected: 'SET k "a b"' },
    { name: 'an empty word is quoted', input: words('SET', 'k', ''), expected: 'SET k ""' },
    { name: 'bytes are escaped as redis-cli does', input: words('SET', 'k', Buffer.from([0x00, 0x0a, 0xff])), expected: 'SET k "\\x00\\n\\xff"' },
    { name: 'quotes are escaped', input: words('ECHO', 'say "hi"'), expected: 'ECHO "say \\"hi\\""' },
    { name: 'AUTH shows its name only', input: words('AUTH', 'alice', 's3cret'), expected: 'AUTH' },
    { name: 'auth in lower case too', input: words('auth', 's3cret'), expected: 'auth' },
    { name: 'CONFIG SET requirepass shows the name only', input: words('CONFIG', 'SET', 'requirepass', 'pw'), expected: 'CONFIG' },
    { name: 'HELLO with AUTH shows the name only', input: words('HELLO', '3', 'AUTH', 'u', 'p'), expected: 'HELLO' },
    { name: 'many words are cut', input: words('MSET', ...Array.from({ length: 10 }, (_, i) => `k${i}`)), expected: 'MSET k0 k1 k2 k3 k4 k5 k6 …(3 more)' },
  ])('$name', ({ input, expected }) => {
    expect(describeCommand(input)).toBe(expected);
  });

  it('a long word is cut and its size given (a big value is not echoed)', () => {
    const big = Buffer.alloc(1024 * 1024, 0x78);
    const d = describeCommand([Buffer.from('SET'), Buffer.from('big'), big]);
    expect(d).toBe(`SET big ${'x'.repeat(48)}…(1048576 bytes)`);
  });
});

describe('unansweredMessage', () => {
  it.each([
    { count: 0, expected: undefined },
    // One command without a reply: redis-cli's own error says it all (the case redis-cli meets too).
    { count: 1, expected: undefined },
    { count: 2, expected: '2 commands sent without a reply; their outcome is unknown (first: RPUSH l 7)' },
    { count: 4096, expected: '4096 commands sent without a reply; their outcome is unknown (first: RPUSH l 7)' },
  ])('$count', ({ count, expected }) => {
    expect(unansweredMessage(count, words('RPUSH', 'l', '7'))).toBe(expected);
  });

  it('keeps a password out', () => {
    expect(unansweredMessage(3, words('AUTH', 'hunter2'))).toBe('3 commands sent without a reply; their outcome is unknown (first: AUTH)');
  });
});
