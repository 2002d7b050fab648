import { ShellError } from '../errors';
import { quoteWord } from '../quote';
import type { Builtin } from '../runtime';
import { NAME_RE } from '../session';

const sorted = (names: Iterable<string>): string[] => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const doubleQuoted = (value: string): string => `"${value.replace(/["\\$`]/g, '\\$&')}"`;

export const exportBuiltin: Builtin = {
  name: 'export',
  synopsis: 'export [NAME[=VALUE]...]',
  summary: 'give variables to commands (no NAME: list them)',
  options: ['-p'],
  run({ argv, stdout, stderr, shell }) {
    const session = shell.session;
    const args = argv.slice(1).filter((a) => a !== '-p');
    if (args.length === 0) {
      for (const name of sorted(session.exported)) {
        const value = session.get(name);
        stdout.write(value === undefined ? `export ${name}\n` : `export ${name}=${doubleQuoted(value)}\n`);
      }
      return 0;
    }
    let status = 0;
    for (const arg of args) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg : arg.slice(0, eq);
      if (!NAME_RE.test(name)) {
        stderr.write(`sh: export: \`${arg}': not a valid identifier\n`);
        status = 1;
        continue;
      }
      if (eq >= 0) session.set(name, arg.slice(eq + 1));
      session.exported.add(name);
    }
    return status;
  },
};

export const unset: Builtin = {
  name: 'unset',
  synopsis: 'unset NAME...',
  summary: 'remove variables',
  options: ['-v'],
  run({ argv, stderr, shell }) {
    let status = 0;
    for (const name of argv.slice(1)) {
      if (name === '-v') continue;
      if (!NAME_RE.test(name)) {
        stderr.write(`sh: unset: \`${name}': not a valid identifier\n`);
        status = 1;
        continue;
      }
      shell.session.unset(name);
    }
    return status;
  },
};

const OPTION_NAMES: Readonly<Record<string, 'xtrace' | 'errexit'>> = { x: 'xtrace', e: 'errexit', xtrace: 'xtrace', errexit: 'errexit' };

export const set: Builtin = {
  name: 'set',
  synopsis: 'set [-ex] [+ex]',
  summary: '-x: trace commands, -e: exit on failure; none: list',
  options: ['-x', '+x', '-e', '+e', '-o', '+o'],
  run({ argv, stdout, shell }) {
    const session = shell.session;
    const args = argv.slice(1);
    if (args.length === 0) {
      for (const name of sorted(session.vars.keys())) stdout.write(`${name}=${quoteWord(session.get(name) ?? '')}\n`);
      return 0;
    }
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      const on = arg[0] === '-';
      if ((arg[0] !== '-' && arg[0] !== '+') || arg.length < 2) throw new ShellError(`set: ${arg}: positional parameters are not supported`, 2);
      const letters = arg.slice(1);
      const names = letters === 'o' ? [args[++i] ?? ''] : [...letters];
      for (const n of names) {
        const option = OPTION_NAMES[n];
        if (!option) throw new ShellError(`set: ${arg[0]}${letters === 'o' ? 'o ' : ''}${n}: option not supported (only -x and -e)`, 2);
        session[option] = on;
      }
    }
    return 0;
  },
};
