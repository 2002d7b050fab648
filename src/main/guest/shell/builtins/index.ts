import type { Builtin } from '../runtime';
import { breakBuiltin, colon, continueBuiltin, exit, falseBuiltin, trueBuiltin } from './control';
import { echo } from './echo';
import { clear, help, history, type } from './info';
import { cd, pwd } from './navigation';
import { seq } from './seq';
import { sleep } from './sleep';
import { bracket, test } from './test';
import { exportBuiltin, set, unset } from './variables';

const ALL: readonly Builtin[] = [
  colon, bracket, breakBuiltin, cd, clear, continueBuiltin, echo, exit, exportBuiltin, falseBuiltin, help, history, pwd, seq, set, sleep, test,
  trueBuiltin, type, unset,
];

/** The shell's builtins by name. */
export const BUILTINS: ReadonlyMap<string, Builtin> = new Map(ALL.map((b) => [b.name, b]));
