import { describe, expect, it } from 'vitest';
import { lessonModel } from '../../src/common/lessons/content';
import { LessonLab } from './support';

describe('lesson 6, reading the device model, on a real lab', () => {
  it('ticks every check when its steps are followed', async () => {
    const l = await LessonLab.start(lessonModel);
    await l.commands('realize');
    l.expectStepDone('realize');

    const [write, read] = l.step('mmio-ops').commands!;
    await l.action('mmio-ops', 'v40');
    await l.sh(write!.text);
    expect(await l.sh(read!.text)).toMatch(/0xFFFFFFFF23456789/);
    await l.action('mmio-ops', 'upstream');
    await l.sh(write!.text);
    expect(await l.sh(read!.text)).toMatch(/0x0000000123456789/);
    l.expectStepDone('mmio-ops');

    await l.commands('thread');
    l.expectStepDone('thread');
    await l.commands('timer');
    l.expectStepDone('timer');
    // The last step is reading only: the lesson is complete without it.
    expect(l.step('changes').checks).toEqual([]);
    l.expectComplete();
  });

  it('64-bit DMA registers read in today\'s profile do not count for the article\'s', async () => {
    const l = await LessonLab.start(lessonModel);
    l.resumeAt('mmio-ops');
    await l.commands('mmio-ops');
    expect(l.run.isPassed('dma64')).toBe(true);
    l.expectOpen('v40-dma32', 'profile');
  });

  it('a DMA command without RUN arms no timer', async () => {
    const l = await LessonLab.start(lessonModel);
    l.resumeAt('timer');
    await l.sh('devmem 0xfea00080 64 0x1000; devmem 0xfea00088 64 0x40000; devmem 0xfea00090 64 16; devmem 0xfea00098 64 4; sleep 0.2');
    l.expectOpen('timer-once', 'no-run');
  });

  it('the thread check needs the interrupt request, not just a computation', async () => {
    const l = await LessonLab.start(lessonModel);
    l.resumeAt('thread');
    await l.sh('modprobe edu');
    await l.sh('edu fact 12 --poll');
    l.expectOpen('thread');
  });
});
