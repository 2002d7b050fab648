/**
 * Guided lessons: definitions (bilingual steps, commands, lab actions) and the checks that watch a
 * session's events and tick themselves off. Shared by the window and node tests; no DOM, no Node.
 */
export * from './types';
export { LessonRun, checksOf, type LessonRunOptions } from './engine';
export { forEachBatchEvent, lessonEventOf } from './events';
export { stripControl } from './checks';
export { LESSONS } from './content';

import { LESSONS } from './content';
import type { Lesson } from './types';

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
