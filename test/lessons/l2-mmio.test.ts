import { describe, expect, it } from 'vitest';
import { lessonMmio } from '../../src/common/lessons/content';
import { LessonLab } from './support';

describe('lesson 2, MMIO, on a real lab', () => {
  it('ticks every check when its steps are followed', async () => {
    const l = await LessonLab.start(lessonMmio);
    await l.commands('id');
    l.expectStepDone('id');
    await l.commands('liveness');
    l.expectStepDone('liveness');
    await l.commands('sizes');
    l.expectStepDone('sizes');

    await l.action('article', 'v40');
    await l.commands('article');
    await l.action('article', 'upstream');
    l.expectStepDone('article');
    expect(l.lab.machine.edu.profileName).toBe('upstream');

    await l.commands('unknown');
    l.expectStepDone('unknown');
    expect(l.run.isPassed('printed')).toBe(true);
    l.expectComplete();
  });

  it('a narrow liveness read, or a read before any write, stays unticked and says why', async () => {
    const l = await LessonLab.start(lessonMmio);
    l.resumeAt('liveness');
    await l.sh('devmem 0xfea00004');
    l.expectOpen('inverted', 'first');
    await l.sh('devmem 0xfea00004 32 0x12345678');
    await l.sh('devmem 0xfea00004 8');
    l.expectOpen('inverted', 'narrow');
    await l.sh('devmem 0xfea00004');
    expect(l.run.isPassed('inverted')).toBe(true);
  });

  it('the article step in the wrong profile: the byte read still gives 0', async () => {
    const l = await LessonLab.start(lessonMmio);
    l.resumeAt('article');
    await l.call({ method: 'machineSetProfile', args: ['qemu-7.2'] });
    await l.sh('devmem 0xfea00000 8');
    l.expectOpen('v40-byte', 'profile');
    l.expectOpen('v40-split');
    await l.sh('devmem 0xfea00000 64');
    l.expectOpen('v40-split');
    // Two separate 4-byte reads are not a split 8-byte one, even in the right profile.
    await l.action('article', 'v40');
    await l.sh('devmem 0xfea00000; devmem 0xfea00004');
    l.expectOpen('v40-split');
  });

  it('known registers do not count as unknown offsets', async () => {
    const l = await LessonLab.start(lessonMmio);
    l.resumeAt('unknown');
    await l.sh('devmem 0xfea00060');
    await l.sh('devmem 0xfea00020');
    l.expectOpen('unknown');
    l.expectOpen('dma-buffer');
  });
});
