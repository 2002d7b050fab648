/** A wait was cut short by a signal (Ctrl-C): the guest's EINTR. */
export class Interrupted extends Error {
  constructor(what = 'interrupted') {
    super(what);
    this.name = 'Interrupted';
  }
}

/** A kernel call failed the way a Linux call fails with an errno. */
export class KernelError extends Error {
  constructor(
    readonly errno: Errno,
    message?: string,
  ) {
    super(message ?? ERRNO_TEXT[errno]);
    this.name = 'KernelError';
  }
}

export type Errno = 'ENOENT' | 'EACCES' | 'EBUSY' | 'EINVAL' | 'ENODEV' | 'EIO' | 'ENOMEM' | 'ETIMEDOUT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'EPERM' | 'ENOSPC';

export const ERRNO_TEXT: Readonly<Record<Errno, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EINVAL: 'Invalid argument',
  ENODEV: 'No such device',
  EIO: 'Input/output error',
  ENOMEM: 'Cannot allocate memory',
  ETIMEDOUT: 'Connection timed out',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EPERM: 'Operation not permitted',
  ENOSPC: 'No space left on device',
};

/** Linux's negative errno numbers, for messages like "probe failed with error -19". */
export const ERRNO_NUMBER: Readonly<Record<Errno, number>> = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  ENOMEM: 12,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENOSPC: 28,
  ETIMEDOUT: 110,
};
