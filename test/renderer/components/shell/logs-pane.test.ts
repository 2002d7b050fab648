import { mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import LogsPane from '../../../../src/renderer/src/components/LogsPane.vue';
import { setLanguage } from '../../../../src/renderer/src/i18n';
import { useUi } from '../../../../src/renderer/src/stores/ui';
import { fakeLab, setupStores, snapshot } from './support';

describe('the logs pane', () => {
  beforeEach(() => setLanguage('en'));

  it('shows the device log and dmesg, filters by origin and text, and links each line to its moment', async () => {
    const { lab } = fakeLab();
    const store = setupStores(lab, snapshot({ deviceLog: [{ channel: 'guest-error', text: 'EDU: clamping DMA 0x12345678 to 0x2345678!', vns: 2_500_000_000 }] }));
    store.addLogs([
      { origin: 'dmesg', channel: 'dmesg', text: 'edu 0000:00:04.0: enabling device (0100 -> 0102)', vns: 1_000_000_000 },
      { origin: 'dmesg', channel: 'dmesg', text: 'irq 11: nobody cared (try booting with the "irqpoll" option)', vns: 3_000_000_000 },
    ]);
    const w = mount(LogsPane);
    const rows = () => w.findAll('[data-testid=logs] li').map((li) => li.text());
    expect(rows()).toHaveLength(3);
    expect(rows()[0]).toBe('2.500000guest errorEDU: clamping DMA 0x12345678 to 0x2345678!');

    const [, device, dmesg] = w.findAll('[role=group] button');
    await dmesg!.trigger('click');
    expect(rows().map((r) => r.slice(0, 8))).toEqual(['1.000000', '3.000000']);
    await device!.trigger('click');
    expect(rows()).toHaveLength(1);
    await w.findAll('[role=group] button')[0]!.trigger('click');
    await w.get('[data-testid=logs-filter]').setValue('NOBODY');
    expect(rows()).toEqual(['3.000000irq 11: nobody cared (try booting with the "irqpoll" option)']);
    await w.get('[data-testid=logs-filter]').setValue('no such line');
    expect(rows()).toEqual(['Nothing logged yet.']);

    await w.get('[data-testid=logs-filter]').setValue('');
    await w.findAll('[data-testid=logs] li .when')[0]!.trigger('click');
    expect(useUi().timelineFocus?.vns).toBe(2_500_000_000);
  });
});
