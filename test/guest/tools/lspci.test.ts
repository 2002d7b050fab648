import { describe, expect, it } from 'vitest';
import { bootGuest } from '../../support/guest';
import { fakeEduDriver } from './fakes';
import { lines, runTool } from './run-tool';

const EDU_VVV_NN = lines(
  '00:04.0 Unclassified device [00ff]: Device [1234:11e8] (rev 10)',
  '\tSubsystem: Red Hat, Inc. Device [1af4:1100]',
  '\tControl: I/O+ Mem+ BusMaster- SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR+ FastB2B- DisINTx-',
  '\tStatus: Cap+ 66MHz- UDF- FastB2B- ParErr- DEVSEL=fast >TAbort- <TAbort- <MAbort- >SERR- <PERR- INTx-',
  '\tInterrupt: pin A routed to IRQ 11',
  '\tRegion 0: Memory at fea00000 (32-bit, non-prefetchable) [size=1M]',
  '\tCapabilities: [40] MSI: Enable- Count=1/1 Maskable- 64bit+',
  '\t\tAddress: 0000000000000000  Data: 0000',
);

const HOST_BRIDGE_VV = lines(
  '00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)',
  '\tSubsystem: Red Hat, Inc. Qemu virtual machine',
  '\tControl: I/O+ Mem+ BusMaster- SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR+ FastB2B- DisINTx-',
  '\tStatus: Cap- 66MHz- UDF- FastB2B- ParErr- DEVSEL=fast >TAbort- <TAbort- <MAbort- >SERR- <PERR- INTx-',
  '',
);

