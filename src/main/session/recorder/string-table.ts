/**
 * Interned strings for text events (log lines, timer names, property changes). Identical strings share
 * one id, so a guest error repeated a thousand times costs one string and a thousand 4-byte ids.
 *
 * Ids are global and never reused, so an id read from any chunk (in memory or spilled) always means the
 * same text. Each chunk holds one reference on every string it uses; when the last chunk using a string
 * is evicted the string is dropped (an evicted chunk carries its own copy in `SealedChunk.strings`), so
 * the table stays bounded along with the events.
 */

interface Entry {
  readonly id: number;
  readonly text: string;
  refs: number;
}

/**
 * Estimated heap cost of one entry beyond its characters: the entry object and its slots in two maps.
 * An estimate, not a measurement; it only has to keep the memory report honest about text-heavy logs.
 */
const ENTRY_OVERHEAD_BYTES = 64;

export class StringTable {
  private readonly byText = new Map<string, Entry>();
  private readonly byId = new Map<number, Entry>();
  private nextId = 0;
  private estimatedBytes = 0;

  /** The id of `text`, adding it if it is not in the table. */
  intern(text: string): number {
    let entry = this.byText.get(text);
    if (!entry) {
      entry = { id: this.nextId++, text, refs: 0 };
      this.byText.set(text, entry);
      this.byId.set(entry.id, entry);
      this.estimatedBytes += entryBytes(text);
    }
    return entry.id;
  }

  text(id: number): string | undefined {
    return this.byId.get(id)?.text;
  }

  /** One more chunk uses this string. */
  retain(id: number): void {
    const entry = this.byId.get(id);
    if (!entry) throw new RangeError(`no string ${id}`);
    entry.refs++;
  }

  /** A chunk using this string is gone; the string goes with the last one. */
  release(id: number): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    if (--entry.refs > 0) return;
    this.byId.delete(id);
    this.byText.delete(entry.text);
    this.estimatedBytes -= entryBytes(entry.text);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Estimated bytes held by the table (UTF-16 characters plus per-entry overhead). */
  get bytes(): number {
    return this.estimatedBytes;
  }
}

function entryBytes(text: string): number {
  return 2 * text.length + ENTRY_OVERHEAD_BYTES;
}
