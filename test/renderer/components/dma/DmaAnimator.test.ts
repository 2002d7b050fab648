import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeBase64 } from '../../../../src/common/api/base64';
import type { EduRegisters, LabSnapshot } from '../../../../src/common/api/lab-api';
import { EventFlag, EventKind } from '../../../../src/common/trace/schema';
import DmaAnimator from '../../../../src/renderer/src/components/DmaAnimator.vue';
import { dmaActivity } from '../../../../src/renderer/src/components/dma/activity';
import { setLanguage } from '../../../../src/renderer/src/i18n';
import { publishEventBatch } from '../../../../src/renderer/src/session';
import { useLab } from '../../../../src/renderer/src/stores/lab';
import { bufferWith, eventBatch, FakeRam, fakeLab, registers, snapshot, type Ev } from './support';

const RAM_ADDR = 0x1234000;
const HELLO = 'hello, edu';
const RANGE_LOG = 'EDU: DMA range 0x0000000000050000-0x000000000005000f out of bounds (0x0000000000040000-0x0000000000040fff)!';

let ram: FakeRam;
let readMemory: ReturnType<typeof fakeLab>['readMemory'];
let wrapper: VueWrapper | undefined;
let seq = 0;
let msg = 0;

beforeEach(() => {
  setActivePinia(createPinia());
  dmaActivity.reset();
  seq = 0;
  msg = 0;
  ram = new FakeRam();
  ram.write(RAM_ADDR, HELLO);
  const fake = fakeLab(ram);
  readMemory = fake.readMemory;
  useLab().attach(fake.lab);
  setLanguage('en');
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  vi.useRealTimers();
});

async function start(snap: LabSnapshot): Promise<VueWrapper> {
  useLab().applySnapshot(snap);
  wrapper = mount(DmaAnimator);
  await flushPromises();
  return wrapper;
}

/** One stream message's worth: store fields first, then the events (as the stream router does). */
async function stream(fields: { registers?: Partial<EduRegisters>; buffer?: Uint8Array; clock?: Partial<LabSnapshot['clock']>; machine?: Partial<LabSnapshot['machine']> }, events: Ev[] = []) {
  const lab = useLab();
  lab.applyMessage({
    seq: ++msg,
    ...(fields.registers ? { registers: { ...lab.registers!, ...fields.registers } } : {}),
    ...(fields.buffer ? { dmaBuffer: encodeBase64(fields.buffer) } : {}),
    ...(fields.clock ? { clock: { ...lab.clock!, ...fields.clock } } : {}),
    ...(fields.machine ? { machine: { ...lab.machine!, ...fields.machine } } : {}),
  });
  if (events.length) {
    publishEventBatch(eventBatch(seq, events));
    seq += events.length;
  }
  await flushPromises();
}

const phase = (w: VueWrapper) => w.get('[data-testid="dma-phase"]').attributes('data-phase');
const cell = (w: VueWrapper, grid: 'ram' | 'buffer', addr: number) => w.get(`[data-testid="dma-${grid}-grid"] [data-addr="0x${addr.toString(16)}"]`);

const toDevice = { dmaSrc: `0x${RAM_ADDR.toString(16)}`, dmaDst: '0x40000', dmaCount: '0xa' };
const programEvents = (vns: number): Ev[] => [
  { kind: EventKind.DmaProgram, vns, addr: 0x80, value: RAM_ADDR },
  { kind: EventKind.DmaProgram, vns, addr: 0x88, value: 0x40000 },
  { kind: EventKind.DmaProgram, vns, addr: 0x90, value: 10 },
];

