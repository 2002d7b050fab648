import { describe, expect, it } from 'vitest';
import { lessonDma } from '../../src/common/lessons/content';
import { LessonLab } from './support';

describe('lesson 5, DMA, on a real lab', () => {
  it('ticks every check when its steps are followed, in both device profiles', async () => {
    const l = await LessonLab.start(lessonDma);
    await l.commands('round-trip');
    l.expectStepDone('round-trip');

    const out = await l.sh(l.step('timer').commands![0]!.text);
    expect(out).toMatch(/0x00000001\r?\n0x00000001\r?\n0x00000000/);
    l.expectStepDone('timer');

    await l.commands('clamp');
    l.expectStepDone('clamp');
    await l.action('clamp', 'mask32');
    await l.commands('clamp');
    await l.action('clamp', 'mask28');
    expect(l.run.isPassed('wide-mask')).toBe(true);

    await l.commands('no-master');
    l.expectStepDone('no-master');

    const request = l.step('range').commands![0]!.text;
    await l.sh(request);
    await l.sh('sleep 0.2');
    await l.action('range', 'v72');
    await l.sh(request, { until: 'abort' });
    await l.sync();
    expect(l.lab.machine.state).toBe('aborted');
    await l.action('range', 'reset');
    await l.action('range', 'upstream');
    l.expectStepDone('range');
    l.expectComplete();
  });

  it('a transfer without the IRQ bit completes, but the interrupt checks stay open with a hint', async () => {
    const l = await LessonLab.start(lessonDma);
    await l.sh('modprobe edu');
    await l.sh('edu dma to-dev --data hello-edu --poll');
    await l.sh('edu dma from-dev --count 9 --poll');
    expect(l.run.isPassed('from-dev')).toBe(true);
    l.expectOpen('to-dev', 'no-irq');
    l.expectOpen('dma-ack', 'no-irq');
    expect(l.run.hintFor('dma-ack')?.en).toMatch(/0x4/);
  });

  it('the bus-master step without unloading first: modprobe no_master=1 is ignored, the hint says so', async () => {
    const l = await LessonLab.start(lessonDma);
    await l.sh('modprobe edu');
    l.resumeAt('no-master');
    await l.sh('modprobe edu no_master=1');
    await l.sh('edu dma to-dev --data hello');
    await l.sh('edu dma from-dev --count 5');
    l.expectOpen('no-master', 'master-on');
    l.expectOpen('zeros');
  });

  it('the 7.2 request sent without switching the profile: logged again, no abort, a hint', async () => {
    const l = await LessonLab.start(lessonDma);
    l.resumeAt('range');
    const request = l.step('range').commands![0]!.text;
    await l.sh(request);
    await l.sh('sleep 0.2');
    expect(l.run.isPassed('refused')).toBe(true);
    await l.sh(request);
    await l.sh('sleep 0.2');
    l.expectOpen('abort', 'profile');
    l.expectOpen('reset');
    expect(l.lab.machine.state).toBe('running');
  });

  it('an address inside the mask is not clamped', async () => {
    const l = await LessonLab.start(lessonDma);
    await l.sh('modprobe edu');
    l.resumeAt('clamp');
    await l.sh('edu dma from-dev --count 16 --to-ram 0x1000');
    l.expectOpen('clamped');
    l.expectOpen('clamp-log');
  });
});

describe('lesson 5 in real time (as the window runs it)', () => {
  it('the round trip and the 100 ms timer tick without deterministic time', async () => {
    const l = await LessonLab.start(lessonDma, { deterministic: false });
    await l.commands('round-trip');
    l.expectStepDone('round-trip');
    await l.commands('timer');
    l.expectStepDone('timer');
  });
});
