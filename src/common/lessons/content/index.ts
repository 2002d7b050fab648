import type { Lesson } from '../types';
import { lessonPci } from './l1-pci';
import { lessonMmio } from './l2-mmio';
import { lessonFactorial } from './l3-factorial';
import { lessonInterrupts } from './l4-interrupts';
import { lessonDma } from './l5-dma';
import { lessonModel } from './l6-model';

/** The course, in order. */
export const LESSONS: readonly Lesson[] = [lessonPci, lessonMmio, lessonFactorial, lessonInterrupts, lessonDma, lessonModel];

export { lessonPci, lessonMmio, lessonFactorial, lessonInterrupts, lessonDma, lessonModel };
