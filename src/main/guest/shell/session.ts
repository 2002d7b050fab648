export const HOME = '/root';
export const HOSTNAME = 'edu-lab';
export const USER = 'root';

/** The variables a login shell starts with. */
const DEFAULT_VARIABLES: readonly [string, string][] = [
  ['HOME', HOME],
  ['HOSTNAME', HOSTNAME],
  ['LOGNAME', USER],
  ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
  ['PWD', HOME],
  ['SHELL', '/bin/sh'],
  ['TERM', 'xterm'],
  ['USER', USER],
];

/** Valid variable names. */
export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The state of one shell session: variables (and which are exported), the working directory, the last
 * status, options. Command substitutions run on a copy.
 */
export class Session {
  readonly vars = new Map<string, string>();
  readonly exported = new Set<string>();
  cwd = HOME;
  lastStatus = 0;
  /** set -x */
  xtrace = false;
  /** set -e */
  errexit = false;
  /** How many substitutions deep this session is (for the `+` of xtrace). */
  level = 0;
  /** A stand-in process id for $$. */
  pid = 1;

  static fresh(pid = 1): Session {
    const s = new Session();
    s.pid = pid;
    for (const [name, value] of DEFAULT_VARIABLES) {
      s.vars.set(name, value);
      s.exported.add(name);
    }
    return s;
  }

  /** The copy a command substitution runs in. */
  clone(): Session {
    const s = new Session();
    for (const [k, v] of this.vars) s.vars.set(k, v);
    for (const k of this.exported) s.exported.add(k);
    s.cwd = this.cwd;
    s.lastStatus = this.lastStatus;
    s.xtrace = this.xtrace;
    s.errexit = this.errexit;
    s.level = this.level + 1;
    s.pid = this.pid;
    return s;
  }

  get(name: string): string | undefined {
    return this.vars.get(name);
  }

  set(name: string, value: string): void {
    this.vars.set(name, value);
  }

  unset(name: string): void {
    this.vars.delete(name);
    this.exported.delete(name);
  }

  get home(): string {
    return this.vars.get('HOME') ?? HOME;
  }

  /** Change directory (already checked), keeping PWD and OLDPWD as cd does. */
  chdir(path: string): void {
    this.vars.set('OLDPWD', this.cwd);
    this.cwd = path;
    this.vars.set('PWD', path);
  }
}