describe('idle and programmed', () => {
  it('idle with nothing programmed', async () => {
    const w = await start(snapshot());
    expect(phase(w)).toBe('idle');
    expect(w.get('[data-testid="dma-summary"]').text()).toContain('No transfer programmed');
    expect(w.get('[data-testid="dma-reg-dst"]').text()).not.toContain('outside');
    expect(w.find('[data-testid="dma-progress"]').exists()).toBe(false);
    expect(w.find('[data-testid="dma-error"]').exists()).toBe(false);
    expect(w.get('[data-testid="dma-irq-lamp"]').attributes('data-state')).toBe('off');
  });

  it('shows source, destination, count and direction as soon as the registers are programmed', async () => {
    const w = await start(snapshot({ registers: toDevice }));
    expect(phase(w)).toBe('programmed');
    expect(w.get('[data-testid="dma-reg-src"]').text()).toContain('0x01234000');
    expect(w.get('[data-testid="dma-reg-src"]').text()).toContain('source');
    expect(w.get('[data-testid="dma-reg-dst"]').text()).toContain('device buffer +0x0');
    expect(w.get('[data-testid="dma-reg-count"]').text()).toContain('10 bytes');
    expect(w.get('[data-testid="dma-direction"]').attributes('data-direction')).toBe('to-device');
    expect(w.get('[data-testid="dma-flow"]').attributes('data-direction')).toBe('to-device');
    expect(w.get('[data-testid="dma-flow-count"]').text()).toBe('10 bytes');
    // RAM read around the programmed address, the range marked as the source.
    expect(readMemory).toHaveBeenCalledWith('0x1233fe0', 80);
    expect(cell(w, 'ram', RAM_ADDR).text()).toBe('68');
    expect(cell(w, 'ram', RAM_ADDR).classes()).toContain('hl-source');
    expect(cell(w, 'ram', RAM_ADDR + 9).classes()).toContain('hl-source');
    expect(cell(w, 'ram', RAM_ADDR + 10).classes()).not.toContain('hl-source');
    expect(cell(w, 'buffer', 0x40000).classes()).toContain('hl-destination');
    expect(cell(w, 'buffer', 0x4000a).classes()).not.toContain('hl-destination');
  });

  it('reads RAM again when the address changes, and when the registers are written again', async () => {
    const w = await start(snapshot({ registers: toDevice }));
    readMemory.mockClear();
    ram.write(0x2000, 'xyz');
    await stream({ registers: { dmaSrc: '0x2000' } }, [{ kind: EventKind.DmaProgram, addr: 0x80, value: 0x2000 }]);
    expect(readMemory).toHaveBeenCalledTimes(1);
    expect(readMemory).toHaveBeenCalledWith('0x1fe0', 80);
    expect(cell(w, 'ram', 0x2000).text()).toBe('78');
    readMemory.mockClear();
    // Same value written again (a driver reusing its buffer): the guest may have changed the bytes.
    ram.write(0x2000, 'abc');
    await stream({}, [{ kind: EventKind.DmaProgram, addr: 0x80, value: 0x2000 }]);
    expect(readMemory).toHaveBeenCalledTimes(1);
    expect(cell(w, 'ram', 0x2000).text()).toBe('61');
  });

  it('from the device to RAM: the buffer is the source', async () => {
    const w = await start(snapshot({ registers: { dmaSrc: '0x40010', dmaDst: '0x2000', dmaCount: '0x4', dmaCmd: '0x4' } }));
    expect(w.get('[data-testid="dma-direction"]').attributes('data-direction')).toBe('to-ram');
    expect(cell(w, 'buffer', 0x40010).classes()).toContain('hl-source');
    expect(cell(w, 'ram', 0x2000).classes()).toContain('hl-destination');
    expect(w.get('[data-testid="dma-reg-src"]').text()).toContain('device buffer +0x10');
  });
});

