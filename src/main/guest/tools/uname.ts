import { getopt } from './args';
import { defineTool } from './util';

const USAGE = `Usage: uname [OPTION]...
Print certain system information.  With no OPTION, same as -s.

  -a, --all                print all information, in the following order,
                             except omit -p and -i if unknown:
  -s, --kernel-name        print the kernel name
  -n, --nodename           print the network node hostname
  -r, --kernel-release     print the kernel release
  -v, --kernel-version     print the kernel version
  -m, --machine            print the machine hardware name
  -p, --processor          print the processor type (non-portable)
  -i, --hardware-platform  print the hardware platform (non-portable)
  -o, --operating-system   print the operating system
      --help        display this help and exit
      --version     output version information and exit
`;

export const HOSTNAME = 'edu-lab';

/** coreutils uname: fields always in the order s n r v m p i o. */
export const uname = defineTool({
  name: 'uname',
  summary: 'print system information',
  usage: USAGE,
  options: ['-a', '-s', '-n', '-r', '-v', '-m', '-p', '-i', '-o', '--help'],
  run(ctx) {
    const parsed = getopt('uname', ctx.argv.slice(1), 'asnrvmpio', [
      { name: 'all', key: 'a' },
      { name: 'kernel-name', key: 's' },
      { name: 'nodename', key: 'n' },
      { name: 'kernel-release', key: 'r' },
      { name: 'kernel-version', key: 'v' },
      { name: 'machine', key: 'm' },
      { name: 'processor', key: 'p' },
      { name: 'hardware-platform', key: 'i' },
      { name: 'operating-system', key: 'o' },
      { name: 'help', key: 'help' },
      { name: 'version', key: 'version' },
    ]);
    if (!parsed.ok) {
      ctx.stderr.write(`${parsed.message}\nTry 'uname --help' for more information.\n`);
      return 1;
    }
    if (parsed.operands.length) {
      ctx.stderr.write(`uname: extra operand '${parsed.operands[0]}'\nTry 'uname --help' for more information.\n`);
      return 1;
    }
    const keys = new Set(parsed.options.map((o) => o.key));
    if (keys.has('help')) {
      ctx.stdout.write(USAGE);
      return 0;
    }
    if (keys.has('version')) {
      ctx.stdout.write('uname (GNU coreutils) 9.1\n');
      return 0;
    }
    const all = keys.has('a');
    if (keys.size === 0) keys.add('s');
    const k = ctx.kernel;
    const fields: [string, string, boolean][] = [
      ['s', 'Linux', true],
      ['n', HOSTNAME, true],
      ['r', k.release, true],
      ['v', k.version, true],
      ['m', 'x86_64', true],
      ['p', 'unknown', false],
      ['i', 'unknown', false],
      ['o', 'GNU/Linux', true],
    ];
    const words = fields.filter(([key, , known]) => keys.has(key) || (all && known)).map(([, value]) => value);
    ctx.stdout.write(words.join(' ') + '\n');
    return 0;
  },
});
