// strerror: Node error codes → the glibc texts redis-cli prints (strerror / gai_strerror).
import { describe, expect, it } from 'vitest';
import { strerror } from '../../../src/connection/errno.js';

const sysErr = (code: string, message = `${code} message`) => Object.assign(new Error(message), { code });

describe('strerror', () => {
  it.each([
    ['ECONNREFUSED', 'Connection refused'],
    ['ECONNRESET', 'Connection reset by peer'],
    ['ETIMEDOUT', 'Connection timed out'],
    ['EHOSTUNREACH', 'No route to host'],
    ['ENETUNREACH', 'Network is unreachable'],
    ['ENOENT', 'No such file or directory'],
    ['EACCES', 'Permission denied'],
    ['EPIPE', 'Broken pipe'],
    ['ENOTSOCK', 'Socket operation on non-socket'],
    ['ENOTFOUND', 'Name or service not known'],
    ['EAI_AGAIN', 'Temporary failure in name resolution'],
    ['EAI_SERVICE', 'Servname not supported for ai_socktype'],
  ])('%s → %s', (code, text) => {
    expect(strerror(sysErr(code))).toBe(text);
  });

  it('falls back to the message, then to String()', () => {
    expect(strerror(sysErr('EWHATEVER', 'something odd'))).toBe('something odd');
    expect(strerror(new Error('plain'))).toBe('plain');
    expect(strerror('text')).toBe('text');
  });
});