describe('pending', () => {
  it('shows the deadline and a progress bar in virtual time that follows the clock', async () => {
    const w = await start(snapshot({ registers: { ...toDevice, dmaCmd: '0x5', dmaDeadlineNs: 1_100_000_000 }, clock: { vns: 1_050_000_000 } }));
    expect(phase(w)).toBe('pending');
    const bar = () => w.get('[data-testid="dma-progress"]');
    expect(bar().attributes('aria-valuenow')).toBe('50');
    expect(w.get('[data-testid="dma-deadline"]').text()).toBe('runs at 1.100 s, 50 ms left');
    await stream({ clock: { vns: 1_075_000_000 } });
    expect(bar().attributes('aria-valuenow')).toBe('75');
    expect(w.get('[data-testid="dma-deadline"]').text()).toContain('25 ms left');
    // The packet waits at the source with the first bytes from RAM.
    expect(w.get('[data-testid="dma-packet"]').text()).toBe('68 65 6c 6c …');
    expect(w.get('[data-testid="dma-flow"]').attributes('data-mode')).toBe('waiting');
  });

  it('uses the command’s own time from DmaStart, and says when the clock is paused or slowed', async () => {
    const w = await start(snapshot({ registers: toDevice, clock: { vns: 1_000_400_000 } }));
    await stream({ registers: { dmaCmd: '0x5', dmaDeadlineNs: 1_100_000_000 } }, [
      ...programEvents(1_000_000_000),
      { kind: EventKind.DmaStart, vns: 1_000_400_000, addr: 1100, value: 5 },
      { kind: EventKind.DmaProgram, vns: 1_000_400_000, addr: 0x98, value: 5 },
    ]);
    expect(w.get('[data-testid="dma-progress"]').attributes('data-fraction')).toBe('0.000');
    await stream({ clock: { vns: 1_050_200_000, state: 'paused' } });
    expect(w.get('[data-testid="dma-progress"]').attributes('data-fraction')).toBe('0.500');
    expect(w.get('[data-testid="dma-clock-note"]').text()).toContain('paused');
    await stream({ clock: { state: 'running', speed: 0.01 } });
    expect(w.get('[data-testid="dma-clock-note"]').text()).toBe('slow motion 0.01×');
  });

  it('warns before the deadline about a range outside the buffer', async () => {
    const w = await start(snapshot({ registers: { dmaSrc: '0x1000', dmaDst: '0x50000', dmaCount: '0x10', dmaCmd: '0x5', dmaDeadlineNs: 1.1e9 } }));
    expect(w.get('[data-testid="dma-warning"]').text()).toContain('QEMU today will log it and copy nothing');
    expect(w.get('[data-testid="dma-warning"]').text()).toContain('0x00050000–0x0005000f');
  });
});

