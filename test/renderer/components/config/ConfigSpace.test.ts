import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import ConfigSpace from '../../../../src/renderer/src/components/ConfigSpace.vue';
import { setLanguage } from '../../../../src/renderer/src/i18n';
import { edu00040Config, labStore, settle, snapshot, type Call } from '../registers/fixtures';

let wrapper: VueWrapper | undefined;

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  setLanguage('en');
});

/** Mount with the firmware's config space, changed by `edit` (offset → byte). */
function mountConfig(edit: Record<number, number> = {}) {
  const config = edu00040Config();
  for (const [offset, value] of Object.entries(edit)) config[Number(offset)] = value;
  const { pinia, calls, store } = labStore(snapshot({ config }));
  wrapper = mount(ConfigSpace, { global: { plugins: [pinia] }, attachTo: document.body });
  return { w: wrapper, calls, store, config };
}

const byId = (w: VueWrapper, id: string) => w.get(`[data-testid="${id}"]`);
const configWrites = (calls: Call[]) => calls.filter((c) => c.method === 'writeConfig').map((c) => c.args);

describe('ConfigSpace: the decoded header', () => {
  it('shows the identity, BAR0 with its size, the interrupt and the capability list', () => {
    const { w } = mountConfig();
    expect(byId(w, 'cfg-ids').text()).toBe('1234:11e8');
    expect(byId(w, 'cfg-revision').text()).toBe('0x10');
    expect(byId(w, 'cfg-class').text()).toBe('0x00ff00');
    expect(byId(w, 'cfg-subsystem').text()).toBe('1af4:1100');
    expect(byId(w, 'cfg-command').text()).toBe('0x0103');
    expect(byId(w, 'cfg-status').text()).toBe('0x0010');
    expect(byId(w, 'cfg-bar0-address').text()).toBe('0xfea00000');
    expect(byId(w, 'cfg-bar0-type').text()).toBe('32-bit memory, non-prefetchable');
    expect(byId(w, 'cfg-bar0-size').text()).toBe('size 1 MiB');
    expect(byId(w, 'cfg-bar0-size').attributes('title')).toContain('0xfff00000');
    expect(w.find('[data-testid="cfg-bar1"]').exists()).toBe(false);
    expect(byId(w, 'cfg-intline').text()).toBe('11 (0x0b)');
    expect(byId(w, 'cfg-intpin').text()).toBe('INTA#');
    expect(byId(w, 'cfg-caps').text()).toBe('[40] MSI');
  });

  it('shows the command bits as switches, the read-only ones disabled', () => {
    const { w } = mountConfig();
    const sw = (name: string) => byId(w, `cfg-command-${name}`);
    expect(sw('io').attributes('role')).toBe('switch');
    expect(sw('io').attributes('aria-checked')).toBe('true');
    expect(sw('mem').attributes('aria-checked')).toBe('true');
    expect(sw('master').attributes('aria-checked')).toBe('false');
    expect(sw('serr').attributes('aria-checked')).toBe('true');
    expect(sw('intx-disable').attributes('aria-checked')).toBe('false');
    for (const writable of ['io', 'mem', 'master', 'serr', 'intx-disable']) expect(sw(writable).attributes('disabled'), writable).toBeUndefined();
    for (const ro of ['special', 'mwi', 'vga-snoop', 'parity', 'wait', 'fast-b2b']) expect(sw(ro).attributes('disabled'), ro).toBeDefined();
    expect(sw('master').attributes('aria-label')).toContain('Bus master');
  });

  it('clears MASTER by writing the command word with bit 2 cleared', async () => {
    const { w, calls } = mountConfig({ 0x04: 0x07 });
    expect(byId(w, 'cfg-command').text()).toBe('0x0107');
    await byId(w, 'cfg-command-master').trigger('click');
    await settle();
    expect(configWrites(calls)).toEqual([[0x04, 2, 0x0103]]);
  });

  it('sets INTX_DISABLE with a 2-byte write of the whole command word', async () => {
    const { w, calls } = mountConfig();
    await byId(w, 'cfg-command-intx-disable').trigger('click');
    await settle();
    expect(configWrites(calls)).toEqual([[0x04, 2, 0x0503]]);
  });

  it('writes nothing for a read-only command bit', async () => {
    const { w, calls } = mountConfig();
    await byId(w, 'cfg-command-special').trigger('click');
    await settle();
    expect(calls).toEqual([]);
  });

  it('shows the status bits read-only, the interrupt bit following INTx', async () => {
    const { w, store } = mountConfig();
    expect(byId(w, 'cfg-status-cap-list').attributes('data-on')).toBe('true');
    expect(byId(w, 'cfg-status-interrupt').attributes('data-on')).toBe('false');
    expect(byId(w, 'cfg-devsel').text()).toBe('DEVSEL=fast');
    expect(w.findAll('[data-testid^="cfg-status-"] button, [data-testid^="cfg-status-"] input')).toHaveLength(0);
    const config = edu00040Config();
    config[0x06] = 0x18;
    store.applyMessage({ seq: 1, config });
    await nextTick();
    expect(byId(w, 'cfg-status-interrupt').attributes('data-on')).toBe('true');
    expect(byId(w, 'cfg-status').text()).toBe('0x0018');
  });

  it('shows the MSI capability and enables it with a 2-byte write of message control', async () => {
    const { w, calls } = mountConfig();
    expect(byId(w, 'cfg-msi-enable').attributes('aria-checked')).toBe('false');
    expect(byId(w, 'cfg-msi-64').text()).toBe('64-bit+');
    expect(byId(w, 'cfg-msi-maskable').text()).toBe('Maskable−');
    expect(byId(w, 'cfg-msi-count').text()).toBe('Vectors 1/1');
    expect(byId(w, 'cfg-msi-addr-lo').text()).toBe('0x00000000');
    expect(byId(w, 'cfg-msi-addr-hi').text()).toBe('0x00000000');
    expect(byId(w, 'cfg-msi-data').text()).toBe('0x0000');
    await byId(w, 'cfg-msi-enable').trigger('click');
    await settle();
    expect(configWrites(calls)).toEqual([[0x42, 2, 0x0081]]);
  });

  it('edits the MSI address and data with 4- and 2-byte writes', async () => {
    const { w, calls } = mountConfig();
    await byId(w, 'cfg-msi-addr-lo').trigger('click');
    await byId(w, 'cfg-msi-addr-lo-input').setValue('0xfee00000');
    await byId(w, 'cfg-msi-addr-lo-input').trigger('keydown', { key: 'Enter' });
    await byId(w, 'cfg-msi-addr-hi').trigger('click');
    await byId(w, 'cfg-msi-addr-hi-input').setValue('0');
    await byId(w, 'cfg-msi-addr-hi-input').trigger('keydown', { key: 'Enter' });
    await byId(w, 'cfg-msi-data').trigger('click');
    await byId(w, 'cfg-msi-data-input').setValue('0x4023');
    await byId(w, 'cfg-msi-data-input').trigger('keydown', { key: 'Enter' });
    await settle();
    expect(configWrites(calls)).toEqual([
      [0x44, 4, 0xfee00000],
      [0x48, 4, 0],
      [0x4c, 2, 0x4023],
    ]);
  });

  it('refuses a data value wider than 16 bits', async () => {
    const { w, calls } = mountConfig();
    await byId(w, 'cfg-msi-data').trigger('click');
    await byId(w, 'cfg-msi-data-input').setValue('0x10000');
    await byId(w, 'cfg-msi-data-input').trigger('keydown', { key: 'Enter' });
    await settle();
    expect(byId(w, 'cfg-msi-data-input-error').text()).toBe('Too large for 16 bits: the largest value is 0xFFFF.');
    expect(calls).toEqual([]);
  });

  it('edits the interrupt line with a 1-byte write; the pin is read-only', async () => {
    const { w, calls } = mountConfig();
    await byId(w, 'cfg-intline').trigger('click');
    const input = byId(w, 'cfg-intline-input');
    expect((input.element as HTMLInputElement).value).toBe('11');
    await input.setValue('10');
    await input.trigger('keydown', { key: 'Enter' });
    await settle();
    expect(configWrites(calls)).toEqual([[0x3c, 1, 10]]);
    expect(byId(w, 'cfg-intpin').element.tagName).toBe('SPAN');
  });
});

