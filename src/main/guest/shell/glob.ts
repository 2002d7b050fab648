/** What pathname expansion reads: directory listings and existence, by absolute path. */
export interface GlobFs {
  list(dir: string): readonly string[] | undefined;
  /** Whether `path` exists (and is a directory, when `directory`). */
  exists(path: string, directory: boolean): boolean;
}

/** Bounds on one expansion (sysfs is deep and full of links). */
const MAX_LISTINGS = 2000;
const MAX_RESULTS = 10000;

/** Whether `pattern` has an unescaped *, ? or [ (quoted characters come escaped with a backslash). */
export function hasGlob(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** Remove the backslashes that protect quoted characters. */
export function unescapeGlob(pattern: string): string {
  return pattern.replace(/\\(.)/gsu, '$1');
}

const escapeRegExp = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** A pattern for one path component as a regular expression (`*` and `?` never match a leading dot). */
export function componentRegExp(pattern: string): RegExp {
  let re = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i + 1 < chars.length) {
      re += escapeRegExp(chars[++i]!);
    } else if (c === '*') {
      re += '.*';
    } else if (c === '?') {
      re += '.';
    } else if (c === '[') {
      const cls = bracket(chars, i);
      if (cls) {
        re += cls.re;
        i = cls.end;
      } else {
        re += '\\[';
      }
    } else {
      re += escapeRegExp(c);
    }
  }
  const leadingDotOk = pattern.startsWith('.') || pattern.startsWith('\\.');
  return new RegExp(`^${leadingDotOk ? '' : '(?!\\.)'}${re}$`, 'su');
}

/** [abc], [a-z], [!x], [^x], []x]: the class and where it ends, or undefined if it does not close. */
function bracket(chars: string[], open: number): { re: string; end: number } | undefined {
  let i = open + 1;
  let negate = false;
  if (chars[i] === '!' || chars[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === ']' && !first) return { re: `[${negate ? '^' : ''}${body}]`, end: i };
    first = false;
    if (c === '\\' && i + 1 < chars.length) body += escapeRegExp(chars[++i]!);
    else if (c === '-' && body !== '' && chars[i + 1] !== ']') body += '-';
    else body += escapeRegExp(c);
  }
  return undefined;
}

function join(prefix: string, name: string): string {
  if (prefix === '') return name;
  return prefix.endsWith('/') ? prefix + name : `${prefix}/${name}`;
}

function absolute(path: string, cwd: string): string {
  if (path.startsWith('/')) return path;
  return path === '' ? cwd : `${cwd.replace(/\/$/, '')}/${path}`;
}

/** Expand a pattern into the matching paths, sorted; empty when nothing matches. */
export function expandPathname(pattern: string, cwd: string, fs: GlobFs): string[] {
  const components = pattern.split('/');
  let paths = [pattern.startsWith('/') ? '/' : ''];
  let listings = 0;
  const trailingSlash = components.length > 1 && components[components.length - 1] === '';
  for (const component of components) {
    if (component === '') continue;
    if (!hasGlob(component)) {
      const name = unescapeGlob(component);
      paths = paths.map((p) => join(p, name));
      continue;
    }
    const re = componentRegExp(component);
    const next: string[] = [];
    for (const p of paths) {
      if (++listings > MAX_LISTINGS || next.length > MAX_RESULTS) break;
      const names = fs.list(absolute(p, cwd));
      if (!names) continue;
      for (const name of names) if (re.test(name)) next.push(join(p, name));
    }
    paths = next;
    if (paths.length === 0) return [];
  }
  const found = paths.filter((p) => p !== '' && fs.exists(absolute(p, cwd), trailingSlash)).map((p) => (trailingSlash ? p + '/' : p));
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, MAX_RESULTS);
}
