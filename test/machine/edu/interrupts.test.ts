import { describe, expect, it } from 'vitest';
import { EventFlag, EventKind } from '../../../src/common/trace/schema';
import { bootedEdu, EDU_GSI, enableMsi, hex, MSI_ADDRESS, MSI_CAP, MSI_DATA, recordLines, recordMsi, recordTrace } from '../../support/edu';
import { eduConfig, setEduConfig } from '../../support/pci';

const HIGH = { gsi: EDU_GSI, level: true };
const LOW = { gsi: EDU_GSI, level: false };

describe('edu interrupts over INTx (a level on IRQ 11)', () => {
  it('asserts INTA#, routed to IRQ 11, on a raise and shows it in config status bit 3', async () => {
    const { machine, r } = await bootedEdu();
    const lines = recordLines(machine);
    r.writel(0x60, 0x1);
    expect(lines).toEqual([HIGH]);
    expect(machine.ioapic.level(EDU_GSI)).toBe(true);
    expect(hex(eduConfig(machine, 0x06, 2))).toBe('0x18');
  });

  it('makes no new edge on repeated raises and stays up until the last bit is acknowledged', async () => {
    const { machine, r } = await bootedEdu();
    const lines = recordLines(machine);
    r.writel(0x60, 0x1);
    r.writel(0x60, 0x1);
    r.writel(0x60, 0x100);
    expect(lines, 'one rising edge for three raises').toEqual([HIGH]);
    r.writel(0x64, 0x1);
    expect(lines, 'a bit is still pending').toEqual([HIGH]);
    expect(hex(r.readl(0x24))).toBe('0x100');
    r.writel(0x64, 0x100);
    expect(lines).toEqual([HIGH, LOW]);
    expect(hex(eduConfig(machine, 0x06, 2))).toBe('0x10');
  });

  it('does nothing on a raise of 0 with nothing pending, or an ack with nothing pending', async () => {
    const { machine, r } = await bootedEdu();
    const lines = recordLines(machine);
    r.writel(0x60, 0);
    r.writel(0x64, 0xffffffff);
    expect(lines).toEqual([]);
  });

  it('keeps the level after an ack of bits that were not pending', async () => {
    const { machine, r } = await bootedEdu();
    const lines = recordLines(machine);
    r.writel(0x60, 0x2);
    r.writel(0x64, 0x1);
    expect(lines).toEqual([HIGH]);
  });

  it('with INTX_DISABLE, shows the level in status bit 3 but does not deliver it; clearing it delivers', async () => {
    const { machine, r } = await bootedEdu();
    const lines = recordLines(machine);
    setEduConfig(machine, 0x04, 2, 0x0507);
    r.writel(0x60, 0x1);
    expect(hex(eduConfig(machine, 0x06, 2)), 'status bit 3').toBe('0x18');
    expect(lines, 'nothing delivered').toEqual([]);
    expect(machine.edu.intxPin).toBe(true);
    expect(machine.edu.intxDelivered).toBe(false);
    setEduConfig(machine, 0x04, 2, 0x0107);
    expect(lines, 're-enabling delivers the pending level').toEqual([HIGH]);
    setEduConfig(machine, 0x04, 2, 0x0507);
    expect(lines, 'disabling again withdraws it').toEqual([HIGH, LOW]);
    r.writel(0x64, 0x1);
    expect(hex(eduConfig(machine, 0x06, 2))).toBe('0x10');
    setEduConfig(machine, 0x04, 2, 0x0107);
    expect(lines, 'nothing left to deliver').toEqual([HIGH, LOW]);
  });

  it('does not need bus mastering (INTx is a wire, not a message)', async () => {
    const { machine, r } = await bootedEdu({ master: false });
    const lines = recordLines(machine);
    r.writel(0x60, 0x1);
    expect(lines).toEqual([HIGH]);
  });
});

