import { ExitRequest, LoopControl, ShellError } from '../errors';
import type { Builtin, BuiltinContext } from '../runtime';

export const trueBuiltin: Builtin = { name: 'true', synopsis: 'true', summary: 'do nothing, successfully', run: () => 0 };
export const falseBuiltin: Builtin = { name: 'false', synopsis: 'false', summary: 'do nothing, unsuccessfully', run: () => 1 };
export const colon: Builtin = { name: ':', synopsis: ': [ARG...]', summary: 'do nothing, successfully', run: () => 0 };

export const exit: Builtin = {
  name: 'exit',
  synopsis: 'exit [N]',
  summary: 'leave the shell with status N (default: $?)',
  run({ argv, stderr, shell }) {
    if (argv.length > 2) throw new ShellError('exit: too many arguments');
    const arg = argv[1];
    if (arg === undefined) throw new ExitRequest(shell.session.lastStatus);
    if (!/^\s*[+-]?[0-9]+\s*$/.test(arg)) {
      stderr.write(`sh: exit: ${arg}: numeric argument required\n`);
      throw new ExitRequest(2);
    }
    throw new ExitRequest(Number(BigInt.asUintN(8, BigInt(arg.trim()))));
  },
};

function loopBuiltin(kind: 'break' | 'continue', summary: string): Builtin {
  return {
    name: kind,
    synopsis: `${kind} [N]`,
    summary,
    run({ argv, stderr, shell }: BuiltinContext) {
      if (argv.length > 2) throw new ShellError(`${kind}: too many arguments`);
      const arg = argv[1] ?? '1';
      if (!/^[0-9]+$/.test(arg) || Number(arg) < 1) throw new ShellError(`${kind}: ${arg}: loop count out of range`);
      if (shell.loopDepth === 0) {
        stderr.write(`sh: ${kind}: only meaningful in a \`for', \`while', or \`until' loop\n`);
        return 0;
      }
      throw new LoopControl(kind, Math.min(Number(arg), shell.loopDepth));
    },
  };
}

export const breakBuiltin = loopBuiltin('break', 'leave the innermost loop (or N of them)');
export const continueBuiltin = loopBuiltin('continue', 'next turn of the innermost loop (or N-th)');
