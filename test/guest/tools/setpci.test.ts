import { describe, expect, it } from 'vitest';
import { Source } from '../../../src/common/trace/schema';
import { EDU_SLOT } from '../../../src/main/machine/machine';
import { bootGuest } from '../../support/guest';
import { lines, runTool } from './run-tool';

const HELP = "Try `setpci --help' for more information.\n";

describe('setpci', () => {
  it('matches the doc: `setpci -s 00:04.0 COMMAND BASE_ADDRESS_0 CAPABILITIES INTERRUPT_PIN CAP_MSI+2.w`', async () => {
    const { guest } = await bootGuest();
    expect(await runTool(guest.kernel, 'setpci -s 00:04.0 COMMAND BASE_ADDRESS_0 CAPABILITIES INTERRUPT_PIN CAP_MSI+2.w')).toEqual({
      status: 0,
      stdout: lines('0103', 'fea00000', '40', '01', '0080'),
      stderr: '',
    });
  });

  it('reads every named header register, hex offsets with a width, and capability-relative registers', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    const names =
      'VENDOR_ID DEVICE_ID COMMAND STATUS REVISION CLASS_PROG CLASS_DEVICE CACHE_LINE_SIZE LATENCY_TIMER HEADER_TYPE BIST ' +
      'BASE_ADDRESS_0 BASE_ADDRESS_1 BASE_ADDRESS_5 SUBSYSTEM_VENDOR_ID SUBSYSTEM_ID ROM_ADDRESS CAPABILITIES INTERRUPT_LINE INTERRUPT_PIN MIN_GNT MAX_LAT';
    expect((await runTool(k, `setpci -s 4 ${names}`)).stdout).toBe(
      lines('1234', '11e8', '0103', '0010', '10', '00', '00ff', '00', '00', '00', '00', 'fea00000', '00000000', '00000000', '1af4', '1100', '00000000', '40', '0b', '01', '00', '00'),
    );
    expect((await runTool(k, 'setpci -s 00:04.0 0.l 8.l 3c.b 3d.B 2.W 10.L vendor_id')).stdout).toBe(
      lines('11e81234', '00ff0010', '0b', '01', '11e8', 'fea00000', '1234'),
    );
    expect((await runTool(k, 'setpci -s 4 CAP_MSI.b CAP_MSI+1.b CAP5+2.w CAP_MSI+4.l CAP_MSI+c.w COMMAND.b')).stdout).toBe(
      lines('05', '00', '0080', '00000000', '0000', '03'),
    );
    expect((await runTool(k, 'setpci -d 1234:11e8 DEVICE_ID')).stdout).toBe(lines('11e8'));
    expect((await runTool(k, 'setpci -d 8086: DEVICE_ID -s 4 DEVICE_ID')).stdout).toBe(lines('1237', '11e8'));
    expect((await runTool(k, 'setpci -d *:* VENDOR_ID')).stdout).toBe(lines('8086', '1234'));
  });

  it('writes values (print nothing), with masks, several values, and -v tracing', async () => {
    const { machine, guest } = await bootGuest();
    const k = guest.kernel;
    const config = (offset: number, size: 1 | 2 | 4) => machine.pci.configRead(EDU_SLOT, 0, offset, size, Source.Test);
    expect(await runTool(k, 'setpci -s 00:04.0 COMMAND=0107')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(config(0x04, 2)).toBe(0x0107);
    expect(await runTool(k, 'setpci -s 00:04.0 COMMAND=0400:0400')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(config(0x04, 2)).toBe(0x0507);
    await runTool(k, 'setpci -s 4 COMMAND=0:0404');
    expect(config(0x04, 2)).toBe(0x0103);
    await runTool(k, 'setpci -s 4 CAP_MSI+4.l=fee00000,0,4023');
    expect(config(0x44, 4)).toBe(0xfee00000);
    expect(config(0x4c, 2)).toBe(0x4023);
    await runTool(k, 'setpci -s 4 INTERRUPT_LINE=a');
    expect(config(0x3c, 1)).toBe(0x0a);
    // -D only shows what it would do.
    expect(await runTool(k, 'setpci -vD -s 4 COMMAND=0107')).toEqual({ status: 0, stdout: lines('0000:00:04.0 @04 0107'), stderr: '' });
    expect(config(0x04, 2)).toBe(0x0103);
    expect((await runTool(k, 'setpci -v -s 4 COMMAND=0004:0004 COMMAND CAP_MSI+2.w 3c.b=0b,01')).stdout).toBe(
      lines(
        '0000:00:04.0 @04 0103->(0004:0004)->0107',
        '0000:00:04.0 @04 = 0107',
        '0000:00:04.0 (cap 05 @40) @42 = 0080',
        '0000:00:04.0 @3c 0b 01',
      ),
    );
    expect(config(0x04, 2)).toBe(0x0107);
    expect(config(0x3c, 1)).toBe(0x0b);
  });

  it('reports parse errors as setpci does', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    const err = async (line: string) => {
      const r = await runTool(k, line);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      return r.stderr;
    };
    expect(await err('setpci')).toBe(`setpci: No operation specified.\n${HELP}`);
    expect(await err('setpci COMMAND')).toBe(`setpci: Filter specification expected.\n${HELP}`);
    expect(await err('setpci -s 4 FOO')).toBe(`setpci: Unknown register "FOO".\n${HELP}`);
    expect(await err('setpci -s 4 40')).toBe(`setpci: Missing width.\n${HELP}`);
    expect(await err('setpci -s 4 CAP_MSI')).toBe(`setpci: Missing width.\n${HELP}`);
    expect(await err('setpci -s 4 COMMAND.q')).toBe(`setpci: Invalid width "q".\n${HELP}`);
    expect(await err('setpci -s 4 COMMAND=')).toBe(`setpci: Missing value.\n${HELP}`);
    expect(await err('setpci -s 4 COMMAND=zz')).toBe(`setpci: Invalid value "zz".\n${HELP}`);
    expect(await err('setpci -s 4 COMMAND=10000')).toBe(`setpci: Value "10000" is out of range.\n${HELP}`);
    expect(await err('setpci -s 4 COMMAND=1:x')).toBe(`setpci: Invalid mask "x".\n${HELP}`);
    expect(await err('setpci -s 4 3.w')).toBe(`setpci: Unaligned register address 03.\n${HELP}`);
    expect(await err('setpci -s 4 1000.b')).toBe(`setpci: Register number 1000 out of range.\n${HELP}`);
    expect(await err('setpci -s 4 COMMAND+zz')).toBe(`setpci: Invalid offset "zz".\n${HELP}`);
    expect(await err('setpci -s 0:40 COMMAND')).toBe(`setpci: Unable to parse filter -s Invalid slot number.\n${HELP}`);
    expect(await err('setpci -d 1234 COMMAND')).toBe(`setpci: Unable to parse filter -d At least two fields must be given.\n${HELP}`);
    expect(await err('setpci -s')).toBe(`setpci: Option -s requires an argument.\n${HELP}`);
    expect(await err('setpci -x 4')).toBe(`setpci: Invalid option -x.\n${HELP}`);
    expect(await err('setpci -vx -s 4 COMMAND')).toBe(`setpci: Invalid or misplaced option -x.\n${HELP}`);
    expect(await err('setpci -s 4 CAP_MSI@1.w')).toBe(`setpci: Invalid number "1.w".\n${HELP}`);
  });

  it('reports run-time errors and warnings as setpci does', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    expect(await runTool(k, 'setpci -s 0 CAP_MSI.w')).toEqual({
      status: 1,
      stdout: '',
      stderr: 'setpci: 0000:00:00.0: Instance #0 of Capability 0005 not found - there are no capabilities with that id.\n',
    });
    expect(await runTool(k, 'setpci -s 4 CAP_MSI.w@1')).toEqual({
      status: 1,
      stdout: '',
      stderr: 'setpci: 0000:00:04.0: Instance #1 of Capability 0005 not found - there is only 1 capability with that id.\n',
    });
    expect(await runTool(k, 'setpci -s 4 ECAP_AER.l')).toEqual({
      status: 1,
      stdout: '',
      stderr: 'setpci: 0000:00:04.0: Instance #0 of Extended capability 0001 not found - there are no capabilities with that id.\n',
    });
    expect(await runTool(k, 'setpci -s 4 COMMAND PRIMARY_BUS')).toEqual({
      status: 1,
      stdout: lines('0103'),
      stderr: 'setpci: 0000:00:04.0: Does not have register PRIMARY_BUS.\n',
    });
    // Alignment is checked against the offset relative to the capability, before anything runs.
    expect(await runTool(k, 'setpci -s 4 CAP_MSI+1.w')).toEqual({ status: 1, stdout: '', stderr: `setpci: Unaligned register address 01.\n${HELP}` });
    expect(await runTool(k, 'setpci -s 1f COMMAND')).toEqual({
      status: 0,
      stdout: '',
      stderr: 'setpci: Warning: No devices selected for operation group 1.\n',
    });
    expect(await runTool(k, 'setpci -f -s 1f COMMAND')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(await runTool(k, 'setpci -s 4 100.b')).toEqual({
      status: 0,
      stdout: lines('ff'),
      stderr: 'Warning: sysfs_read: tried to read 1 bytes at 256, but only 0 succeeded\n',
    });
  });

  it('--help, --version, --dumpregs', async () => {
    const { guest } = await bootGuest();
    const k = guest.kernel;
    const help = await runTool(k, 'setpci --help');
    expect(help.status).toBe(0);
    expect(help.stderr.startsWith('Usage: setpci [<options>] (<device>+ <reg>[=<values>]*)*\n')).toBe(true);
    expect(await runTool(k, 'setpci --version')).toEqual({ status: 0, stdout: 'setpci version 3.9.0\n', stderr: '' });
    const dump = (await runTool(k, 'setpci --dumpregs')).stdout.split('\n');
    expect(dump.slice(0, 4)).toEqual(['cap pos w name', '     00 W VENDOR_ID', '     02 W DEVICE_ID', '     04 W COMMAND']);
    expect(dump).toContain('  05 00 - CAP_MSI');
    expect(dump).toContain('0001 00 - ECAP_AER');
  });
});