describe('edu interrupts over MSI (a message per raise)', () => {
  it('sends one message with the programmed address and data per raise', async () => {
    const { machine, r } = await bootedEdu();
    enableMsi(machine);
    const msi = recordMsi(machine);
    const lines = recordLines(machine);
    r.writel(0x60, 0x1);
    expect(msi).toEqual([{ address: MSI_ADDRESS, data: MSI_DATA }]);
    r.writel(0x60, 0x1);
    expect(msi, 'two raises, two messages').toHaveLength(2);
    expect(lines, 'INTx stays low').toEqual([]);
    expect(hex(eduConfig(machine, 0x06, 2))).toBe('0x10');
  });

  it('sends one more message for a raise of 0 while bits are pending, none when nothing is', async () => {
    const { machine, r } = await bootedEdu();
    enableMsi(machine);
    const msi = recordMsi(machine);
    r.writel(0x60, 0);
    expect(msi, 'nothing pending: no message').toHaveLength(0);
    r.writel(0x60, 0x4);
    r.writel(0x60, 0);
    expect(msi).toHaveLength(2);
  });

  it('sends nothing on acknowledge, and raises again after an ack', async () => {
    const { machine, r } = await bootedEdu();
    enableMsi(machine);
    const msi = recordMsi(machine);
    r.writel(0x60, 0x1);
    r.writel(0x64, 0x1);
    expect(msi).toHaveLength(1);
    expect(r.readl(0x24)).toBe(0);
    r.writel(0x60, 0x1);
    expect(msi).toHaveLength(2);
  });

  it('targets the programmed APIC: address 0xfee00000 | id << 12', async () => {
    const { machine, r } = await bootedEdu();
    enableMsi(machine, 0xfee01000, 0x4031);
    const msi = recordMsi(machine);
    r.writel(0x60, 0x1);
    expect(msi).toEqual([{ address: 0xfee01000, data: 0x4031 }]);
  });

  it('deasserts INTx when MSI is enabled', async () => {
    const { machine, r } = await bootedEdu();
    const lines = recordLines(machine);
    r.writel(0x60, 0x1);
    expect(lines).toEqual([HIGH]);
    enableMsi(machine);
    expect(lines).toEqual([HIGH, LOW]);
    expect(hex(eduConfig(machine, 0x06, 2)), 'status bit 3 follows').toBe('0x10');
    expect(hex(r.readl(0x24)), 'the interrupt status is kept').toBe('0x1');
  });

  it('drops messages while MASTER is clear, but the interrupt status still changes', async () => {
    const { machine, r } = await bootedEdu({ master: false });
    enableMsi(machine);
    const msi = recordMsi(machine);
    const lines = recordLines(machine);
    const events = recordTrace(machine);
    r.writel(0x60, 0x1);
    expect(msi).toEqual([]);
    expect(lines).toEqual([]);
    expect(hex(r.readl(0x24))).toBe('0x1');
    const sent = events.filter((e) => e.kind === EventKind.MsiMessage);
    expect(sent.map((e) => e.flags & EventFlag.Dropped)).toEqual([EventFlag.Dropped]);
    // Setting master afterwards does not replay the lost message; the next raise is delivered.
    setEduConfig(machine, 0x04, 2, 0x0107);
    expect(msi).toEqual([]);
    r.writel(0x60, 0x0);
    expect(msi).toHaveLength(1);
  });

  it('goes back to INTx when MSI is disabled (the next raise asserts the line)', async () => {
    const { machine, r } = await bootedEdu();
    enableMsi(machine);
    const lines = recordLines(machine);
    r.writel(0x60, 0x1);
    setEduConfig(machine, MSI_CAP + 2, 2, 0x0000);
    expect(lines).toEqual([]);
    r.writel(0x60, 0x1);
    expect(lines).toEqual([HIGH]);
    r.writel(0x64, 0x1);
    expect(lines).toEqual([HIGH, LOW]);
  });
});