describe('lspci', () => {
  it('lists both functions, by name, numbers, or both (the doc\'s `lspci -nn`)', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect(await runTool(k, 'lspci')).toEqual({
      status: 0,
      stdout: lines(
        '00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)',
        '00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)',
      ),
      stderr: '',
    });
    expect((await runTool(k, 'lspci -nn')).stdout).toBe(
      lines(
        '00:00.0 Host bridge [0600]: Intel Corporation 440FX - 82441FX PMC [Natoma] [8086:1237] (rev 02)',
        '00:04.0 Unclassified device [00ff]: Device [1234:11e8] (rev 10)',
      ),
    );
    expect((await runTool(k, 'lspci -n')).stdout).toBe(lines('00:00.0 0600: 8086:1237 (rev 02)', '00:04.0 00ff: 1234:11e8 (rev 10)'));
    expect((await runTool(k, 'lspci -D -s 4')).stdout).toBe(lines('0000:00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)'));
    expect((await runTool(k, 'lspci -d 1234:')).stdout).toBe(lines('00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)'));
    expect((await runTool(k, 'lspci -d ::0600')).stdout).toBe(lines('00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)'));
    expect((await runTool(k, 'lspci -s 1f')).stdout).toBe('');
  });

  it('matches the doc: `lspci -vvv -nn -s 00:04.0`, any order of the switches', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    // The doc quotes everything up to the last capability line; lspci then ends the device with an empty line.
    expect(await runTool(k, 'lspci -vvv -nn -s 00:04.0')).toEqual({ status: 0, stdout: EDU_VVV_NN + '\n', stderr: '' });
    expect((await runTool(k, 'lspci -nnvvv -s00:04.0')).stdout).toBe(EDU_VVV_NN + '\n');
    expect((await runTool(k, 'lspci -s 00:04.0 -vvv -nn')).stdout).toBe(EDU_VVV_NN + '\n');
    expect((await runTool(k, ['lspci', '-s', '0000:00:04', '-nn', '-vv'])).stdout).toBe(EDU_VVV_NN + '\n');
  });

  it('-v: subsystem, flags, regions, capabilities; -vv adds control/status and the MSI address', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect((await runTool(k, 'lspci -v')).stdout).toBe(
      lines(
        '00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)',
        '\tSubsystem: Red Hat, Inc. Qemu virtual machine',
        '\tFlags: fast devsel',
        '',
        '00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)',
        '\tSubsystem: Red Hat, Inc. Device 1100',
        '\tFlags: fast devsel, IRQ 11',
        '\tMemory at fea00000 (32-bit, non-prefetchable) [size=1M]',
        '\tCapabilities: [40] MSI: Enable- Count=1/1 Maskable- 64bit+',
        '',
      ),
    );
    expect((await runTool(k, 'lspci -vv -s 0')).stdout).toBe(HOST_BRIDGE_VV);
    expect((await runTool(k, 'lspci -vvv -s 0')).stdout).toBe(HOST_BRIDGE_VV);
    expect((await runTool(k, 'lspci -n -v -s 4')).stdout).toBe(
      lines(
        '00:04.0 00ff: 1234:11e8 (rev 10)',
        '\tSubsystem: 1af4:1100',
        '\tFlags: fast devsel, IRQ 11',
        '\tMemory at fea00000 (32-bit, non-prefetchable) [size=1M]',
        '\tCapabilities: [40] MSI: Enable- Count=1/1 Maskable- 64bit+',
        '',
      ),
    );
  });

  it('decodes the live command register: memory off shows [disabled], a zeroed BAR shows [virtual]', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    const dev = k.pci.find(4)!;
    k.pci.configWrite(dev, 0x04, 2, 0x0101);
    let out = (await runTool(k, 'lspci -v -s 4')).stdout;
    expect(out).toContain('\tMemory at fea00000 (32-bit, non-prefetchable) [disabled] [size=1M]\n');
    out = (await runTool(k, 'lspci -vv -s 4')).stdout;
    expect(out).toContain('\tControl: I/O+ Mem- BusMaster- SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR+ FastB2B- DisINTx-\n');
    expect(out).toContain('\tRegion 0: Memory at fea00000 (32-bit, non-prefetchable) [disabled] [size=1M]\n');
    k.pci.configWrite(dev, 0x04, 2, 0x0103);
    k.pci.configWrite(dev, 0x10, 4, 0);
    out = (await runTool(k, 'lspci -vv -s 4')).stdout;
    expect(out).toContain('\tRegion 0: Memory at fea00000 (32-bit, non-prefetchable) [virtual] [size=1M]\n');
  });

  it('with MSI enabled and a driver bound: DisINTx+, BusMaster+, Latency, the MSI irq and message, the driver', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    await k.pci.registerDriver(fakeEduDriver(k, { msi: true }));
    expect((await runTool(k, 'lspci -vvv -nn -s 00:04.0')).stdout).toBe(
      lines(
        '00:04.0 Unclassified device [00ff]: Device [1234:11e8] (rev 10)',
        '\tSubsystem: Red Hat, Inc. Device [1af4:1100]',
        '\tControl: I/O+ Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR+ FastB2B- DisINTx+',
        '\tStatus: Cap+ 66MHz- UDF- FastB2B- ParErr- DEVSEL=fast >TAbort- <TAbort- <MAbort- >SERR- <PERR- INTx-',
        '\tLatency: 0',
        '\tInterrupt: pin A routed to IRQ 24',
        '\tRegion 0: Memory at fea00000 (32-bit, non-prefetchable) [size=1M]',
        '\tCapabilities: [40] MSI: Enable+ Count=1/1 Maskable- 64bit+',
        '\t\tAddress: 00000000fee00000  Data: 4023',
        '\tKernel driver in use: edu',
        '',
      ),
    );
    expect((await runTool(k, 'lspci -v -s 4')).stdout).toBe(
      lines(
        '00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)',
        '\tSubsystem: Red Hat, Inc. Device 1100',
        '\tFlags: bus master, fast devsel, latency 0, IRQ 24',
        '\tMemory at fea00000 (32-bit, non-prefetchable) [size=1M]',
        '\tCapabilities: [40] MSI: Enable+ Count=1/1 Maskable- 64bit+',
        '\tKernel driver in use: edu',
        '',
      ),
    );
    expect((await runTool(k, 'lspci -k')).stdout).toBe(
      lines(
        '00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)',
        '\tSubsystem: Red Hat, Inc. Qemu virtual machine',
        '00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)',
        '\tSubsystem: Red Hat, Inc. Device 1100',
        '\tKernel driver in use: edu',
      ),
    );
  });

  it('MSI enabled by hand through config writes (no driver): the message as programmed, the irq still INTx', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    const dev = k.pci.find(4)!;
    k.pci.configWrite(dev, 0x44, 4, 0xfee01000);
    k.pci.configWrite(dev, 0x48, 4, 0);
    k.pci.configWrite(dev, 0x4c, 2, 0x4031);
    k.pci.configWrite(dev, 0x42, 2, 0x0001);
    k.pci.configWrite(dev, 0x04, 2, 0x0507);
    const out = (await runTool(k, 'lspci -vv -s 4')).stdout;
    expect(out).toContain('\tControl: I/O+ Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR+ FastB2B- DisINTx+\n\tStatus:');
    expect(out).toContain('\tLatency: 0\n\tInterrupt: pin A routed to IRQ 11\n');
    expect(out).toContain('\tCapabilities: [40] MSI: Enable+ Count=1/1 Maskable- 64bit+\n\t\tAddress: 00000000fee01000  Data: 4031\n');
  });

  it('shows the INTx level in Status while the device asserts its pin', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    k.io.write(0xfea00060, 4, 1);
    expect((await runTool(k, 'lspci -vv -s 4')).stdout).toContain('<PERR- INTx+\n');
    k.io.write(0xfea00064, 4, 1);
    expect((await runTool(k, 'lspci -vv -s 4')).stdout).toContain('<PERR- INTx-\n');
  });

  it('-x, -xxx and -xxxx dump 64 or 256 bytes of config space', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    const header = lines(
      '00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)',
      '00: 34 12 e8 11 03 01 10 00 10 00 ff 00 00 00 00 00',
      '10: 00 00 a0 fe 00 00 00 00 00 00 00 00 00 00 00 00',
      '20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 00 11',
      '30: 00 00 00 00 40 00 00 00 00 00 00 00 0b 01 00 00',
    );
    expect((await runTool(k, 'lspci -x -s 00:04.0')).stdout).toBe(header + '\n');
    const rest = [lines('40: 05 00 80 00 00 00 00 00 00 00 00 00 00 00 00 00')];
    for (let row = 0x50; row < 0x100; row += 0x10) rest.push(lines(`${row.toString(16)}: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00`));
    expect((await runTool(k, 'lspci -xxx -s 00:04.0')).stdout).toBe(header + rest.join('') + '\n');
    expect((await runTool(k, 'lspci -xxxx -s 00:04.0')).stdout).toBe(header + rest.join('') + '\n');
    const vx = (await runTool(k, 'lspci -vx -s 4')).stdout;
    expect(vx).toBe(
      lines(
        '00:04.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)',
        '\tSubsystem: Red Hat, Inc. Device 1100',
        '\tFlags: fast devsel, IRQ 11',
        '\tMemory at fea00000 (32-bit, non-prefetchable) [size=1M]',
        '\tCapabilities: [40] MSI: Enable- Count=1/1 Maskable- 64bit+',
        '00: 34 12 e8 11 03 01 10 00 10 00 ff 00 00 00 00 00',
        '10: 00 00 a0 fe 00 00 00 00 00 00 00 00 00 00 00 00',
        '20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 00 11',
        '30: 00 00 00 00 40 00 00 00 00 00 00 00 0b 01 00 00',
        '',
      ),
    );
  });

  it('-m and -mm: the machine-readable forms', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect((await runTool(k, 'lspci -mm')).stdout).toBe(
      lines(
        '00:00.0 "Host bridge" "Intel Corporation" "440FX - 82441FX PMC [Natoma]" -r02 -p00 "Red Hat, Inc." "Qemu virtual machine"',
        '00:04.0 "Unclassified device [00ff]" "Vendor 1234" "Device 11e8" -r10 -p00 "Red Hat, Inc." "Device 1100"',
      ),
    );
    expect((await runTool(k, 'lspci -vmm -s 4')).stdout).toBe(
      lines(
        'Slot:\t00:04.0',
        'Class:\tUnclassified device [00ff]',
        'Vendor:\tVendor 1234',
        'Device:\tDevice 11e8',
        'SVendor:\tRed Hat, Inc.',
        'SDevice:\tDevice 1100',
        'Rev:\t10',
        'ProgIf:\t00',
        '',
      ),
    );
  });

  it('-t: the bus tree', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect((await runTool(k, 'lspci -t')).stdout).toBe(lines('-[0000:00]-+-00.0', '           \\-04.0'));
    expect((await runTool(k, 'lspci -tv')).stdout).toBe(
      lines('-[0000:00]-+-00.0  Intel Corporation 440FX - 82441FX PMC [Natoma]', '           \\-04.0  Device 1234:11e8'),
    );
    expect((await runTool(k, 'lspci -tvnn -s 4')).stdout).toBe(lines('-[0000:00]---04.0  Device [1234:11e8]'));
  });

  it('reports bad switches and filters as pciutils does', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    let r = await runTool(k, 'lspci -s 00:20.0');
    expect(r).toEqual({ status: 1, stdout: '', stderr: 'lspci: -s: Invalid slot number\n' });
    r = await runTool(k, 'lspci -s 0:4.8');
    expect(r.stderr).toBe('lspci: -s: Invalid function number\n');
    r = await runTool(k, 'lspci -s 100:4.0');
    expect(r.stderr).toBe('lspci: -s: Invalid bus number\n');
    r = await runTool(k, 'lspci -d 12345:');
    expect(r.stderr).toBe('lspci: -d: Invalid vendor ID\n');
    r = await runTool(k, 'lspci -d 1234');
    expect(r.stderr).toBe('lspci: -d: At least two fields must be given\n');
    r = await runTool(k, 'lspci -z');
    expect(r.status).toBe(1);
    expect(r.stderr.startsWith("lspci: invalid option -- 'z'\nUsage: lspci [<switches>]\n")).toBe(true);
    r = await runTool(k, 'lspci -s');
    expect(r.stderr.startsWith("lspci: option requires an argument -- 's'\nUsage: lspci")).toBe(true);
    r = await runTool(k, 'lspci extra');
    expect(r.status).toBe(1);
    expect(r.stderr.startsWith('Usage: lspci [<switches>]\n')).toBe(true);
    expect(await runTool(k, 'lspci --version')).toEqual({ status: 0, stdout: 'lspci version 3.9.0\n', stderr: '' });
  });
});
