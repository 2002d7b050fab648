import { describe, expect, it } from 'vitest';
import { lessonFactorial } from '../../src/common/lessons/content';
import { LessonLab } from './support';

describe('lesson 3, the factorial thread, on a real lab', () => {
  it('ticks every check when its steps are followed', { timeout: 90_000 }, async () => {
    const l = await LessonLab.start(lessonFactorial);
    await l.commands('poll');
    l.expectStepDone('poll');

    const [long, after] = l.step('dropped').commands!;
    const out = await l.sh(long!.text);
    // STATUS said COMPUTING; 0x08 still held the input; the second write changed nothing.
    expect(out).toMatch(/0x00000001\r?\n0xFFFFFFFF/);
    await l.waitFor('wrapped', 60_000);
    expect(await l.sh(after!.text)).toMatch(/0x00000000/);
    l.expectStepDone('dropped');

    await l.commands('irq');
    l.expectStepDone('irq');

    await l.action('random', 'delay-on');
    await l.commands('random');
    await l.action('random', 'delay-off');
    l.expectStepDone('random');
    l.expectComplete();
  });

  it('a second write made after the long run finished is not a dropped write', { timeout: 90_000 }, async () => {
    const l = await LessonLab.start(lessonFactorial);
    l.resumeAt('dropped');
    await l.sh('devmem 0xfea00008 32 0xffffffff');
    await l.waitFor('wrapped', 60_000);
    await l.sh('devmem 0xfea00008 32 5');
    l.expectOpen('dropped', 'late');
    expect(l.run.hintFor('dropped')?.['zh-CN']).toMatch(/同一行|整行|第一行/);
  });

  it('polling instead of asking for the interrupt leaves the interrupt checks open', async () => {
    const l = await LessonLab.start(lessonFactorial);
    l.resumeAt('irq');
    await l.sh('edu fact 10 --irq');
    l.expectOpen('requested', 'driver');
    await l.sh('modprobe edu');
    await l.sh('edu fact 10 --poll');
    l.expectOpen('requested', 'poll');
    l.expectOpen('irqfact');
    l.expectOpen('acked');
  });

  it('reading right after the write without the delay finds the result: no tick, a hint', async () => {
    const l = await LessonLab.start(lessonFactorial);
    l.resumeAt('random');
    await l.sh('devmem 0xfea00008 32 10; devmem 0xfea00008; devmem 0xfea00020');
    l.expectOpen('delay-input', 'off');
    l.expectOpen('delay-poll');
  });
});
