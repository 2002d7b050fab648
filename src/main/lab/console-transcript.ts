import type { SerialConsole } from '../guest/console';

/**
 * What the guest has written to its console, kept so that a window opened (or reloaded) later shows
 * the same screen: the last `limit` characters, decoded from the byte stream as it arrives.
 */
export class ConsoleTranscript {
  private readonly decoder = new TextDecoder();
  private chunks: string[] = [];
  private length = 0;
  private readonly unsubscribe: () => void;

  constructor(
    console: SerialConsole,
    private readonly limit = 256 * 1024,
  ) {
    this.unsubscribe = console.onOutput((bytes) => this.append(this.decoder.decode(bytes, { stream: true })));
  }

  text(): string {
    if (this.chunks.length > 1) this.chunks = [this.chunks.join('')];
    return this.chunks[0] ?? '';
  }

  dispose(): void {
    this.unsubscribe();
  }

  private append(text: string): void {
    if (!text) return;
    this.chunks.push(text);
    this.length += text.length;
    if (this.length > this.limit * 2) {
      const all = this.chunks.join('');
      // Keep whole lines where possible, so the kept part starts at a line boundary.
      let start = all.length - this.limit;
      const newline = all.indexOf('\n', start);
      if (newline >= 0 && newline - start < 4096) start = newline + 1;
      this.chunks = [all.slice(start)];
      this.length = this.chunks[0]!.length;
    }
  }
}
