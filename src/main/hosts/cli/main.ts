/**
 * The `edu-lab` command line: headless runs for scripts and grading, and the guest console on a
 * terminal. Plain Node: it runs the same machine, guest and session as the desktop app.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defaultUserland } from '../../guest/userland';
import { builtWorkers } from '../workers';
import { parseArgs, USAGE, UsageError } from './args';
import type { LabDeps } from './lab-deps';
import { convertSession } from './export';
import { runScript } from './run';
import { interactiveShell } from './shell';
import { serve } from '../web/serve';

const VERSION = '0.1.0';

async function readScript(path: string): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(argv: readonly string[]): Promise<number> {
  const out = (text: string) => void process.stdout.write(text);
  const err = (text: string) => void process.stderr.write(text);
  let command;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`edu-lab: ${error.message}\nTry 'edu-lab --help' for more information.\n`);
    return 2;
  }
  const deps: LabDeps = { workers: builtWorkers, guest: defaultUserland };
  switch (command.kind) {
    case 'help':
      out(USAGE);
      return 0;
    case 'version':
      out(`edu-lab ${VERSION}\n`);
      return 0;
    case 'shell':
      return interactiveShell(command.flags, deps, { stdout: out, stderr: err, input: process.stdin, output: process.stdout });
    case 'serve': {
      const rendererRoot = fileURLToPath(new URL('../renderer', import.meta.url));
      const { stop } = await serve({ flags: command.flags, host: command.host, port: command.port, rendererRoot }, deps, { stdout: out, stderr: err });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await stop();
      return 0;
    }
    case 'export':
      return convertSession(command, { stdout: out, stderr: err });
    case 'run': {
      let script: string;
      try {
        script = await readScript(command.script);
      } catch (error) {
        err(`edu-lab: cannot read ${command.script}: ${(error as Error).message}\n`);
        return 2;
      }
      return runScript(script, { flags: command.flags, xtrace: command.xtrace, export: command.export }, deps, { stdout: out, stderr: err });
    }
  }
}

main(process.argv.slice(2)).then(
  // Exit explicitly: the lab is destroyed by now, and a stray handle must not keep a script waiting.
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`edu-lab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