describe('ConfigSpace: the hex dump', () => {
  it('shows 16 rows of 16 bytes with their offsets', () => {
    const { w } = mountConfig();
    const dump = byId(w, 'cfg-dump');
    expect(dump.findAll('[role="row"]')).toHaveLength(17);
    expect(dump.findAll('[role="rowheader"]').map((r) => r.text())).toEqual(Array.from({ length: 16 }, (_, r) => (r * 16).toString(16).padStart(2, '0')));
    expect(byId(w, 'cfg-byte-0x00').text()).toBe('34');
    expect(byId(w, 'cfg-byte-0x01').text()).toBe('12');
    expect(byId(w, 'cfg-byte-0x13').text()).toBe('fe');
    expect(byId(w, 'cfg-byte-0x3c').text()).toBe('0b');
  });

  it('marks read-only and writable bytes', () => {
    const { w } = mountConfig();
    expect(byId(w, 'cfg-byte-0x00').classes()).toContain('ro');
    expect(byId(w, 'cfg-byte-0x00').attributes('aria-readonly')).toBe('true');
    expect(byId(w, 'cfg-byte-0x3c').classes()).toContain('rw');
    expect(byId(w, 'cfg-byte-0x3c').attributes('aria-readonly')).toBe('false');
    expect(byId(w, 'cfg-byte-0x3d').classes()).toContain('ro');
  });

  it('never edits a read-only byte, by click or keyboard', async () => {
    const { w, calls } = mountConfig();
    await byId(w, 'cfg-byte-0x3d').trigger('click');
    expect(w.find('input').exists()).toBe(false);
    await byId(w, 'cfg-dump').trigger('keydown', { key: 'Enter' });
    await byId(w, 'cfg-dump').trigger('keydown', { key: 'a' });
    expect(w.find('input').exists()).toBe(false);
    expect(calls).toEqual([]);
  });

  it('edits a writable byte in place: two hex digits, Enter writes one byte', async () => {
    const { w, calls } = mountConfig();
    await byId(w, 'cfg-byte-0x3c').trigger('click');
    await nextTick();
    const input = byId(w, 'cfg-byte-0x3c-input');
    expect(document.activeElement).toBe(input.element);
    await input.setValue('0c');
    await input.trigger('keydown', { key: 'Enter' });
    await settle();
    expect(configWrites(calls)).toEqual([[0x3c, 1, 0x0c]]);
    expect(w.find('[data-testid="cfg-byte-0x3c-input"]').exists()).toBe(false);
  });

  it('refuses what is not a byte, and cancels on Escape', async () => {
    const { w, calls } = mountConfig();
    await byId(w, 'cfg-byte-0x3c').trigger('click');
    const input = byId(w, 'cfg-byte-0x3c-input');
    await input.setValue('zz');
    await input.trigger('keydown', { key: 'Enter' });
    expect(byId(w, 'cfg-dump-error').text()).toBe('Type one or two hex digits (00 to ff).');
    expect(input.attributes('aria-invalid')).toBe('true');
    await input.trigger('keydown', { key: 'Escape' });
    await nextTick();
    expect(w.find('[data-testid="cfg-byte-0x3c-input"]').exists()).toBe(false);
    expect(calls).toEqual([]);
  });

  it('moves with the arrow keys and starts editing with a hex digit', async () => {
    const { w, calls } = mountConfig();
    const dump = byId(w, 'cfg-dump');
    expect(byId(w, 'cfg-byte-0x00').attributes('tabindex')).toBe('0');
    await dump.trigger('keydown', { key: 'ArrowDown' });
    await dump.trigger('keydown', { key: 'ArrowDown' });
    await dump.trigger('keydown', { key: 'ArrowDown' });
    await dump.trigger('keydown', { key: 'End' });
    await dump.trigger('keydown', { key: 'ArrowLeft' });
    await dump.trigger('keydown', { key: 'ArrowLeft' });
    await dump.trigger('keydown', { key: 'ArrowLeft' });
    expect(byId(w, 'cfg-byte-0x3c').attributes('tabindex')).toBe('0');
    expect(document.activeElement).toBe(byId(w, 'cfg-byte-0x3c').element);
    expect(byId(w, 'cfg-byte-0x00').attributes('tabindex')).toBe('-1');
    await dump.trigger('keydown', { key: 'a' });
    await nextTick();
    const input = byId(w, 'cfg-byte-0x3c-input');
    expect((input.element as HTMLInputElement).value).toBe('a');
    await input.trigger('keydown', { key: 'Enter' });
    await settle();
    expect(configWrites(calls)).toEqual([[0x3c, 1, 0x0a]]);
  });

  it('says what the hovered byte is', async () => {
    const { w } = mountConfig();
    await byId(w, 'cfg-byte-0x3c').trigger('mouseenter');
    expect(byId(w, 'cfg-dump-status').text()).toBe('0x3c Interrupt line = 0x0b · writable bits 0xff');
    await byId(w, 'cfg-byte-0x45').trigger('mouseenter');
    expect(byId(w, 'cfg-dump-status').text()).toBe('0x45 MSI message address (low) = 0x00 · writable bits 0xff');
    await byId(w, 'cfg-byte-0x02').trigger('mouseenter');
    expect(byId(w, 'cfg-dump-status').text()).toBe('0x02 Device ID = 0xe8 · read-only');
    // The keyboard takes over from the mouse.
    await byId(w, 'cfg-dump').trigger('keydown', { key: 'ArrowRight' });
    expect(byId(w, 'cfg-dump-status').text()).toBe('0x01 Vendor ID = 0x12 · read-only');
    expect(byId(w, 'cfg-byte-0x11').attributes('title')).toBe('0x11 BAR0: 00, read-only');
    expect(byId(w, 'cfg-byte-0x00').classes()).toContain('field');
    expect(byId(w, 'cfg-byte-0x02').classes()).not.toContain('field');
  });

  it('flashes the bytes that changed', async () => {
    const { w, store } = mountConfig();
    const config = edu00040Config();
    config[0x04] = 0x07;
    store.applyMessage({ seq: 1, config });
    await nextTick();
    expect(byId(w, 'cfg-byte-0x04').classes().some((c) => c.startsWith('flash-'))).toBe(true);
    expect(byId(w, 'cfg-byte-0x05').classes().some((c) => c.startsWith('flash-'))).toBe(false);
    expect(byId(w, 'cfg-byte-0x04').text()).toBe('07');
    expect(byId(w, 'cfg-command-master').attributes('aria-checked')).toBe('true');
  });
});

describe('ConfigSpace: language', () => {
  it('says it is waiting before the first snapshot', () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    setLanguage('en');
    wrapper = mount(ConfigSpace, { global: { plugins: [pinia] } });
    expect(wrapper.get('[data-testid="cfg-no-data"]').text()).toBe('Waiting for the device…');
  });

  it('follows the language', async () => {
    const { w } = mountConfig();
    expect(w.text()).toContain('Identity');
    expect(byId(w, 'cfg-bar0-type').text()).toBe('32-bit memory, non-prefetchable');
    setLanguage('zh-CN');
    await nextTick();
    expect(w.text()).toContain('标识');
    expect(w.text()).not.toContain('Identity');
    expect(byId(w, 'cfg-bar0-type').text()).toBe('32 位内存，不可预取');
    expect(byId(w, 'cfg-bar0-size').text()).toBe('大小 1 MiB');
    expect(byId(w, 'cfg-byte-0x3c').attributes('title')).toBe('0x3c 中断线：0b，可写位 0xff');
    expect(byId(w, 'cfg-command-master').attributes('aria-label')).toContain('总线主控');
  });
});