describe('completion', () => {
  async function runToDevice(flags = 0, buffer = bufferWith(HELLO)) {
    const w = await start(snapshot({ registers: { ...toDevice, dmaCmd: '0x5', dmaDeadlineNs: 1.1e9 }, clock: { vns: 1.05e9 } }));
    readMemory.mockClear();
    await stream({ registers: { dmaCmd: '0x4', dmaDeadlineNs: null, irqStatus: 0x100 }, buffer, clock: { vns: 1.1e9 } }, [
      { kind: EventKind.TimerFire, vns: 1.1e9 },
      { kind: EventKind.DmaComplete, vns: 1.1e9, addr: 0x98, flags, value: 10 },
      { kind: EventKind.RegisterChange, vns: 1.1e9, addr: 0x98, value: 4 },
      { kind: EventKind.IrqRaise, vns: 1.1e9, addr: 0x100, value: 0x100 },
    ]);
    return w;
  }

  it('moves the bytes: the destination cells arrive, the packet travels, the IRQ lamp lights', async () => {
    const w = await runToDevice();
    expect(phase(w)).toBe('done');
    expect(w.get('[data-testid="dma-summary"]').text()).toBe('Done at 1.100 s: 10 bytes copied, RUN cleared.');
    const first = cell(w, 'buffer', 0x40000);
    expect(first.text()).toBe('68');
    expect(first.classes()).toEqual(expect.arrayContaining(['hl-written', 'anim-arrive']));
    expect(cell(w, 'buffer', 0x40009).attributes('style')).toContain('animation-delay');
    expect(cell(w, 'buffer', 0x4000a).classes()).not.toContain('hl-written');
    expect(cell(w, 'ram', RAM_ADDR).classes()).toEqual(expect.arrayContaining(['hl-source', 'anim-depart']));
    expect(w.get('[data-testid="dma-flow"]').attributes('data-mode')).toBe('moving');
    expect(w.get('[data-testid="dma-packet"]').text()).toBe('68 65 6c 6c …');
    expect(w.get('[data-testid="dma-irq-lamp"]').attributes('data-state')).toBe('on');
    expect(w.find('[data-testid="dma-progress"]').exists()).toBe(false);
    // RAM is read again after the completion.
    expect(readMemory).toHaveBeenCalled();
  });

  it('an interrupt already acknowledged still flashes the lamp, then it goes out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const w = await start(snapshot({ registers: { ...toDevice, dmaCmd: '0x5', dmaDeadlineNs: 1.1e9 } }));
    expect(w.get('[data-testid="dma-irq-lamp"]').attributes('data-state')).toBe('off');
    expect(w.get('[data-testid="dma-irq-lamp"]').attributes('title')).toContain('asks for it');
    await stream({ registers: { dmaCmd: '0x4', dmaDeadlineNs: null, irqStatus: 0 } }, [
      { kind: EventKind.DmaComplete, vns: 1.1e9, value: 10 },
      { kind: EventKind.IrqRaise, vns: 1.1e9, value: 0x100 },
      { kind: EventKind.IrqAck, vns: 1.1e9, value: 0x100 },
    ]);
    expect(w.get('[data-testid="dma-irq-lamp"]').attributes('data-state')).toBe('flash');
    vi.advanceTimersByTime(2000);
    await flushPromises();
    expect(w.get('[data-testid="dma-irq-lamp"]').attributes('data-state')).toBe('off');
  });

  it('the lamp follows DMA_IRQ in the interrupt status only', async () => {
    const w = await start(snapshot({ registers: { irqStatus: 0x1 } }));
    expect(w.get('[data-testid="dma-irq-lamp"]').attributes('data-state')).toBe('off');
    await stream({ registers: { irqStatus: 0x101 } });
    expect(w.get('[data-testid="dma-irq-lamp"]').attributes('data-state')).toBe('on');
    await stream({ registers: { irqStatus: 0x1 } });
    expect(w.get('[data-testid="dma-irq-lamp"]').attributes('data-state')).toBe('off');
  });

  it('device to RAM: the RAM side shows the bytes that arrived', async () => {
    const w = await start(snapshot({ registers: { dmaSrc: '0x40000', dmaDst: '0x3000', dmaCount: '0x10', dmaCmd: '0x7', dmaDeadlineNs: 1.1e9 }, buffer: bufferWith('from the device!') }));
    expect(cell(w, 'ram', 0x3000).text()).toBe('00');
    ram.write(0x3000, 'from the device!');
    await stream({ registers: { dmaCmd: '0x6', dmaDeadlineNs: null } }, [{ kind: EventKind.DmaComplete, vns: 1.1e9, value: 16 }]);
    expect(phase(w)).toBe('done');
    expect(cell(w, 'ram', 0x3000).text()).toBe('66');
    expect(cell(w, 'ram', 0x3000).classes()).toEqual(expect.arrayContaining(['hl-written', 'anim-arrive']));
    expect(cell(w, 'buffer', 0x40000).classes()).toContain('hl-source');
    expect(w.get('[data-testid="dma-flow"]').attributes('data-direction')).toBe('to-ram');
  });

  it('a transfer that completed before the view opened is shown done, without replaying the motion', async () => {
    useLab().applySnapshot(snapshot({ registers: { ...toDevice, dmaCmd: '0x4' }, buffer: bufferWith(HELLO) }));
    publishEventBatch(eventBatch(0, [...programEvents(1e9), { kind: EventKind.DmaStart, vns: 1e9, addr: 1100, value: 5 }, { kind: EventKind.DmaComplete, vns: 1.1e9, value: 10 }]));
    wrapper = mount(DmaAnimator);
    await flushPromises();
    expect(phase(wrapper)).toBe('done');
    expect(cell(wrapper, 'buffer', 0x40000).classes()).toContain('hl-written');
    expect(cell(wrapper, 'buffer', 0x40000).classes()).not.toContain('anim-arrive');
    expect(wrapper.get('[data-testid="dma-flow"]').attributes('data-mode')).toBe('arrived');
  });

  it('programming the next transfer ends the done state', async () => {
    const w = await runToDevice();
    await stream({ registers: { dmaSrc: '0x40000', dmaDst: '0x5000' } }, [{ kind: EventKind.DmaProgram, addr: 0x80, value: 0x40000 }]);
    expect(phase(w)).toBe('programmed');
  });

  it('bus master off, RAM to device: the buffer was filled with zeros', async () => {
    const w = await runToDevice(EventFlag.NoMaster, new Uint8Array(4096));
    expect(phase(w)).toBe('done');
    expect(w.get('[data-testid="dma-nomaster"]').text()).toContain('filled with zeros');
    expect(w.get('[data-testid="dma-summary"]').text()).toBe('Done at 1.100 s: 10 zero bytes written to the buffer (bus mastering off), RUN cleared.');
    expect(cell(w, 'buffer', 0x40000).classes()).toContain('hl-zero');
    expect(w.get('[data-testid="dma-packet"]').attributes('data-kind')).toBe('zeros');
  });

  it('bus master off, device to RAM: nothing was written', async () => {
    const w = await start(snapshot({ registers: { dmaSrc: '0x40000', dmaDst: '0x3000', dmaCount: '0x10', dmaCmd: '0x3', dmaDeadlineNs: 1.1e9 }, buffer: bufferWith('abc') }));
    await stream({ registers: { dmaCmd: '0x2', dmaDeadlineNs: null } }, [{ kind: EventKind.DmaComplete, vns: 1.1e9, value: 16, flags: EventFlag.NoMaster }]);
    expect(w.get('[data-testid="dma-nomaster"]').text()).toContain('RAM was not changed');
    expect(w.get('[data-testid="dma-summary"]').text()).toContain('nothing written to RAM');
    expect(cell(w, 'ram', 0x3000).classes()).toContain('hl-not-written');
    expect(cell(w, 'ram', 0x3000).classes()).not.toContain('anim-arrive');
    expect(w.get('[data-testid="dma-packet"]').attributes('data-kind')).toBe('dropped');
  });

  it('warns about bus mastering before a transfer starts', async () => {
    const w = await start(snapshot({ registers: toDevice, command: 0x0103 }));
    expect(w.get('[data-testid="dma-warning"]').text()).toContain('reads of RAM will return zeros');
  });
});

