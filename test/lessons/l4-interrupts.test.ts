import { describe, expect, it } from 'vitest';
import { lessonInterrupts } from '../../src/common/lessons/content';
import { EventKind } from '../../src/common/trace/schema';
import { LessonLab } from './support';

describe('lesson 4, interrupts, on a real lab', () => {
  it('ticks every check when its steps are followed', { timeout: 90_000 }, async () => {
    const l = await LessonLab.start(lessonInterrupts);
    await l.commands('raise');
    l.expectStepDone('raise');
    await l.commands('level');
    l.expectStepDone('level');
    await l.commands('msi');
    l.expectStepDone('msi');

    const [rmmod, noAck, raise, ...rest] = l.step('storm').commands!;
    await l.sh(rmmod!.text);
    await l.sh(noAck!.text);
    await l.sh(raise!.text);
    await l.waitFor('storm', 30_000);
    for (const c of rest) await l.sh(c.text);
    await l.waitFor('storm-over');
    l.expectStepDone('storm');
    l.expectComplete();
    // The kernel's "nobody cared" takes 100,000 interrupts: a bonus, not needed to finish.
    expect(l.lesson.steps.at(-1)!.checks.find((c) => c.id === 'nobody-cared')?.optional).toBe(true);
  });

  it('raising with the MSI driver: no INTx level, a hint', async () => {
    const l = await LessonLab.start(lessonInterrupts);
    await l.sh('modprobe edu use_msi=1');
    await l.sh('edu raise 0xdeadbeef');
    expect(l.run.isPassed('raise')).toBe(true);
    expect(l.run.isPassed('handler-read')).toBe(true);
    l.expectOpen('intx', 'msi');
  });

  it('the level step with the driver still loaded: its handler acknowledges, no level to see', async () => {
    const l = await LessonLab.start(lessonInterrupts);
    await l.sh('modprobe edu');
    l.resumeAt('level');
    await l.sh('devmem 0xfea00060 32 0x1; devmem 0xfea00060 32 0x2');
    await l.sh('setpci -s 00:04.0 STATUS');
    l.expectOpen('no-edge', 'driver');
    l.expectOpen('cfg-status', 'low');
    l.expectOpen('level-drop');
  });

  it('MSI asked for while the INTx driver is loaded: modprobe does nothing, the hint says so', async () => {
    const l = await LessonLab.start(lessonInterrupts);
    await l.sh('modprobe edu');
    l.resumeAt('msi');
    await l.sh('modprobe edu use_msi=1');
    await l.sh('edu raise 0x1; edu raise 0x2');
    l.expectOpen('msi-enable');
    l.expectOpen('msi-two', 'intx');
    l.expectOpen('msi-handler');
  });

  it('no storm with a driver that acknowledges', async () => {
    const l = await LessonLab.start(lessonInterrupts);
    await l.sh('modprobe edu');
    l.resumeAt('storm');
    await l.sh('modprobe edu no_ack=1');
    await l.sh('edu raise 0x10');
    await l.sh('cat /proc/interrupts');
    l.expectOpen('storm', 'acked');
    l.expectOpen('storm-over');
    expect(l.lab.recorder.bySeq(0, l.lab.recorder.recorded).filter((e) => e.kind === EventKind.HandlerEnter).length).toBeLessThan(10);
  });
});
