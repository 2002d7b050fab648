import { KernelError } from './errors';

/** A range in /proc/iomem or /proc/ioports, with ranges claimed inside it (struct resource). */
export class Resource {
  readonly children: Resource[] = [];

  constructor(
    readonly start: number,
    /** Inclusive, as Linux prints it. */
    readonly end: number,
    readonly name: string,
  ) {}

  /** Claim [start, end] inside this range (request_region): fails if it overlaps a sibling. */
  claim(start: number, end: number, name: string): Resource {
    if (start < this.start || end > this.end) throw new KernelError('EINVAL', `${name} is outside ${this.name}`);
    const clash = this.children.find((c) => start <= c.end && c.start <= end);
    if (clash) {
      // Nest inside a parent that contains it entirely (a driver claiming its device's BAR).
      if (clash.start <= start && end <= clash.end) return clash.claim(start, end, name);
      throw new KernelError('EBUSY', `${name} overlaps ${clash.name}`);
    }
    const r = new Resource(start, end, name);
    this.children.push(r);
    this.children.sort((a, b) => a.start - b.start);
    return r;
  }

  release(resource: Resource): boolean {
    const i = this.children.indexOf(resource);
    if (i >= 0) {
      this.children.splice(i, 1);
      return true;
    }
    return this.children.some((c) => c.release(resource));
  }

  /** Lines as /proc/iomem prints them: `start-end : name`, two spaces of indent per level. */
  render(digits: number, depth = 0): string[] {
    const hex = (n: number) => n.toString(16).padStart(digits, '0');
    const lines: string[] = [];
    for (const c of this.children) {
      lines.push(`${'  '.repeat(depth)}${hex(c.start)}-${hex(c.end)} : ${c.name}`);
      lines.push(...c.render(digits, depth + 1));
    }
    return lines;
  }
}