describe('clamping', () => {
  it('shows the programmed and the clamped address, and reads RAM where the device really goes', async () => {
    const w = await start(snapshot({ registers: { dmaSrc: '0x81234000', dmaDst: '0x40000', dmaCount: '0xa', dmaCmd: '0x5', dmaDeadlineNs: 1.1e9 } }));
    expect(w.get('[data-testid="dma-clamp"]').text()).toBe('dma_mask 0x0fffffff clamps the RAM address 0x81234000 to 0x01234000: the device will use 0x01234000.');
    expect(w.get('[data-testid="dma-flow-ram-original"]').text()).toBe('0x81234000');
    expect(w.get('[data-testid="dma-flow-ram"]').text()).toBe('0x01234000');
    expect(readMemory).toHaveBeenCalledWith('0x1233fe0', 80);
    expect(cell(w, 'ram', RAM_ADDR).text()).toBe('68');
    await stream({ registers: { dmaCmd: '0x4', dmaDeadlineNs: null } }, [{ kind: EventKind.DmaComplete, vns: 1.1e9, value: 10, flags: EventFlag.Clamped }]);
    expect(w.get('[data-testid="dma-clamp"]').text()).toBe('Clamped: the device used 0x01234000, not the programmed 0x81234000 (dma_mask 0x0fffffff).');
  });

  it('a mask of all ones clamps nothing, even for a 64-bit address (which is not RAM)', async () => {
    const w = await start(snapshot({ registers: { dmaSrc: '0xffff000000001000', dmaDst: '0x40000', dmaCount: '0x4' }, machine: { dmaMask: '0xffffffffffffffff' } }));
    expect(w.find('[data-testid="dma-clamp"]').exists()).toBe(false);
    expect(w.get('[data-testid="dma-ram-note"]').text()).toContain('Not RAM');
    expect(w.find('[data-testid="dma-ram-grid"]').exists()).toBe(false);
    expect(readMemory).not.toHaveBeenCalled();
  });
});

