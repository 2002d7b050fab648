import { describe, expect, it } from 'vitest';
import { EDU_SLOT } from '../../../src/main/machine/machine';
import { hex, MSI_CAP } from '../../support/edu';
import { createMachine } from '../../support/machine';
import { eduConfig, programLikeSeaBios, setEduConfig } from '../../support/pci';

/** Config reads as hex strings, so a mismatch prints as registers are written in the spec. */
const cfg = (m: Parameters<typeof eduConfig>[0], offset: number, size: 1 | 2 | 4 = 4) => hex(eduConfig(m, offset, size));

describe('edu PCI identity (config header at reset)', () => {
  it('has vendor 0x1234, device 0x11e8, revision 0x10 [7.2]', async () => {
    const m = await createMachine();
    expect(cfg(m, 0x00, 2)).toBe('0x1234');
    expect(cfg(m, 0x02, 2)).toBe('0x11e8');
    expect(cfg(m, 0x00)).toBe('0x11e81234');
    expect(cfg(m, 0x08, 1)).toBe('0x10');
  });

  it('reads class 0x00ff0010 at 0x08: base 0x00, sub 0xff, prog-if 0x00, revision 0x10 [7.2]', async () => {
    const m = await createMachine();
    expect(cfg(m, 0x08)).toBe('0xff0010');
    expect(cfg(m, 0x09, 1), 'prog-if').toBe('0x0');
    expect(cfg(m, 0x0a, 1), 'subclass').toBe('0xff');
    expect(cfg(m, 0x0b, 1), 'base class').toBe('0x0');
  });

  it("has the PCI core's default subsystem 1af4:1100 [7.2]", async () => {
    const m = await createMachine();
    expect(cfg(m, 0x2c, 2)).toBe('0x1af4');
    expect(cfg(m, 0x2e, 2)).toBe('0x1100');
  });

  it('is a single-function type 0 header with no BIST, cache line, latency or ROM', async () => {
    const m = await createMachine();
    expect(cfg(m, 0x0e, 1), 'header type').toBe('0x0');
    expect(cfg(m, 0x0c), 'cache line / latency / header type / BIST').toBe('0x0');
    expect(cfg(m, 0x30), 'expansion ROM').toBe('0x0');
  });

  it('has status 0x0010 (capabilities list) and command 0 at reset', async () => {
    const m = await createMachine();
    expect(cfg(m, 0x06, 2)).toBe('0x10');
    expect(cfg(m, 0x04, 2)).toBe('0x0');
  });

  it('has interrupt pin 1 (INTA#) and interrupt line 0 until firmware sets it', async () => {
    const m = await createMachine();
    expect(cfg(m, 0x3d, 1)).toBe('0x1');
    expect(cfg(m, 0x3c, 1)).toBe('0x0');
  });

  it('points the capability list at 0x40 [7.2]', async () => {
    const m = await createMachine();
    expect(cfg(m, 0x34, 1)).toBe('0x40');
  });

  it('has an MSI capability at 0x40: id 0x05, next 0, control 0x0080 (64-bit, 1 vector, not maskable, disabled) [7.2]', async () => {
    const m = await createMachine();
    expect(cfg(m, MSI_CAP, 1), 'capability id').toBe('0x5');
    expect(cfg(m, MSI_CAP + 1, 1), 'next pointer').toBe('0x0');
    expect(cfg(m, MSI_CAP + 2, 2), 'message control').toBe('0x80');
    expect(cfg(m, MSI_CAP + 4), 'address lo').toBe('0x0');
    expect(cfg(m, MSI_CAP + 8), 'address hi').toBe('0x0');
    expect(cfg(m, MSI_CAP + 0x0c, 2), 'data').toBe('0x0');
    expect(m.edu.msiEnabled).toBe(false);
  });

  it('has no MSI-X and no other capability: the list ends after MSI', async () => {
    const m = await createMachine();
    const ids: number[] = [];
    for (let at = eduConfig(m, 0x34, 1); at !== 0; at = eduConfig(m, at + 1, 1)) ids.push(eduConfig(m, at, 1));
    expect(ids).toEqual([0x05]);
  });

  it('has BAR0 and BARs 1-5 reading 0 before firmware assigns them', async () => {
    const m = await createMachine();
    for (let bar = 0; bar < 6; bar++) expect(cfg(m, 0x10 + 4 * bar), `BAR${bar}`).toBe('0x0');
  });

  it('is left by firmware (SeaBIOS) with command 0x0103, BAR0 at 0xfea00000 and line 11 [7.2]', async () => {
    const m = await createMachine();
    programLikeSeaBios(m);
    expect(cfg(m, 0x04, 2)).toBe('0x103');
    expect(cfg(m, 0x10)).toBe('0xfea00000');
    expect(cfg(m, 0x3c, 1)).toBe('0xb');
    expect(m.pci.slotOf(m.edu)).toBe(EDU_SLOT);
    expect(EDU_SLOT).toBe(4);
  });
});

