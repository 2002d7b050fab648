import { RESERVED_WORDS } from '../ast';
import { ShellError } from '../errors';
import type { Builtin, BuiltinContext } from '../runtime';
import { CLEAR_SCREEN } from '../terminal-view';
import { stringWidth } from '../wcwidth';

const GRAMMAR = [
  'Shell grammar: cmd1; cmd2   cmd1 && cmd2   cmd1 || cmd2   ! cmd   { cmd; }',
  '  if LIST; then LIST; [elif LIST; then LIST;] [else LIST;] fi',
  '  for NAME in WORDS; do LIST; done     while|until LIST; do LIST; done',
  '  NAME=value  $NAME  ${NAME}  $?  $(cmd)  $((1 + 2))  /path/*  ~',
  `  'single quotes'  "double $QUOTES"  \\x  # comment   (no pipes or redirections)`,
];

/** Names longer than this push their summary right instead of widening the column. */
const MAX_NAME_COLUMN = 24;

function table(rows: readonly [string, string][]): string {
  const width = Math.min(MAX_NAME_COLUMN, Math.max(...rows.map(([a]) => stringWidth(a))));
  return rows.map(([a, b]) => `  ${a}${' '.repeat(Math.max(1, width - stringWidth(a) + 2))}${b}`.trimEnd() + '\n').join('');
}

const byName = <T extends { name: string }>(items: Iterable<T>): T[] => [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

export const help: Builtin = {
  name: 'help',
  synopsis: 'help [NAME]',
  summary: 'this list, or more about NAME',
  run({ argv, stdout, shell }: BuiltinContext) {
    const tools = shell.services.tools;
    if (argv.length > 1) {
      let status = 0;
      for (const name of argv.slice(1)) {
        const builtin = shell.builtins.get(name);
        const tool = tools.get(name);
        if (builtin) stdout.write(`${builtin.synopsis}\n    ${builtin.summary}\n`);
        else if (tool) stdout.write(`${tool.name}: ${tool.summary}\n${tool.usage.replace(/\n*$/, '\n')}`);
        else {
          status = 1;
          stdout.write(`help: no help topics match '${name}'\n`);
        }
      }
      return status;
    }
    let out = GRAMMAR.join('\n') + '\n\nShell builtins:\n';
    out += table(byName(new Set(shell.builtins.values())).map((b) => [b.synopsis, b.summary]));
    if (tools.size > 0) out += '\nCommands:\n' + table(byName(tools.values()).map((t) => [t.name, t.summary]));
    out += "\nType 'help NAME' for more about one of them.\n";
    stdout.write(out);
    return 0;
  },
};

export const type: Builtin = {
  name: 'type',
  synopsis: 'type NAME...',
  summary: 'say what NAME is: keyword, builtin or command',
  run({ argv, stdout, stderr, shell }) {
    let status = 0;
    for (const name of argv.slice(1)) {
      if (RESERVED_WORDS.has(name)) stdout.write(`${name} is a shell keyword\n`);
      else if (shell.builtins.has(name)) stdout.write(`${name} is a shell builtin\n`);
      else if (shell.services.tools.has(name)) stdout.write(`${name} is /usr/bin/${name}\n`);
      else {
        stderr.write(`sh: type: ${name}: not found\n`);
        status = 1;
      }
    }
    return status;
  },
};

export const history: Builtin = {
  name: 'history',
  synopsis: 'history [-c] [N]',
  summary: 'the last N commands typed (-c: forget them)',
  options: ['-c'],
  run({ argv, stdout, shell }) {
    const h = shell.services.history;
    const arg = argv[1];
    if (arg === '-c') {
      h.clear();
      return 0;
    }
    if (arg !== undefined && !/^[0-9]+$/.test(arg)) throw new ShellError(`history: ${arg}: numeric argument required`);
    const entries = h.entries;
    const from = arg === undefined ? 0 : Math.max(0, entries.length - Number(arg));
    let out = '';
    for (let i = from; i < entries.length; i++) out += `${String(h.firstNumber + i).padStart(5)}  ${entries[i]}\n`;
    stdout.write(out);
    return 0;
  },
};

export const clear: Builtin = {
  name: 'clear',
  synopsis: 'clear',
  summary: 'clear the screen',
  run({ stdout }) {
    stdout.write(CLEAR_SCREEN);
    return 0;
  },
};
