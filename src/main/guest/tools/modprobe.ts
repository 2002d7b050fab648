import { Interrupted, KernelError } from '../kernel/errors';
import { getopt } from './args';
import { defineTool, errorText, STATUS_INTERRUPTED } from './util';

const USAGE = `Usage:
\tmodprobe [options] [-i] [-b] modulename
\tmodprobe [options] -a [-i] [-b] modulename [modulename...]
\tmodprobe [options] -r [-i] modulename
\tmodprobe [options] -r -a [-i] modulename [modulename...]
Management Options:
\t-a, --all                   Consider every non-argument to
\t                            be a module name to be inserted
\t                            or removed (-r)
\t-r, --remove                Remove modules instead of inserting
\t    --first-time            Fail if module already inserted or removed

Query Options:
\t-R, --resolve-alias         Only lookup and print alias and exit

General Options:
\t-n, --dry-run               Do not execute operations, just print out
\t-n, --show                  Same as --dry-run
\t-q, --quiet                 disable messages
\t-v, --verbose               enables more messages
\t-V, --version               show version
\t-h, --help                  show this help
`;

export const MODULE_DIRECTORY = '/lib/modules';

/** kmod modprobe over the kernel's module loader, with kmod's messages. */
export const modprobe = defineTool({
  name: 'modprobe',
  summary: 'load or remove kernel modules',
  usage: USAGE,
  options: ['-r', '-a', '-q', '-v', '-n', '-R', '--first-time', '--help'],
  async run(ctx) {
    const parsed = getopt('modprobe', ctx.argv.slice(1), 'arw:RibfDcnC:d:S:sqvVh', [
      { name: 'all', key: 'a' },
      { name: 'remove', key: 'r' },
      { name: 'first-time', key: 'first-time' },
      { name: 'resolve-alias', key: 'R' },
      { name: 'dry-run', key: 'n' },
      { name: 'show', key: 'n' },
      { name: 'quiet', key: 'q' },
      { name: 'verbose', key: 'v' },
      { name: 'version', key: 'V' },
      { name: 'help', key: 'h' },
    ]);
    if (!parsed.ok) {
      ctx.stderr.write(`${parsed.message}\n`);
      return 1;
    }
    let all = false;
    let remove = false;
    let firstTime = false;
    let quiet = false;
    let verbose = false;
    let dryRun = false;
    let lookupOnly = false;
    for (const o of parsed.options) {
      switch (o.key) {
        case 'a':
          all = true;
          break;
        case 'r':
          remove = true;
          break;
        case 'first-time':
          firstTime = true;
          break;
        case 'q':
          quiet = true;
          break;
        case 'v':
          verbose = true;
          break;
        case 'n':
          dryRun = true;
          break;
        case 'R':
          lookupOnly = true;
          break;
        case 'V':
          ctx.stdout.write('kmod version 30\n+ZSTD +XZ -ZLIB +LIBCRYPTO -EXPERIMENTAL\n');
          return 0;
        case 'h':
          ctx.stdout.write(USAGE);
          return 0;
        default:
          break;
      }
    }
    const k = ctx.kernel;
    const dir = `${MODULE_DIRECTORY}/${k.release}`;
    // kmod's LOG() is "FATAL" (silenced by -q), ERR() is "ERROR".
    const fatal = (text: string) => quiet || ctx.stderr.write(`modprobe: FATAL: ${text}\n`);
    const error = (text: string) => quiet || ctx.stderr.write(`modprobe: ERROR: ${text}\n`);
    const args = parsed.operands;
    if (args.length === 0) {
      error('missing parameters. See -h.');
      return 1;
    }
    const names = all || remove ? args : [args[0]!];
    const params = all || remove ? [] : args.slice(1);
    let failed = false;

    for (const alias of names) {
      // Module names use '_' where a command line may say '-'.
      const name = alias.replace(/-/g, '_');
      const module = k.modules.info(name);
      if (remove) {
        if (!module) {
          fatal(`Module ${alias} not found.`);
          failed = true;
          break;
        }
        if (!k.modules.isLoaded(name)) {
          if (firstTime) {
            fatal(`Module ${name} is not in kernel.`);
            failed = true;
            break;
          }
          continue;
        }
        if (verbose || dryRun) ctx.stdout.write(`rmmod ${name}\n`);
        if (dryRun) continue;
        try {
          await k.modules.unload(name);
        } catch (e) {
          if (e instanceof Interrupted) return STATUS_INTERRUPTED;
          error(`could not remove '${name}': ${errorText(e)}`);
          failed = true;
          break;
        }
        continue;
      }
      if (!module) {
        fatal(`Module ${alias} not found in directory ${dir}`);
        failed = true;
        continue;
      }
      if (lookupOnly) {
        ctx.stdout.write(`${name}\n`);
        continue;
      }
      if (k.modules.isLoaded(name)) {
        if (firstTime) {
          error(`could not insert '${name}': Module already in kernel`);
          failed = true;
        }
        continue;
      }
      if (verbose || dryRun) ctx.stdout.write(`insmod ${dir}/extra/${name}.ko ${params.join(' ')}\n`);
      if (dryRun) continue;
      try {
        await k.modules.load(name, params);
      } catch (e) {
        if (e instanceof Interrupted) return STATUS_INTERRUPTED;
        if (e instanceof KernelError && e.errno === 'EEXIST') continue;
        if (e instanceof KernelError && e.errno === 'ENOENT') error(`could not insert '${name}': Unknown symbol in module, or unknown parameter (see dmesg)`);
        else error(`could not insert '${name}': ${errorText(e)}`);
        failed = true;
      }
    }
    return failed ? 1 : 0;
  },
});
