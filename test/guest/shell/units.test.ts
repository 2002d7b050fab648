import { describe, expect, it } from 'vitest';
import { evaluateArithmetic } from '../../../src/main/guest/shell/arith';
import { ShellSyntaxError } from '../../../src/main/guest/shell/errors';
import { componentRegExp, expandPathname } from '../../../src/main/guest/shell/glob';
import { History } from '../../../src/main/guest/shell/history';
import { KeyDecoder, type Key } from '../../../src/main/guest/shell/keys';
import { LineBuffer } from '../../../src/main/guest/shell/line-buffer';
import { Parser } from '../../../src/main/guest/shell/parser';
import { displayDirectory } from '../../../src/main/guest/shell/prompt';
import { quoteWord } from '../../../src/main/guest/shell/quote';
import { charWidth, splitClusters, stringWidth } from '../../../src/main/guest/shell/wcwidth';

describe('wcwidth', () => {
  it('counts columns as xterm draws them', () => {
    expect(stringWidth('abc')).toBe(3);
    expect(stringWidth('中文')).toBe(4);
    expect(stringWidth('ｆｕｌｌ')).toBe(8);
    expect(stringWidth('😀')).toBe(2);
    expect(stringWidth('한국어')).toBe(6);
    expect(stringWidth('e\u0301')).toBe(1);
    expect(stringWidth('\u200b')).toBe(0);
    expect(charWidth(0x1b)).toBe(0);
    expect(charWidth(0xad)).toBe(1); // soft hyphen is shown
    expect(charWidth(0x3099)).toBe(0); // kana voicing mark combines
    expect(charWidth(0x2603)).toBe(1); // snowman: text presentation
    expect(charWidth(0x26c4)).toBe(2); // snowman without snow: emoji presentation
  });

  it('splits text into what the cursor moves over', () => {
    expect(splitClusters('ae\u0301中😀')).toEqual(['a', 'e\u0301', '中', '😀']);
    expect(splitClusters('\u0301a')).toEqual(['\u0301', 'a']);
  });
});

describe('key decoder', () => {
  const decode = (input: string): (Key | string)[] => {
    const d = new KeyDecoder();
    const out: (Key | string)[] = [];
    for (const ch of input) {
      const key = d.push(ch);
      if (key) out.push(key.kind === 'text' ? key.text : key.name);
    }
    return out;
  };

  it('maps control keys and escape sequences', () => {
    expect(decode('a\x01\x05\x03\x04\x0b\x15\x17\x0c\t\x7f\x08\x19')).toEqual([
      'a', 'home', 'end', 'interrupt', 'eof', 'kill-to-end', 'kill-to-start', 'kill-word-back', 'clear-screen', 'tab', 'backspace', 'backspace', 'yank',
    ]);
    expect(decode('\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F\x1bOH\x1bOF\x1b[1~\x1b[4~\x1b[3~\x1b[1;5D\x1b[1;3C\x1bb\x1bf')).toEqual([
      'up', 'down', 'right', 'left', 'home', 'end', 'home', 'end', 'home', 'end', 'delete', 'word-left', 'word-right', 'word-left', 'word-right',
    ]);
  });

  it('treats CR, LF and CR LF each as one Enter', () => {
    expect(decode('a\rb\nc\r\nd\n\n')).toEqual(['a', 'enter', 'b', 'enter', 'c', 'enter', 'd', 'enter', 'enter']);
  });

  it('drops unknown sequences and keeps control keys that cut a sequence short', () => {
    expect(decode('\x1b[2~\x1b[200~x\x1b[?25h\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16Ay')).toEqual(['x', 'y']);
    expect(decode('\x1b[\x03\x1bO\x03\x1b\x03\x1b\r')).toEqual(['interrupt', 'interrupt', 'interrupt', 'enter']);
    expect(decode('\x1bx\x9b\x00z')).toEqual(['z']);
  });
});

describe('line buffer', () => {
  it('edits by clusters and finds words', () => {
    const b = new LineBuffer();
    b.insert('echo 中文 x');
    expect(b.length).toBe(9);
    b.moveTo(7);
    expect(b.previousBlankWord()).toBe(5);
    expect(b.previousWord()).toBe(5);
    b.moveTo(0);
    expect(b.nextWord()).toBe(4);
    b.insert('\u0301'); // nothing before the cursor to join: dropped
    expect(b.text).toBe('echo 中文 x');
    expect(b.remove(4, 8)).toBe(' 中文 ');
    expect(b.text).toBe('echox');
  });
});

