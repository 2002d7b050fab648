import { defineTool, errorText } from './util';

const USAGE = `Usage: cat [OPTION]... [FILE]...
Concatenate FILE(s) to standard output.
`;

/** cat FILE...: each file's bytes in order; a file that cannot be read is reported and skipped. */
export const cat = defineTool({
  name: 'cat',
  summary: 'print files',
  usage: USAGE,
  options: ['--help'],
  run(ctx) {
    const args = ctx.argv.slice(1);
    let status = 0;
    const decoder = new TextDecoder();
    let operandsOnly = false;
    for (const path of args) {
      if (!operandsOnly && path === '--') {
        operandsOnly = true;
        continue;
      }
      if (!operandsOnly && path === '--help') {
        ctx.stdout.write(USAGE);
        return 0;
      }
      if (!operandsOnly && path.startsWith('-') && path !== '-') {
        ctx.stderr.write(`cat: invalid option -- '${path[1]}'\nTry 'cat --help' for more information.\n`);
        return 1;
      }
      // There is no standard input to copy here: `-` reads as an empty file.
      if (path === '-') continue;
      try {
        const data = ctx.kernel.vfs.readFile(path, ctx.cwd);
        if (data.length) ctx.stdout.write(decoder.decode(data, { stream: true }));
      } catch (error) {
        ctx.stderr.write(`cat: ${path}: ${errorText(error)}\n`);
        status = 1;
      }
    }
    const rest = decoder.decode();
    if (rest) ctx.stdout.write(rest);
    return status;
  },
});
