/**
 * Named markers: user-placed flags at a virtual time, kept sorted by time. `toJSON()` / `load()` give
 * a plain form so markers can be saved with a session.
 */

export interface Marker {
  readonly id: number;
  readonly time: number;
  readonly label: string;
  /** Optional CSS colour; the theme's marker colour otherwise. */
  readonly color?: string;
}

export interface MarkerData {
  readonly time: number;
  readonly label: string;
  readonly color?: string;
}

export class MarkerSet {
  private items: Marker[] = [];
  private nextId = 1;
  version = 0;

  get list(): readonly Marker[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }

  add(time: number, label?: string, color?: string): Marker {
    if (!Number.isFinite(time)) throw new RangeError(`bad marker time ${time}`);
    const id = this.nextId++;
    const marker: Marker = { id, time, label: label ?? `M${id}`, ...(color ? { color } : {}) };
    this.items.splice(this.insertAt(time), 0, marker);
    this.version++;
    return marker;
  }

  get(id: number): Marker | undefined {
    return this.items.find((m) => m.id === id);
  }

  remove(id: number): boolean {
    const i = this.items.findIndex((m) => m.id === id);
    if (i < 0) return false;
    this.items.splice(i, 1);
    this.version++;
    return true;
  }

  update(id: number, change: { time?: number; label?: string; color?: string | null }): Marker | undefined {
    const old = this.get(id);
    if (!old) return undefined;
    const time = change.time ?? old.time;
    if (!Number.isFinite(time)) throw new RangeError(`bad marker time ${time}`);
    const color = change.color === null ? undefined : (change.color ?? old.color);
    const next: Marker = { id, time, label: change.label ?? old.label, ...(color ? { color } : {}) };
    this.items.splice(this.items.indexOf(old), 1);
    this.items.splice(this.insertAt(time), 0, next);
    this.version++;
    return next;
  }

  /** Markers with from <= time <= to. */
  inRange(from: number, to: number): Marker[] {
    return this.items.filter((m) => m.time >= from && m.time <= to);
  }

  /** The first marker strictly after t (direction 1) or strictly before it (-1). */
  next(t: number, direction: 1 | -1 = 1): Marker | undefined {
    if (direction > 0) return this.items.find((m) => m.time > t);
    for (let i = this.items.length - 1; i >= 0; i--) if (this.items[i]!.time < t) return this.items[i];
    return undefined;
  }

  clear(): void {
    this.items = [];
    this.version++;
  }

  toJSON(): MarkerData[] {
    return this.items.map(({ time, label, color }) => ({ time, label, ...(color ? { color } : {}) }));
  }

  /** Replaces the markers with saved ones (entries that are not {time, label} are skipped). */
  load(data: readonly unknown[]): void {
    this.items = [];
    for (const d of data) {
      if (typeof d !== 'object' || d === null) continue;
      const { time, label, color } = d as Record<string, unknown>;
      if (typeof time !== 'number' || !Number.isFinite(time) || typeof label !== 'string') continue;
      const id = this.nextId++;
      this.items.splice(this.insertAt(time), 0, { id, time, label, ...(typeof color === 'string' ? { color } : {}) });
    }
    this.version++;
  }

  private insertAt(time: number): number {
    let i = this.items.length;
    while (i > 0 && this.items[i - 1]!.time > time) i--;
    return i;
  }
}
