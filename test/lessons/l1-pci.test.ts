import { describe, expect, it } from 'vitest';
import { lessonPci } from '../../src/common/lessons/content';
import { LessonLab } from './support';

describe('lesson 1, PCI discovery, on a real lab', () => {
  it('ticks every check when its steps are followed', async () => {
    const l = await LessonLab.start(lessonPci);
    await l.commands('find');
    l.expectStepDone('find');
    expect(l.run.currentStep?.id).toBe('header');

    await l.commands('header');
    l.expectStepDone('header');

    await l.commands('sizing');
    l.expectStepDone('sizing');

    await l.action('firmware', 'reset');
    await l.commands('firmware');
    l.expectStepDone('firmware');
    expect(l.run.isPassed('iomem')).toBe(true);
    l.expectComplete();
  });

  it('sizing done wrong: a read before the write, a wrong value, no restore', async () => {
    const l = await LessonLab.start(lessonPci);
    l.resumeAt('sizing');
    await l.sh('setpci -s 00:04.0 BASE_ADDRESS_0');
    l.expectOpen('size-read', 'before');
    await l.sh('setpci -s 00:04.0 BASE_ADDRESS_0=fe000000');
    l.expectOpen('size-write', 'other');
    await l.sh('setpci -s 00:04.0 BASE_ADDRESS_0=ffffffff');
    await l.sh('setpci -s 00:04.0 BASE_ADDRESS_0');
    expect(l.run.isPassed('size-write')).toBe(true);
    expect(l.run.isPassed('size-read')).toBe(true);
    l.expectOpen('restore');
    // Looking again without writing the address back.
    await l.sh('lspci -v -s 00:04.0');
    l.expectOpen('restore', 'stale');
    expect(l.run.hintFor('restore')?.en).toMatch(/fea00000/);
    await l.sh('setpci -s 00:04.0 BASE_ADDRESS_0=fea00000');
    expect(l.run.isPassed('restore')).toBe(true);
    expect(l.run.hints.has('restore')).toBe(false);
  });

  it('reading COMMAND with the driver loaded shows bus mastering on, and says so', async () => {
    const l = await LessonLab.start(lessonPci);
    l.resumeAt('header');
    await l.sh('modprobe edu');
    await l.sh('setpci -s 00:04.0 COMMAND');
    l.expectOpen('command', 'master');
    await l.sh('rmmod edu');
    await l.sh('setpci -s 00:04.0 COMMAND');
    expect(l.run.isPassed('command')).toBe(true);
  });

  it('firmware checks need the reset: reading what firmware left does not fake them', async () => {
    const l = await LessonLab.start(lessonPci);
    l.resumeAt('firmware');
    await l.commands('firmware');
    expect(l.run.isPassed('irq-line')).toBe(true);
    l.expectOpen('fw-bar');
    l.expectOpen('fw-irq');
  });
});
