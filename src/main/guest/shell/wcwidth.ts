/**
 * How many terminal columns a character takes, as the console's xterm draws it with its "11" Unicode
 * provider (whose tables are Unicode 12.1's): 2 for East Asian Wide and Fullwidth characters and emoji shown as pictures, 0 for
 * combining marks and format characters (they join the cell before them), 1 otherwise.
 */

/** East Asian Wide (W) and Fullwidth (F) ranges of Unicode 12.1 (emoji with emoji presentation are W), as [first, last] pairs. */
const WIDE: readonly number[] = [
  // Hangul Jamo leading consonants
  0x1100, 0x115f,
  // Miscellaneous Technical, Symbols and Dingbats with emoji presentation
  0x231a, 0x231b, 0x2329, 0x232a, 0x23e9, 0x23ec, 0x23f0, 0x23f0, 0x23f3, 0x23f3, 0x25fd, 0x25fe,
  0x2614, 0x2615, 0x2648, 0x2653, 0x267f, 0x267f, 0x2693, 0x2693, 0x26a1, 0x26a1, 0x26aa, 0x26ab,
  0x26bd, 0x26be, 0x26c4, 0x26c5, 0x26ce, 0x26ce, 0x26d4, 0x26d4, 0x26ea, 0x26ea, 0x26f2, 0x26f3,
  0x26f5, 0x26f5, 0x26fa, 0x26fa, 0x26fd, 0x26fd, 0x2705, 0x2705, 0x270a, 0x270b, 0x2728, 0x2728,
  0x274c, 0x274c, 0x274e, 0x274e, 0x2753, 0x2755, 0x2757, 0x2757, 0x2795, 0x2797, 0x27b0, 0x27b0,
  0x27bf, 0x27bf, 0x2b1b, 0x2b1c, 0x2b50, 0x2b50, 0x2b55, 0x2b55,
  // CJK Radicals, Kangxi, Ideographic Description, CJK Symbols and Punctuation, Kana, Bopomofo,
  // Hangul Compatibility Jamo, Kanbun, CJK Strokes, Enclosed CJK, CJK Unified Ideographs, Yi
  // (the ideographic tone marks 302A-302D and kana voicing marks 3099-309A combine: width 0)
  0x2e80, 0x2e99, 0x2e9b, 0x2ef3, 0x2f00, 0x2fd5, 0x2ff0, 0x2ffb, 0x3000, 0x3029, 0x302e, 0x303e,
  0x3041, 0x3096, 0x309b, 0x30ff, 0x3105, 0x312f, 0x3131, 0x318e, 0x3190, 0x31ba, 0x31c0, 0x31e3, 0x31f0, 0x321e,
  0x3220, 0x3247, 0x3250, 0x4dbf, 0x4e00, 0xa48c, 0xa490, 0xa4c6,
  // Hangul Jamo Extended-A, Hangul Syllables, CJK Compatibility Ideographs
  0xa960, 0xa97c, 0xac00, 0xd7a3, 0xf900, 0xfaff,
  // Vertical forms, CJK Compatibility Forms, Small Form Variants, Fullwidth Forms
  0xfe10, 0xfe19, 0xfe30, 0xfe52, 0xfe54, 0xfe66, 0xfe68, 0xfe6b, 0xff01, 0xff60, 0xffe0, 0xffe6,
  // Tangut, Nushu, Kana Supplement and Extended-A
  0x16fe0, 0x16fe3, 0x17000, 0x187f7, 0x18800, 0x18af2, 0x1b000, 0x1b11e, 0x1b150, 0x1b152,
  0x1b164, 0x1b167, 0x1b170, 0x1b2fb,
  // Mahjong, playing card, enclosed alphanumerics and ideographs with emoji presentation
  0x1f004, 0x1f004, 0x1f0cf, 0x1f0cf, 0x1f18e, 0x1f18e, 0x1f191, 0x1f19a, 0x1f200, 0x1f202,
  0x1f210, 0x1f23b, 0x1f240, 0x1f248, 0x1f250, 0x1f251, 0x1f260, 0x1f265,
  // Miscellaneous Symbols and Pictographs, Emoticons, Transport and Map Symbols
  0x1f300, 0x1f320, 0x1f32d, 0x1f335, 0x1f337, 0x1f37c, 0x1f37e, 0x1f393, 0x1f3a0, 0x1f3ca,
  0x1f3cf, 0x1f3d3, 0x1f3e0, 0x1f3f0, 0x1f3f4, 0x1f3f4, 0x1f3f8, 0x1f43e, 0x1f440, 0x1f440,
  0x1f442, 0x1f4fc, 0x1f4ff, 0x1f53d, 0x1f54b, 0x1f54e, 0x1f550, 0x1f567, 0x1f57a, 0x1f57a,
  0x1f595, 0x1f596, 0x1f5a4, 0x1f5a4, 0x1f5fb, 0x1f64f, 0x1f680, 0x1f6c5, 0x1f6cc, 0x1f6cc,
  0x1f6d0, 0x1f6d2, 0x1f6d5, 0x1f6d5, 0x1f6eb, 0x1f6ec, 0x1f6f4, 0x1f6fa,
  // Geometric Shapes Extended (coloured circles and squares)
  0x1f7e0, 0x1f7eb,
  // Supplemental Symbols and Pictographs, Symbols and Pictographs Extended-A
  0x1f90d, 0x1f971, 0x1f973, 0x1f976, 0x1f97a, 0x1f9a2, 0x1f9a5, 0x1f9aa, 0x1f9ae, 0x1f9ca,
  0x1f9cd, 0x1f9ff, 0x1fa70, 0x1fa73, 0x1fa78, 0x1fa7a, 0x1fa80, 0x1fa82, 0x1fa90, 0x1fa95,
  // CJK Unified Ideographs Extensions B..F and the planes reserved for them
  0x20000, 0x2fffd, 0x30000, 0x3fffd,
];

/** Combining marks (Mn, Me) and format characters (Cf); the soft hyphen is shown, so it is excluded. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

function inTable(table: readonly number[], cp: number): boolean {
  if (cp < table[0]! || cp > table[table.length - 1]!) return false;
  let lo = 0;
  let hi = table.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < table[mid * 2]!) hi = mid - 1;
    else if (cp > table[mid * 2 + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Columns taken by one code point. Control characters count 0: they are never drawn as text. */
export function charWidth(cp: number): 0 | 1 | 2 {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  // Hangul Jamo vowels and trailing consonants join the leading consonant's cell.
  if (cp >= 0x1160 && cp <= 0x11ff) return 0;
  if (inTable(WIDE, cp)) return 2;
  if (ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0;
  return 1;
}

/** Columns taken by a string of printable characters. */
export function stringWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0)!);
  return width;
}

/**
 * Split text into the units the cursor moves over: a character with its combining marks. A mark with
 * nothing before it stands alone (width 0).
 */
export function splitClusters(text: string): string[] {
  const clusters: string[] = [];
  for (const ch of text) {
    const width = charWidth(ch.codePointAt(0)!);
    if (width === 0 && clusters.length > 0) clusters[clusters.length - 1] += ch;
    else clusters.push(ch);
  }
  return clusters;
}
