/**
 * Option parsing as glibc's getopt_long does it, with its error messages, for the guest's tools.
 *
 * `short` is a getopt option string ("nvxs:d:"): a letter followed by ':' takes an argument, glued
 * (`-s00:04.0`) or as the next word (`-s 00:04.0`). Options and operands may be mixed (GNU permutes
 * them) unless `short` starts with '+'; `--` ends the options.
 */

export interface LongOption {
  readonly name: string;
  /** The key reported for it: usually its short letter, or the long name itself. */
  readonly key: string;
  readonly arg?: 'none' | 'required' | 'optional';
}

export interface ParsedOption {
  readonly key: string;
  readonly value?: string;
}

export type ParseResult =
  | { readonly ok: true; readonly options: readonly ParsedOption[]; readonly operands: readonly string[] }
  | { readonly ok: false; readonly message: string };

export function getopt(prog: string, args: readonly string[], short: string, long: readonly LongOption[] = []): ParseResult {
  const inOrder = short.startsWith('+');
  const spec = inOrder ? short.slice(1) : short;
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = word.slice(2, eq < 0 ? undefined : eq);
      const inline = eq < 0 ? undefined : word.slice(eq + 1);
      const exact = long.find((l) => l.name === name);
      const prefixed = exact ? [exact] : long.filter((l) => l.name.startsWith(name));
      if (prefixed.length === 0) return { ok: false, message: `${prog}: unrecognized option '${word}'` };
      if (prefixed.length > 1 && new Set(prefixed.map((l) => l.key)).size > 1) {
        return { ok: false, message: `${prog}: option '${word}' is ambiguous; possibilities:${prefixed.map((l) => ` '--${l.name}'`).join('')}` };
      }
      const opt = prefixed[0]!;
      const kind = opt.arg ?? 'none';
      if (kind === 'none') {
        if (inline !== undefined) return { ok: false, message: `${prog}: option '--${opt.name}' doesn't allow an argument` };
        options.push({ key: opt.key });
      } else if (inline !== undefined) {
        options.push({ key: opt.key, value: inline });
      } else if (kind === 'required') {
        if (i + 1 >= args.length) return { ok: false, message: `${prog}: option '--${opt.name}' requires an argument` };
        options.push({ key: opt.key, value: args[++i]! });
      } else {
        options.push({ key: opt.key });
      }
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      for (let j = 1; j < word.length; j++) {
        const c = word[j]!;
        const at = c === ':' ? -1 : spec.indexOf(c);
        if (at < 0) return { ok: false, message: `${prog}: invalid option -- '${c}'` };
        if (spec[at + 1] === ':') {
          const rest = word.slice(j + 1);
          if (rest) options.push({ key: c, value: rest });
          else if (i + 1 < args.length) options.push({ key: c, value: args[++i]! });
          else return { ok: false, message: `${prog}: option requires an argument -- '${c}'` };
          break;
        }
        options.push({ key: c });
      }
      continue;
    }
    if (inOrder) {
      operands.push(...args.slice(i));
      break;
    }
    operands.push(word);
  }
  return { ok: true, options, operands };
}

/** How many times option `key` was given (-vvv: 3). */
export function count(options: readonly ParsedOption[], key: string): number {
  return options.filter((o) => o.key === key).length;
}

/** The last value given for option `key`. */
export function lastValue(options: readonly ParsedOption[], key: string): string | undefined {
  let value: string | undefined;
  for (const o of options) if (o.key === key) value = o.value;
  return value;
}

/**
 * An unsigned integer as C's strtoull(s, &end, 0) reads a whole word: 0x hex, leading-0 octal, or
 * decimal. Undefined unless the whole word is a number.
 */
export function parseCUnsigned(text: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return BigInt(text);
  if (/^0[0-7]*$/.test(text)) return BigInt('0o' + (text.slice(1) || '0'));
  if (/^[1-9][0-9]*$/.test(text)) return BigInt(text);
  return undefined;
}

/** util-linux strtosize(): a number (C base 0) with an optional K/M/G/T suffix (KiB, K: 1024; KB: 1000). */
export function parseSize(text: string): bigint | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|[0-9]+)([KMGTPE](?:i?B)?)?$/.exec(text);
  if (!m) return undefined;
  const n = parseCUnsigned(m[1]!);
  if (n === undefined) return undefined;
  const suffix = m[2];
  if (!suffix) return n;
  const power = BigInt('KMGTPE'.indexOf(suffix[0]!) + 1);
  const base = suffix.endsWith('B') && !suffix.endsWith('iB') ? 1000n : 1024n;
  return n * base ** power;
}
