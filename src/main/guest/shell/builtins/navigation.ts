import { KernelError } from '../../kernel/errors';
import { Vfs } from '../../kernel/vfs';
import { ShellError } from '../errors';
import type { Builtin } from '../runtime';

export const cd: Builtin = {
  name: 'cd',
  synopsis: 'cd [DIR]',
  summary: 'change directory (no DIR: ~, -: the previous one)',
  run({ argv, stdout, shell }) {
    const args = argv.slice(1);
    if (args[0] === '--' || args[0] === '-L' || args[0] === '-P') args.shift();
    if (args.length > 1) throw new ShellError('cd: too many arguments');
    const session = shell.session;
    let target = args[0] ?? session.home;
    if (target === '') return 0;
    if (target === '-') {
      const old = session.get('OLDPWD');
      if (old === undefined) throw new ShellError('cd: OLDPWD not set');
      target = old;
      stdout.write(old + '\n');
    }
    const path = Vfs.resolve(target, session.cwd);
    let kind: string;
    try {
      kind = shell.services.kernel.vfs.lookup(path).kind;
    } catch (e) {
      throw new ShellError(`cd: ${target}: ${e instanceof KernelError ? e.message : 'No such file or directory'}`);
    }
    if (kind !== 'dir') throw new ShellError(`cd: ${target}: Not a directory`);
    session.chdir(path);
    return 0;
  },
};

export const pwd: Builtin = {
  name: 'pwd',
  synopsis: 'pwd [-LP]',
  summary: 'print the working directory (-P: links resolved)',
  options: ['-L', '-P'],
  run({ argv, stdout, shell }) {
    const physical = argv.slice(1).includes('-P');
    let path = shell.session.cwd;
    if (physical) {
      try {
        path = shell.services.kernel.vfs.realpath(path);
      } catch (e) {
        throw new ShellError(`pwd: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    stdout.write(path + '\n');
    return 0;
  },
};
