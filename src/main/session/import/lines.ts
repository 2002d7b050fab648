/**
 * Splitting a file into lines as it is read, block by block, with a hard limit on a line's length: a
 * line longer than the limit is refused as soon as the limit is passed, so a hostile file (a gigabyte
 * without a newline, /dev/zero) costs at most `maxLineBytes` of memory and one read past it.
 */
import { isUtf8 } from 'node:buffer';
import { SessionImportError } from './errors';

export interface LineSink {
  /**
   * One line: bytes [start, end) of `bytes`, without its newline (a trailing \r is left in: JSON.parse
   * takes it for whitespace). `complete` is false for the last line of a file that does not end with a
   * newline. The bytes are only valid during the call.
   */
  line(bytes: Buffer, start: number, end: number, lineNumber: number, complete: boolean): void;
}

export class LineSplitter {
  private lineNumber = 0;
  /** Pieces of the current line that spanned earlier blocks (copies: blocks are reused). */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private started = false;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes: number,
  ) {}

  /** Lines completed so far. */
  get lines(): number {
    return this.lineNumber;
  }

  /** Feed the next block of the file. The block may be reused by the caller once this returns. */
  push(block: Buffer): void {
    let pos = 0;
    const end = block.length;
    if (!this.started && end > 0) {
      this.started = true;
      pos = startOfFile(block);
    }
    while (pos < end) {
      const nl = block.indexOf(10, pos);
      if (nl < 0) {
        this.hold(block, pos, end);
        return;
      }
      const number = this.lineNumber + 1;
      const bytes = this.carryBytes + (nl - pos);
      if (bytes > this.maxLineBytes) this.tooLong(number);
      this.lineNumber = number;
      if (this.carryBytes > 0) {
        this.carry.push(block.subarray(pos, nl));
        const line = Buffer.concat(this.carry, bytes);
        this.carry = [];
        this.carryBytes = 0;
        this.sink.line(line, 0, bytes, number, true);
      } else {
        this.sink.line(block, pos, nl, number, true);
      }
      pos = nl + 1;
    }
  }

  /** The file ended: hand over a last line without a newline, if any. */
  end(): void {
    if (this.carryBytes === 0) return;
    const line = Buffer.concat(this.carry, this.carryBytes);
    this.carry = [];
    this.carryBytes = 0;
    this.lineNumber++;
    this.sink.line(line, 0, line.length, this.lineNumber, false);
  }

  private hold(block: Buffer, from: number, to: number): void {
    if (this.carryBytes + (to - from) > this.maxLineBytes) this.tooLong(this.lineNumber + 1);
    this.carry.push(Buffer.from(block.subarray(from, to)));
    this.carryBytes += to - from;
  }

  private tooLong(number: number): never {
    throw new SessionImportError(number, `the line is longer than the limit of ${this.maxLineBytes.toLocaleString('en-US')} bytes`, `line ${number} is longer than the limit of ${this.maxLineBytes.toLocaleString('en-US')} bytes`);
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Where the text starts in the file's first block (after a UTF-8 byte-order mark), refusing at once a
 * file whose first character cannot start a JSON object: no need to read a binary file to its first
 * newline to know it is not a session.
 */
function startOfFile(block: Buffer): number {
  let pos = block[0] === UTF8_BOM[0] && block[1] === UTF8_BOM[1] && block[2] === UTF8_BOM[2] ? 3 : 0;
  while (pos < block.length && (block[pos] === 0x20 || block[pos] === 0x09 || block[pos] === 0x0d)) pos++;
  if (pos < block.length && block[pos] !== 0x7b /* { */ && block[pos] !== 0x0a) {
    const prefix = block.subarray(0, Math.min(block.length, 1024));
    const binary = prefix.includes(0) || !isUtf8(prefix.subarray(0, Math.max(0, prefix.length - 3)));
    throw new SessionImportError(1, `not an edu-lab session file (${binary ? 'it looks like a binary file' : 'the first line is not a JSON object'})`);
  }
  return pos;
}
