import { mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import ClockBar from '../../../../src/renderer/src/components/ClockBar.vue';
import { setLanguage } from '../../../../src/renderer/src/i18n';
import { fakeLab, setupStores, snapshot } from './support';

describe('the clock and machine bar', () => {
  beforeEach(() => setLanguage('en'));

  it('shows state, virtual time with nanoseconds, and the driver', () => {
    const { lab } = fakeLab();
    setupStores(lab, snapshot({ driver: { loaded: true, params: { useMsi: true, noMaster: false, noAck: false, noMask: false }, irq: 24, mode: 'msi' } }));
    const w = mount(ClockBar);
    expect(w.get('[data-testid=machine-state]').text()).toBe('running');
    expect(w.get('[data-testid=virtual-time]').text()).toBe('1.234567890 s');
    expect(w.get('[data-testid=driver-status]').text()).toBe('edu loaded, irq 24 (MSI)');
  });

  it('runs, pauses, steps, changes speed, mode, profile and loads the driver with the chosen switches', async () => {
    const { lab, calls } = fakeLab();
    setupStores(lab);
    const w = mount(ClockBar);
    await w.get('[data-testid=run-pause]').trigger('click');
    await w.get('[data-testid="speed-0.01"]').trigger('click');
    await w.get('input[type=checkbox]').setValue(true);
    await w.get('[data-testid=profile]').setValue('qemu-7.2');
    await w.get('[data-testid=param-useMsi]').setValue(true);
    await w.get('[data-testid=param-noAck]').setValue(true);
    await w.get('[data-testid=driver-load]').trigger('click');
    await w.get('[data-testid=reset]').trigger('click');
    expect(calls).toEqual([
      { method: 'clockPause', args: [] },
      { method: 'clockSetSpeed', args: [0.01] },
      { method: 'clockSetDeterministic', args: [true] },
      { method: 'machineSetProfile', args: ['qemu-7.2'] },
      { method: 'driverLoad', args: [{ useMsi: true, noMaster: false, noAck: true, noMask: false }] },
      { method: 'machineReset', args: [] },
    ]);
  });

  it('steps only while paused, and not at all after a hardware error', async () => {
    const { lab } = fakeLab();
    const store = setupStores(lab, snapshot({ clock: { state: 'paused', vns: 0, speed: 1, deterministic: false, nextDeadlineNs: 5 } }));
    const w = mount(ClockBar);
    expect(w.get('[data-testid=step]').attributes('disabled')).toBeUndefined();
    store.applyMessage({ seq: 1, clock: { state: 'aborted', vns: 0, speed: 1, deterministic: false, nextDeadlineNs: null } });
    await w.vm.$nextTick();
    expect(w.get('[data-testid=step]').attributes('disabled')).toBeDefined();
    expect(w.get('[data-testid=run-pause]').attributes('disabled')).toBeDefined();
    expect(w.get('[data-testid=machine-state]').text()).toBe('stopped: hardware error');
  });

  it('speaks Chinese when asked', async () => {
    const { lab } = fakeLab();
    setupStores(lab);
    const w = mount(ClockBar);
    await w.get('[data-testid=language]').setValue('zh-CN');
    expect(w.get('[data-testid=machine-state]').text()).toBe('运行中');
    expect(w.get('[data-testid=driver-status]').text()).toBe('edu 未加载');
    setLanguage('en');
  });
});
