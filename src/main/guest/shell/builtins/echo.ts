import type { Builtin } from '../runtime';

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** echo -e: backslash escapes; `\c` ends the output (and its newline). */
export function interpretEscapes(text: string): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const e = text[++i]!;
    if (e === 'c') return { text: out, stop: true };
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    let m: RegExpExecArray | null;
    if (e === '0' && (m = /^[0-7]{0,3}/.exec(text.slice(i + 1)))) {
      out += String.fromCharCode(parseInt(m[0] || '0', 8) & 0xff);
      i += m[0].length;
    } else if (e === 'x' && (m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1)))) {
      out += String.fromCharCode(parseInt(m[0], 16));
      i += m[0].length;
    } else if ((e === 'u' || e === 'U') && (m = (e === 'u' ? /^[0-9a-fA-F]{1,4}/ : /^[0-9a-fA-F]{1,8}/).exec(text.slice(i + 1)))) {
      const cp = parseInt(m[0], 16);
      out += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
      i += m[0].length;
    } else {
      out += '\\' + e;
    }
  }
  return { text: out, stop: false };
}

export const echo: Builtin = {
  name: 'echo',
  synopsis: 'echo [-neE] [ARG...]',
  summary: 'print ARGs (-n: no newline, -e: backslash escapes)',
  options: ['-n', '-e', '-E'],
  run({ argv, stdout }) {
    let newline = true;
    let escapes = false;
    let i = 1;
    for (; i < argv.length && /^-[neE]+$/.test(argv[i]!); i++) {
      for (const flag of argv[i]!.slice(1)) {
        if (flag === 'n') newline = false;
        else escapes = flag === 'e';
      }
    }
    let text = argv.slice(i).join(' ');
    if (escapes) {
      const result = interpretEscapes(text);
      text = result.text;
      if (result.stop) newline = false;
    }
    stdout.write(newline ? text + '\n' : text);
    return 0;
  },
};