describe('errors', () => {
  it('upstream: out of range, nothing copied, with the range and the buffer bounds', async () => {
    const w = await start(snapshot({ registers: { dmaSrc: '0x1000', dmaDst: '0x50000', dmaCount: '0x10', dmaCmd: '0x5', dmaDeadlineNs: 1.1e9 } }));
    await stream({ registers: { dmaCmd: '0x4', dmaDeadlineNs: null, irqStatus: 0x100 } }, [
      { kind: EventKind.DmaError, vns: 1.1e9, addr: 0x88, text: RANGE_LOG },
      { kind: EventKind.GuestError, vns: 1.1e9, text: RANGE_LOG },
      { kind: EventKind.DmaComplete, vns: 1.1e9, flags: EventFlag.OutOfRange, value: 0 },
      { kind: EventKind.IrqRaise, vns: 1.1e9, value: 0x100 },
    ]);
    expect(phase(w)).toBe('error');
    const error = w.get('[data-testid="dma-error"]');
    expect(error.attributes('data-error')).toBe('out-of-range');
    expect(error.text()).toContain('Out of range: nothing copied');
    expect(w.get('[data-testid="dma-error-range"]').text()).toBe(
      'Requested device range 0x00050000–0x0005000f (16 bytes); the buffer is 0x00040000–0x00040fff. It runs past the end of the buffer.',
    );
    expect(error.text()).toContain('RUN cleared and DMA_IRQ raised as asked');
    expect(w.get('[data-testid="dma-error-log"]').attributes('title')).toBe(RANGE_LOG);
    expect(w.get('[data-testid="dma-buffer-note"]').text()).toBe('Requested 0x00050000–0x0005000f: outside the buffer.');
    expect(w.get('[data-testid="dma-flow"]').attributes('data-mode')).toBe('blocked');
    expect(w.find('[data-testid="dma-packet"]').exists()).toBe(false);
    expect(w.get('[data-testid="dma-irq-lamp"]').attributes('data-state')).toBe('on');
  });

  it('a range partly inside the buffer marks the part inside', async () => {
    const w = await start(snapshot({ registers: { dmaSrc: '0x1000', dmaDst: '0x40ff8', dmaCount: '0x10', dmaCmd: '0x4' } }));
    await stream({}, [{ kind: EventKind.DmaComplete, vns: 1, flags: EventFlag.OutOfRange }]);
    expect(cell(w, 'buffer', 0x40ff8).classes()).toContain('hl-out-of-range');
    expect(cell(w, 'buffer', 0x40fff).classes()).toContain('hl-out-of-range');
    expect(cell(w, 'buffer', 0x40ff7).classes()).not.toContain('hl-out-of-range');
    expect(w.get('[data-testid="dma-buffer-note"]').text()).toContain('only the marked part is inside');
  });

  it('QEMU 7.2: the machine aborts with a hardware error', async () => {
    const abort = `qemu: hardware error: ${RANGE_LOG}`;
    const w = await start(
      snapshot({
        registers: { dmaSrc: '0x1000', dmaDst: '0x50000', dmaCount: '0x10', dmaCmd: '0x5', dmaDeadlineNs: null },
        machine: { profile: 'qemu-7.2', state: 'aborted', abortMessage: abort },
        clock: { state: 'aborted' },
      }),
    );
    expect(phase(w)).toBe('error');
    const error = w.get('[data-testid="dma-error"]');
    expect(error.attributes('data-error')).toBe('abort');
    expect(error.text()).toContain('Hardware error: QEMU 7.2 stopped the machine');
    expect(w.get('[data-testid="dma-abort-message"]').text()).toBe(abort);
    expect(w.get('[data-testid="dma-error-range"]').text()).toContain('0x00050000–0x0005000f');
    expect(w.find('[data-testid="dma-progress"]').exists()).toBe(false);
  });

  it('QEMU 7.2 also aborts on a full 4096-byte transfer, and says why', async () => {
    const abort = 'qemu: hardware error: EDU: DMA range 0x0000000000040000-0x0000000000040fff out of bounds (0x0000000000040000-0x0000000000040fff)!';
    const w = await start(snapshot({ registers: { dmaSrc: '0x1000', dmaDst: '0x40000', dmaCount: '0x1000', dmaCmd: '0x5', dmaDeadlineNs: 1.1e9 }, machine: { profile: 'qemu-7.2' } }));
    expect(w.get('[data-testid="dma-warning"]').text()).toContain('stop the machine');
    await stream({ machine: { state: 'aborted', abortMessage: abort }, clock: { state: 'aborted' }, registers: { dmaDeadlineNs: null } }, [
      { kind: EventKind.DmaError, vns: 1.1e9, text: abort.slice('qemu: hardware error: '.length) },
      { kind: EventKind.MachineAbort, vns: 1.1e9, text: abort },
    ]);
    expect(w.get('[data-testid="dma-error"]').attributes('data-error')).toBe('abort');
    expect(w.get('[data-testid="dma-error-range"]').text()).toContain('such as a full 4096 bytes');
    // After the restart the device is back at power-on.
    await stream({ machine: { state: 'running', abortMessage: null }, registers: { dmaSrc: '0x0', dmaDst: '0x0', dmaCount: '0x0', dmaCmd: '0x0' } }, [{ kind: EventKind.MachineReset, value: 1 }]);
    expect(phase(w)).toBe('idle');
  });
});

