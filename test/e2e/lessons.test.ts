/**
 * Lesson 1 walked in Chromium, in English and in Chinese, as a learner does it: open the lesson panel
 * (beside the console and the timeline), click each step's Run buttons and its Reset action, watch the
 * checks tick themselves off, and end on the offer to export the session log.
 *
 * Needs the panel mounted in App.vue: a side tab `[data-testid=tab-lessons]` showing <LessonsPane />
 * (or the pane shown without a tab).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lessonPci } from '../../src/common/lessons/content';
import { openLab, type LabPage } from './support/lab-page';

let current: LabPage | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const PROMPT = /root@edu-lab:~# (\x1b\[J)?$/;

/** Click and wait until the guest has printed its prompt again (judged on the lab's own transcript). */
async function clickAndWaitForPrompt(ui: LabPage, selector: string, timeoutMs = 20_000): Promise<string> {
  const before = ui.lab.transcript.text().length;
  await ui.page.click(selector);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = ui.lab.transcript.text().slice(before);
    const echo = text.indexOf('\n');
    if (echo >= 0 && PROMPT.test(text.slice(echo + 1))) return text;
    if (Date.now() > deadline) throw new Error(`${selector}: the prompt did not come back; the console shows:\n${text.slice(-1500)}`);
    await ui.page.waitForTimeout(50);
  }
}

async function ticked(ui: LabPage, checkId: string): Promise<void> {
  await ui.page.waitForSelector(`[data-testid=lesson-check-${checkId}][data-state=passed]`, { timeout: 20_000 });
}

async function walkLessonOne(language: 'en' | 'zh-CN'): Promise<void> {
  const ui = (current = await openLab());
  await ui.waitForScreen(/root@edu-lab:~#\s*$/m);
  const { page } = ui;
  await page.selectOption('[data-testid=language]', language);
  if (await page.$('[data-testid=tab-lessons]')) await page.click('[data-testid=tab-lessons]');
  await page.waitForSelector('[data-testid=lessons]');

  // The panel sits beside the console and the timeline: all three visible, none covering another.
  const boxes = await Promise.all(['lessons', 'console', 'timeline'].map((id) => page.locator(`[data-testid=${id}]`).boundingBox()));
  for (const b of boxes) expect(b && b.width > 100 && b.height > 100).toBe(true);
  const [lessons, consoleBox, timeline] = boxes as { x: number; y: number; width: number; height: number }[];
  const overlap = (a: typeof lessons, b: typeof lessons) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  expect(overlap(lessons!, consoleBox!)).toBe(false);
  expect(overlap(lessons!, timeline!)).toBe(false);

  await page.click('[data-testid=lesson-open-pci-discovery]');
  await page.waitForSelector('[data-testid=lesson][data-lesson=pci-discovery]');
  expect(await page.textContent('[data-testid=lesson-title]')).toContain(lessonPci.title[language]);
  expect(await page.getAttribute('[data-testid=lesson-step-find]', 'data-state')).toBe('current');

  for (const step of lessonPci.steps) {
    await page.waitForSelector(`[data-testid=lesson-step-${step.id}][data-state=current]`);
    expect(await page.textContent(`[data-testid=lesson-step-${step.id}]`)).toContain(step.title[language]);
    for (const action of step.actions ?? []) {
      // Reset: the guest reboots; wait for it to be back at the prompt.
      await clickAndWaitForPrompt(ui, `[data-testid=lesson-action-${step.id}-${action.id}]`);
    }
    for (let i = 0; i < (step.commands?.length ?? 0); i++) await clickAndWaitForPrompt(ui, `[data-testid=lesson-run-${step.id}-${i}]`);
    for (const check of step.checks) if (!check.optional) await ticked(ui, check.id);
    expect(await page.textContent(`[data-testid=lesson-check-${step.checks[0]!.id}]`)).toContain(step.checks[0]!.label[language]);
  }

  await page.waitForSelector('[data-testid=lesson-complete]');
  expect(await page.getAttribute('[data-testid=lesson]', 'data-complete')).toBe('true');
  expect(await page.textContent('[data-testid=lesson-export]')).toBe(language === 'en' ? 'Export session log' : '导出会话日志');
  await ui.screenshot(`lesson-1-complete-${language}`);

  // Progress is saved: after a reload the lesson is still complete.
  await page.reload();
  await page.waitForSelector('[data-testid=connecting]', { state: 'detached' });
  if (await page.$('[data-testid=tab-lessons]')) await page.click('[data-testid=tab-lessons]');
  await page.waitForSelector('[data-testid=lesson-complete]');
  expect(ui.problems).toEqual([]);
}

describe('lesson 1 in Chromium', () => {
  it('walks PCI discovery in English, every check ticking by itself', async () => {
    await walkLessonOne('en');
  });

  it('walks PCI discovery in 简体中文', async () => {
    await walkLessonOne('zh-CN');
  });
});