describe('history', () => {
  it('keeps at most its limit and numbers on', () => {
    const h = new History(3);
    for (const l of ['a', 'b', 'b', ' ', 'c', 'd']) h.add(l);
    expect(h.entries).toEqual(['b', 'c', 'd']);
    expect(h.firstNumber).toBe(2);
    const walk = h.browse();
    expect(walk.up('typed')).toBe('d');
    expect(walk.up('d!')).toBe('c');
    expect(walk.down('c')).toBe('d!');
    expect(walk.down('d!')).toBe('typed');
    expect(walk.down('typed')).toBeUndefined();
  });
});

describe('parser', () => {
  it('builds the tree', () => {
    const list = Parser.parse('A=1 echo "x $y" && ! false; for i in a b; do :; done');
    expect(list.items).toHaveLength(2);
    const first = list.items[0]!;
    expect(first.first.command).toMatchObject({ type: 'simple', assignments: [{ name: 'A' }] });
    expect(first.rest[0]).toMatchObject({ op: '&&', pipeline: { negated: true } });
    expect(list.items[1]!.first.command).toMatchObject({ type: 'for', name: 'i' });
  });

  it('marks errors at the end of the text as incomplete (the console then reads on)', () => {
    for (const text of ['if true', 'echo "abc', "echo 'a", 'echo $(a', 'for i in a', 'a &&', 'echo \\', '{ echo', 'while true; do']) {
      expect(() => Parser.parse(text), text).toThrow(ShellSyntaxError);
      try {
        Parser.parse(text);
      } catch (e) {
        expect((e as ShellSyntaxError).incomplete, text).toBe(true);
      }
    }
    for (const text of ['fi', 'a | b', 'a > b', ')', 'if true; then fi']) {
      try {
        Parser.parse(text);
        expect.unreachable(text);
      } catch (e) {
        expect((e as ShellSyntaxError).incomplete, text).toBe(false);
      }
    }
  });
});

describe('arithmetic', () => {
  const vars = new Map<string, string>();
  const scope = { get: (n: string) => vars.get(n), set: (n: string, v: string) => void vars.set(n, v) };
  it('evaluates with 64-bit integers and C precedence', () => {
    expect(evaluateArithmetic('1 + 2 * 3 - 4 / 2', scope)).toBe(5n);
    expect(evaluateArithmetic('2 ** 3 ** 2', scope)).toBe(512n);
    expect(evaluateArithmetic('-2 ** 2', scope)).toBe(4n);
    expect(evaluateArithmetic('1 < 2 == 1', scope)).toBe(1n);
    expect(evaluateArithmetic('x = 3, x += 2, x * 2', scope)).toBe(10n);
    expect(vars.get('x')).toBe('5');
    expect(evaluateArithmetic('0 && (y = 1)', scope)).toBe(0n);
    expect(vars.has('y')).toBe(false);
    expect(evaluateArithmetic('2 ** 63', scope)).toBe(-(2n ** 63n));
    expect(typeof evaluateArithmetic('3 ** 1000000000000', scope)).toBe('bigint'); // by squaring: instant
    expect(() => evaluateArithmetic('08', scope)).toThrow('value too great for base');
  });
});

describe('glob', () => {
  it('matches like sh: no leading dots, classes, escapes', () => {
    expect(componentRegExp('*').test('.hidden')).toBe(false);
    expect(componentRegExp('.*').test('.hidden')).toBe(true);
    expect(componentRegExp('[a-c]?').test('bz')).toBe(true);
    expect(componentRegExp('[!a-c]*').test('bz')).toBe(false);
    expect(componentRegExp('\\*').test('*')).toBe(true);
    expect(componentRegExp('\\*').test('x')).toBe(false);
    expect(componentRegExp('[').test('[')).toBe(true);
  });

  it('walks directories', () => {
    const tree: Record<string, string[]> = { '/': ['a', 'b'], '/a': ['x1', 'x2', 'y'], '/b': ['x3'] };
    const files = new Set(['/a/x1', '/a/x2', '/a/y', '/b/x3']);
    const fs = { list: (d: string) => tree[d], exists: (p: string) => p in tree || files.has(p) };
    expect(expandPathname('/*/x*', '/', fs)).toEqual(['/a/x1', '/a/x2', '/b/x3']);
    expect(expandPathname('*/y', '/', fs)).toEqual(['a/y']);
    expect(expandPathname('/c*', '/', fs)).toEqual([]);
  });
});

describe('small helpers', () => {
  it('quoteWord and displayDirectory', () => {
    expect(quoteWord('plain-word_1.2/x')).toBe('plain-word_1.2/x');
    expect(quoteWord('a b')).toBe("'a b'");
    expect(quoteWord("it's")).toBe("'it'\\''s'");
    expect(quoteWord('')).toBe("''");
    expect(displayDirectory('/root', '/root')).toBe('~');
    expect(displayDirectory('/root/x', '/root')).toBe('~/x');
    expect(displayDirectory('/rooty', '/root')).toBe('/rooty');
    expect(displayDirectory('/sys', '/root')).toBe('/sys');
  });
});
