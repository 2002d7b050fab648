import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../src/renderer/src/i18n/messages/', import.meta.url);

/** Every area's messages exist in both languages, with the same keys, none empty, placeholders kept. */
describe('UI text in English and 简体中文', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    it(`${file}: the same keys in both languages, with the same {placeholders}`, async () => {
      const module = (await import(new URL(file, dir).href)) as Record<string, { en: Record<string, string>; 'zh-CN': Record<string, string> }>;
      for (const messages of Object.values(module)) {
        expect(Object.keys(messages['zh-CN']).sort()).toEqual(Object.keys(messages.en).sort());
        for (const [key, en] of Object.entries(messages.en)) {
          const zh = messages['zh-CN'][key]!;
          expect(en.trim(), `${file} en.${key}`).not.toBe('');
          expect(zh.trim(), `${file} zh-CN.${key}`).not.toBe('');
          const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
          expect(holes(zh), `${file} ${key} placeholders`).toEqual(holes(en));
        }
      }
    });
  }
});
