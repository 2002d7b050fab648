import { describe, expect, it } from 'vitest';
import { LESSON_LANGUAGES, LESSONS, checksOf, lessonById, type Text } from '../../src/common/lessons';
import { eduTool } from '../../src/main/guest/tools/edu';
import { coreTools } from '../../src/main/guest/tools/index';

const COMMANDS = new Set([...coreTools.map((t) => t.name), eduTool.name, 'sleep']);
const CJK = /[\u4e00-\u9fff]/;

function texts(lessonIndex: number): [string, Text][] {
  const l = LESSONS[lessonIndex]!;
  const out: [string, Text][] = [
    ['title', l.title],
    ['summary', l.summary],
    ['wrapUp', l.wrapUp],
  ];
  for (const s of l.steps) {
    out.push([`${s.id}.title`, s.title], [`${s.id}.body`, s.body]);
    for (const a of s.actions ?? []) out.push([`${s.id}.action.${a.id}`, a.label]);
    for (const c of s.commands ?? []) if (c.note) out.push([`${s.id}.note`, c.note]);
    for (const c of s.checks) {
      out.push([`${c.id}.label`, c.label]);
      for (const [h, text] of Object.entries(c.hints ?? {})) out.push([`${c.id}.hint.${h}`, text]);
    }
  }
  return out;
}

describe('the course', () => {
  it('has the six lessons in order, with unique ids', () => {
    expect(LESSONS.map((l) => [l.number, l.id])).toEqual([
      [1, 'pci-discovery'],
      [2, 'mmio'],
      [3, 'factorial'],
      [4, 'interrupts'],
      [5, 'dma'],
      [6, 'device-model'],
    ]);
    expect(lessonById('dma')?.number).toBe(5);
    for (const l of LESSONS) {
      const steps = l.steps.map((s) => s.id);
      const checks = checksOf(l).map((c) => c.id);
      expect(new Set(steps).size, `${l.id} step ids`).toBe(steps.length);
      expect(new Set(checks).size, `${l.id} check ids`).toBe(checks.length);
    }
  });

  LESSONS.forEach((lesson, i) => {
    it(`${lesson.id}: every text in English and 简体中文, code spans closed`, () => {
      for (const [where, text] of texts(i)) {
        for (const lang of LESSON_LANGUAGES) expect(text[lang]?.trim(), `${lesson.id} ${where} ${lang}`).toBeTruthy();
        expect(text['zh-CN'], `${lesson.id} ${where} is translated`).toMatch(CJK);
        expect(text.en, `${lesson.id} ${where} English`).not.toMatch(CJK);
        for (const lang of LESSON_LANGUAGES) expect((text[lang].match(/`/g) ?? []).length % 2, `${lesson.id} ${where} ${lang} backquotes`).toBe(0);
      }
    });

    it(`${lesson.id}: commands are guest commands; every step but a closing reading checks something`, () => {
      for (const step of lesson.steps) {
        for (const c of step.commands ?? []) {
          for (const part of c.text.split(';')) expect(COMMANDS, `${step.id}: ${part}`).toContain(part.trim().split(/\s+/)[0]);
        }
        if (step !== lesson.steps.at(-1)) expect(step.checks.length, `${lesson.id}/${step.id}`).toBeGreaterThan(0);
        if (step.checks.length === 0) expect(step.commands ?? []).toEqual([]);
      }
      expect(checksOf(lesson).filter((c) => !c.optional).length).toBeGreaterThanOrEqual(lesson.steps.length - 1);
    });
  });
});
