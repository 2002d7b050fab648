import { describe, expect, it } from 'vitest';
import { StringTable } from './string-table';

describe('StringTable', () => {
  it('gives identical strings one id and different strings different ids', () => {
    const t = new StringTable();
    const a = t.intern('EDU: DMA range out of bounds');
    const b = t.intern('profile=upstream');
    expect(t.intern('EDU: DMA range out of bounds')).toBe(a);
    expect(b).not.toBe(a);
    expect(t.text(a)).toBe('EDU: DMA range out of bounds');
    expect(t.text(b)).toBe('profile=upstream');
    expect(t.size).toBe(2);
  });

  it('drops a string when its last reference goes and never reuses its id', () => {
    const t = new StringTable();
    const a = t.intern('x');
    t.retain(a);
    t.retain(a);
    t.release(a);
    expect(t.text(a)).toBe('x');
    t.release(a);
    expect(t.text(a)).toBeUndefined();
    expect(t.size).toBe(0);
    expect(t.bytes).toBe(0);
    const again = t.intern('x');
    expect(again).not.toBe(a);
  });

  it('estimates its bytes from the characters it holds', () => {
    const t = new StringTable();
    t.intern('ab');
    const small = t.bytes;
    t.intern('a'.repeat(1000));
    expect(t.bytes - small).toBeGreaterThanOrEqual(2000);
  });

  it('refuses a reference to an unknown id', () => {
    expect(() => new StringTable().retain(7)).toThrow(RangeError);
  });
});
