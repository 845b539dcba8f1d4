/**
 * strerror(3) texts (glibc) for the errno codes Node reports, so that messages read exactly like
 * redis-cli's (`Could not connect to Redis at 127.0.0.1:1: Connection refused`).
 */
const STRERROR: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPIPE: 'Broken pipe',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EADDRINUSE: 'Address already in use',
  ENOTSOCK: 'Socket operation on non-socket',
  ENOTDIR: 'Not a directory',
  EINVAL: 'Invalid argument',
  EISDIR: 'Is a directory',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EIO: 'Input/output error',
  EEXIST: 'File exists',
  EFBIG: 'File too large',
  ENXIO: 'No such device or address',
  EBUSY: 'Device or resource busy',
  ETXTBSY: 'Text file busy',
  EMFILE: 'Too many open files',
  EBADF: 'Bad file descriptor',
  // getaddrinfo(3) texts (gai_strerror), which hiredis reports for name failures.
  ENOTFOUND: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
  EAI_NODATA: 'No address associated with hostname',
  EAI_FAIL: 'Non-recoverable failure in name resolution',
  EAI_SERVICE: 'Servname not supported for ai_socktype',
};

/** The C library's wording for a Node system error, or its message when unknown. */
export function strerror(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.code && STRERROR[e.code]) return STRERROR[e.code]!;
  return e?.message ?? String(err);
}