describe('edu PCI config: writable masks', () => {
  it('lets software write exactly the command bits IO, MEM, MASTER, SERR, INTX_DISABLE (0x0507)', async () => {
    const m = await createMachine();
    setEduConfig(m, 0x04, 2, 0xffff);
    expect(cfg(m, 0x04, 2)).toBe('0x507');
    setEduConfig(m, 0x04, 2, 0x0000);
    expect(cfg(m, 0x04, 2)).toBe('0x0');
    // A driver's "set master" on top of what firmware left.
    setEduConfig(m, 0x04, 2, 0x0103);
    setEduConfig(m, 0x04, 2, eduConfig(m, 0x04, 2) | 0x4);
    expect(cfg(m, 0x04, 2)).toBe('0x107');
  });

  it('sizes BAR0 as 1 MiB of 32-bit non-prefetchable memory: 0xffffffff reads back 0xfff00000 [7.2]', async () => {
    const m = await createMachine();
    setEduConfig(m, 0x10, 4, 0xffffffff);
    expect(cfg(m, 0x10)).toBe('0xfff00000');
    // Bits 0-3 (memory space, 32-bit, non-prefetchable) are hardwired to 0.
    expect(eduConfig(m, 0x10) & 0xf).toBe(0);
    setEduConfig(m, 0x10, 4, 0xfea12345);
    expect(cfg(m, 0x10), 'the address is aligned to the size').toBe('0xfea00000');
  });

  it('leaves BARs 1-5 unused: sizing them reads 0', async () => {
    const m = await createMachine();
    for (let bar = 1; bar < 6; bar++) {
      setEduConfig(m, 0x10 + 4 * bar, 4, 0xffffffff);
      expect(cfg(m, 0x10 + 4 * bar), `BAR${bar}`).toBe('0x0');
    }
  });

  it('makes the MSI control bits 0x0071 writable, and nothing else of the control word', async () => {
    const m = await createMachine();
    setEduConfig(m, MSI_CAP + 2, 2, 0xff70 & ~0x0001); // everything but enable: no clamping while disabled
    expect(cfg(m, MSI_CAP + 2, 2)).toBe('0xf0');
    setEduConfig(m, MSI_CAP + 2, 2, 0x0000);
    expect(cfg(m, MSI_CAP + 2, 2)).toBe('0x80');
    setEduConfig(m, MSI_CAP, 2, 0xffff);
    expect(cfg(m, MSI_CAP, 2), 'id and next pointer are read-only').toBe('0x5');
  });

  it('clamps Multiple Message Enable to the one vector capable once MSI is enabled', async () => {
    const m = await createMachine();
    setEduConfig(m, MSI_CAP + 2, 2, 0x0071);
    expect(cfg(m, MSI_CAP + 2, 2)).toBe('0x81');
    expect(m.edu.msiEnabled).toBe(true);
  });

  it('keeps an over-large MME while MSI is disabled, and clamps it on the write that enables MSI', async () => {
    const m = await createMachine();
    setEduConfig(m, MSI_CAP + 2, 2, 0x0030);
    expect(cfg(m, MSI_CAP + 2, 2)).toBe('0xb0');
    setEduConfig(m, MSI_CAP + 2, 2, 0x0031);
    expect(cfg(m, MSI_CAP + 2, 2)).toBe('0x81');
  });

  it('makes the MSI address low 0xfffffffc, address high 0xffffffff and data 0xffff writable', async () => {
    const m = await createMachine();
    setEduConfig(m, MSI_CAP + 4, 4, 0xffffffff);
    setEduConfig(m, MSI_CAP + 8, 4, 0xffffffff);
    setEduConfig(m, MSI_CAP + 0x0c, 4, 0xffffffff);
    expect(cfg(m, MSI_CAP + 4)).toBe('0xfffffffc');
    expect(cfg(m, MSI_CAP + 8)).toBe('0xffffffff');
    expect(cfg(m, MSI_CAP + 0x0c, 2)).toBe('0xffff');
  });

  it('leaves the device-specific area after the capability (0x4e..0xff) writable, as QEMU does', async () => {
    const m = await createMachine();
    setEduConfig(m, 0x4e, 2, 0xbeef);
    expect(cfg(m, 0x4e, 2)).toBe('0xbeef');
    for (let at = 0x50; at < 0x100; at += 4) {
      setEduConfig(m, at, 4, 0xa5a5a5a5 ^ at);
      expect(eduConfig(m, at), `config dword 0x${at.toString(16)}`).toBe((0xa5a5a5a5 ^ at) >>> 0);
    }
  });

  it('lets only the QEMU-writable bits of every header dword change when all ones are written', async () => {
    const m = await createMachine();
    for (let at = 0; at < 0x40; at += 4) setEduConfig(m, at, 4, 0xffffffff);
    const expected: Record<number, number> = {
      0x00: 0x11e81234,
      0x04: 0x00100507, // status: W1C bits were 0; capability list stays
      0x08: 0x00ff0010,
      0x0c: 0x000000ff, // cache line size only: latency timer, header type and BIST are read-only
      0x10: 0xfff00000,
      0x2c: 0x11001af4,
      0x34: 0x00000040,
      0x3c: 0x000001ff, // interrupt line writable, pin read-only, MIN_GNT/MAX_LAT 0
    };
    for (let at = 0; at < 0x40; at += 4) {
      expect(hex(eduConfig(m, at)), `config dword 0x${at.toString(16)}`).toBe(hex(expected[at] ?? 0));
    }
  });

  it('accepts byte and word config writes inside a dword (interrupt line, command high byte)', async () => {
    const m = await createMachine();
    setEduConfig(m, 0x3c, 1, 0x0b);
    setEduConfig(m, 0x05, 1, 0x04); // INTX_DISABLE lives in the command's high byte
    expect(cfg(m, 0x3c, 2)).toBe('0x10b');
    expect(cfg(m, 0x04, 2)).toBe('0x400');
  });
});

describe('edu PCI config: status', () => {
  it('clears the error bits in status when 1 is written to them (write-1-to-clear)', async () => {
    const m = await createMachine();
    // Error bits the device would set on a bus error; set them as the device model would.
    const errors = 0x0100 | 0x0800 | 0x1000 | 0x2000 | 0x4000 | 0x8000;
    m.edu.config.set16(0x06, 0x0010 | errors);
    setEduConfig(m, 0x06, 2, 0x0000);
    expect(cfg(m, 0x06, 2), 'writing 0 clears nothing').toBe(hex(0x0010 | errors));
    setEduConfig(m, 0x06, 2, 0x2000);
    expect(cfg(m, 0x06, 2), 'writing 1 clears exactly that bit').toBe(hex(0x0010 | (errors & ~0x2000)));
    setEduConfig(m, 0x06, 2, 0xffff);
    expect(cfg(m, 0x06, 2), 'capability list and interrupt status are not W1C').toBe('0x10');
  });

  it('does not let software set status bits, including interrupt status (bit 3)', async () => {
    const m = await createMachine();
    setEduConfig(m, 0x04, 4, 0xffff0000);
    expect(cfg(m, 0x06, 2)).toBe('0x10');
  });
});
