import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { Source } from '../../../../src/common/trace/schema';
import RegisterTable from '../../../../src/renderer/src/components/RegisterTable.vue';
import { dmaAccessSize, valueFormat } from '../../../../src/renderer/src/components/registers/view-state';
import { setLanguage } from '../../../../src/renderer/src/i18n';
import { POWER_ON_REGISTERS, labStore, settle, snapshot, type Call } from './fixtures';

let wrapper: VueWrapper | undefined;

beforeEach(() => {
  valueFormat.value = 'hex';
  dmaAccessSize.value = 8;
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  setLanguage('en');
});

function mountTable(registers = POWER_ON_REGISTERS, answers: Parameters<typeof labStore>[1] = {}) {
  const { pinia, calls, store } = labStore(snapshot({ registers }), answers);
  wrapper = mount(RegisterTable, { global: { plugins: [pinia] }, attachTo: document.body });
  return { w: wrapper, calls, store };
}

const byId = (w: VueWrapper, id: string) => w.get(`[data-testid="${id}"]`);
const writes = (calls: Call[]) => calls.filter((c) => c.method === 'writeRegister');

describe('RegisterTable', () => {
  it('lists every register with offset, name, access and value', () => {
    const { w } = mountTable({ ...POWER_ON_REGISTERS, liveness: 0xedcba987, dmaSrc: '0x40000' });
    expect(w.findAll('tbody tr')).toHaveLength(11);
    expect(byId(w, 'reg-0x00').text()).toContain('ID');
    expect(byId(w, 'reg-0x00-value').text()).toBe('0x010000ED');
    expect(byId(w, 'reg-0x04-value').text()).toBe('0xEDCBA987');
    expect(byId(w, 'reg-0x80-value').text()).toBe('0x00000000_00040000');
    expect(byId(w, 'reg-0x00-access').text()).toBe('RO 4');
    expect(byId(w, 'reg-0x98-access').text()).toBe('RW 4/8');
    expect(byId(w, 'reg-0x60-access').text()).toBe('WO 4');
  });

  it('explains each register in a tooltip', () => {
    const { w } = mountTable();
    expect(byId(w, 'reg-0x04-name').attributes('title')).toBe('Liveness check: reads back the bitwise inverse of the last value written.');
    expect(byId(w, 'reg-0x98-access').attributes('title')).toContain('8-byte');
  });

  it('shows no value for the write-only registers, but lets them be written', () => {
    const { w } = mountTable();
    expect(byId(w, 'reg-0x60-value').text()).toBe('write-only');
    expect(byId(w, 'reg-0x64-value').text()).toBe('write-only');
    expect(byId(w, 'reg-0x60-edit').attributes('disabled')).toBeUndefined();
  });

  it('keeps the ID register read-only', async () => {
    const { w, calls } = mountTable();
    const edit = byId(w, 'reg-0x00-edit');
    expect(edit.attributes('disabled')).toBeDefined();
    await edit.trigger('click');
    expect(w.find('[data-testid="reg-0x00-input"]').exists()).toBe(false);
    expect(writes(calls)).toEqual([]);
  });

  it('switches the value format', async () => {
    const { w } = mountTable({ ...POWER_ON_REGISTERS, factorial: 3628800 });
    await byId(w, 'reg-format-dec').trigger('click');
    expect(byId(w, 'reg-0x08-value').text()).toBe('3628800');
    expect(byId(w, 'reg-format-dec').attributes('aria-pressed')).toBe('true');
    await byId(w, 'reg-format-bin').trigger('click');
    expect(byId(w, 'reg-0x00-value').text()).toBe('00000001 00000000 00000000 11101101');
    await byId(w, 'reg-format-hex').trigger('click');
    expect(byId(w, 'reg-0x08-value').text()).toBe('0x00375F00');
  });

  it('decodes status, interrupt status and DMA command bits', () => {
    const { w } = mountTable({ ...POWER_ON_REGISTERS, status: 0x81, irqStatus: 0x100, dmaCmd: '0x7' });
    const lit = (id: string) => byId(w, id).findAll('.chip.on').map((c) => c.text());
    expect(lit('reg-0x20-bits')).toEqual(['COMPUTING', 'IRQFACT']);
    expect(lit('reg-0x24-bits')).toEqual(['DMA']);
    expect(lit('reg-0x98-bits')).toEqual(['RUN', 'IRQ']);
    expect(byId(w, 'reg-0x98-bits').text()).toContain('dev→RAM');
    expect(byId(w, 'reg-0x00-bits').text()).toBe('v1.0');
  });

  it('reads a register through BAR0 when Read is clicked, and shows the result', async () => {
    const { w, calls } = mountTable(POWER_ON_REGISTERS, { readRegister: () => '0x80' });
    await byId(w, 'reg-0x20-read').trigger('click');
    await settle();
    expect(calls).toEqual([{ method: 'readRegister', args: [0x20, 4] }]);
    expect(byId(w, 'reg-status').text()).toContain('Read STATUS (4 bytes): 0x00000080');
  });

  it('reads DMA registers with the chosen size', async () => {
    const { w, calls } = mountTable(POWER_ON_REGISTERS, { readRegister: () => '0x40000' });
    await byId(w, 'reg-0x80-read').trigger('click');
    await byId(w, 'reg-dma-size-4').trigger('click');
    await byId(w, 'reg-0x80-read').trigger('click');
    await settle();
    expect(calls).toEqual([
      { method: 'readRegister', args: [0x80, 8] },
      { method: 'readRegister', args: [0x80, 4] },
    ]);
  });

  it('says a write-only register reads as all ones', async () => {
    const { w } = mountTable(POWER_ON_REGISTERS, { readRegister: () => '0xffffffff' });
    await byId(w, 'reg-0x60-read').trigger('click');
    await settle();
    expect(byId(w, 'reg-status').text()).toContain('all ones');
  });

  it('writes what the inline editor holds on Enter, as hex', async () => {
    const { w, calls } = mountTable();
    await byId(w, 'reg-0x04-edit').trigger('click');
    const input = byId(w, 'reg-0x04-input');
    expect((input.element as HTMLInputElement).value).toBe('0x00000000');
    expect(document.activeElement).toBe(input.element);
    await input.setValue('0x12345678');
    await input.trigger('keydown', { key: 'Enter' });
    await settle();
    expect(writes(calls)).toEqual([{ method: 'writeRegister', args: [0x04, 4, '0x12345678'] }]);
    expect(w.find('[data-testid="reg-0x04-input"]').exists()).toBe(false);
  });

  it('takes decimal input', async () => {
    const { w, calls } = mountTable();
    await byId(w, 'reg-0x08-edit').trigger('click');
    await byId(w, 'reg-0x08-input').setValue('10');
    await byId(w, 'reg-0x08-input').trigger('keydown', { key: 'Enter' });
    await settle();
    expect(writes(calls)).toEqual([{ method: 'writeRegister', args: [0x08, 4, '0xa'] }]);
  });

  it('writes the write-only raise register', async () => {
    const { w, calls } = mountTable();
    await byId(w, 'reg-0x60-edit').trigger('click');
    expect((byId(w, 'reg-0x60-input').element as HTMLInputElement).value).toBe('');
    await byId(w, 'reg-0x60-input').setValue('0xdeadbeef');
    await byId(w, 'reg-0x60-input').trigger('keydown', { key: 'Enter' });
    await settle();
    expect(writes(calls)).toEqual([{ method: 'writeRegister', args: [0x60, 4, '0xdeadbeef'] }]);
  });

  it('refuses a value wider than the register, says why, and calls nothing', async () => {
    const { w, calls } = mountTable();
    await byId(w, 'reg-0x04-edit').trigger('click');
    const input = byId(w, 'reg-0x04-input');
    await input.setValue('0x1ffffffff');
    await input.trigger('keydown', { key: 'Enter' });
    await settle();
    expect(calls).toEqual([]);
    const error = byId(w, 'reg-0x04-input-error');
    expect(error.text()).toBe('Too large for 32 bits: the largest value is 0xFFFFFFFF.');
    expect(error.attributes('role')).toBe('alert');
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(input.attributes('aria-describedby')).toBe(error.attributes('id'));

    await input.setValue('12abc');
    await input.trigger('keydown', { key: 'Enter' });
    expect(byId(w, 'reg-0x04-input-error').text()).toContain('Not a number');
    await input.setValue('');
    await input.trigger('keydown', { key: 'Enter' });
    expect(byId(w, 'reg-0x04-input-error').text()).toContain('Type a value');
    expect(calls).toEqual([]);
  });

  it('writes 64 bits to a DMA register with 8-byte access, and only 32 with 4-byte access', async () => {
    const { w, calls } = mountTable();
    await byId(w, 'reg-0x80-edit').trigger('click');
    await byId(w, 'reg-0x80-input').setValue('0x1_0000_0000');
    await byId(w, 'reg-0x80-input').trigger('keydown', { key: 'Enter' });
    await settle();
    expect(writes(calls)).toEqual([{ method: 'writeRegister', args: [0x80, 8, '0x100000000'] }]);

    await byId(w, 'reg-dma-size-4').trigger('click');
    await byId(w, 'reg-0x80-edit').trigger('click');
    await byId(w, 'reg-0x80-input').setValue('0x100000000');
    await byId(w, 'reg-0x80-input').trigger('keydown', { key: 'Enter' });
    expect(byId(w, 'reg-0x80-input-error').text()).toContain('32 bits');
    await byId(w, 'reg-0x80-input').setValue('0x40000');
    await byId(w, 'reg-0x80-input').trigger('keydown', { key: 'Enter' });
    await settle();
    expect(writes(calls)).toHaveLength(2);
    expect(writes(calls)[1]).toEqual({ method: 'writeRegister', args: [0x80, 4, '0x40000'] });
  });

  it('cancels on Escape, writes nothing, and gives the focus back to Write', async () => {
    const { w, calls } = mountTable();
    await byId(w, 'reg-0x04-edit').trigger('click');
    await byId(w, 'reg-0x04-input').setValue('5');
    await byId(w, 'reg-0x04-input').trigger('keydown', { key: 'Escape' });
    await nextTick();
    await nextTick();
    expect(w.find('[data-testid="reg-0x04-input"]').exists()).toBe(false);
    expect(calls).toEqual([]);
    expect(document.activeElement).toBe(byId(w, 'reg-0x04-edit').element);
  });

  it('shows who touched a register last, and when', async () => {
    const { w, store } = mountTable();
    store.noteAccesses(
      new Map([
        [0x04, { source: Source.Ui, write: true, vns: 2_500_000_000, value: 0x12345678n }],
        [0x20, { source: Source.Guest, write: false, vns: 1_000_000, value: 0x80n }],
      ]),
    );
    await nextTick();
    expect(byId(w, 'reg-0x04-last').text()).toBe('UI W 2.500 s');
    expect(byId(w, 'reg-0x04-last').find('span').attributes('title')).toBe('Written by UI at 2.500000000 s: 0x12345678');
    expect(byId(w, 'reg-0x20-last').text()).toBe('guest R 0.001 s');
    expect(byId(w, 'reg-0x08-last').text()).toBe('—');
  });

  it('flashes a value that changed', async () => {
    const { w, store } = mountTable();
    expect(byId(w, 'reg-0x04-value').classes()).not.toContain('flash');
    store.applyMessage({ seq: 1, registers: { ...POWER_ON_REGISTERS, liveness: 0xffffffff } });
    await nextTick();
    expect(byId(w, 'reg-0x04-value').classes()).toContain('flash');
    expect(byId(w, 'reg-0x04-value').text()).toBe('0xFFFFFFFF');
    expect(byId(w, 'reg-0x08-value').classes()).not.toContain('flash');
  });

  it('says it is waiting before the first snapshot', () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    wrapper = mount(RegisterTable, { global: { plugins: [pinia] } });
    expect(wrapper.get('[data-testid="reg-no-data"]').text()).toBe('Waiting for the device…');
    expect(wrapper.get('[data-testid="reg-0x60-value"]').text()).toBe('write-only');
  });

  it('follows the language', async () => {
    const { w } = mountTable();
    expect(w.get('thead').text()).toContain('Register');
    expect(byId(w, 'reg-0x04-read').text()).toBe('Read');
    setLanguage('zh-CN');
    await nextTick();
    expect(w.get('thead').text()).toContain('寄存器');
    expect(byId(w, 'reg-0x04-read').text()).toBe('读取');
    expect(byId(w, 'reg-0x04-edit').text()).toBe('写入');
    expect(byId(w, 'reg-0x60-value').text()).toBe('只写');
    expect(byId(w, 'reg-0x04-name').attributes('title')).toBe('存活检查：读回上次写入值的按位取反。');
    expect(byId(w, 'reg-format-hex').text()).toBe('十六进制');
  });
});