describe('language', () => {
  it('switches every label', async () => {
    const w = await start(snapshot({ registers: { ...toDevice, dmaCmd: '0x5', dmaDeadlineNs: 1.1e9 }, clock: { vns: 1.05e9 } }));
    expect(w.get('[data-testid="dma-phase"]').text()).toBe('Pending');
    expect(w.get('[data-testid="dma-deadline"]').text()).toBe('runs at 1.100 s, 50 ms left');
    setLanguage('zh-CN');
    await flushPromises();
    expect(w.get('[data-testid="dma-phase"]').text()).toBe('等待中');
    expect(w.get('[data-testid="dma-deadline"]').text()).toBe('于 1.100 s 执行，还剩 50 毫秒');
    expect(w.get('[data-testid="dma-reg-count"]').text()).toContain('10 字节');
    expect(w.get('[data-testid="dma-direction"]').text()).toBe('内存 → 设备');
    expect(w.text()).not.toMatch(/\b(source|destination|Guest RAM|Device buffer)\b/);
    setLanguage('en');
    await flushPromises();
    expect(w.get('[data-testid="dma-phase"]').text()).toBe('Pending');
  });
});

it('every message exists in both languages', async () => {
  const { dma } = await import('../../../../src/renderer/src/i18n/messages/dma');
  expect(Object.keys(dma['zh-CN']).sort()).toEqual(Object.keys(dma.en).sort());
  for (const [k, v] of Object.entries(dma['zh-CN'])) expect(v, k).not.toBe('');
});

it('registers from a fresh snapshot are plain', () => {
  expect(registers().dmaCmd).toBe('0x0');
});
