import { cat } from './cat';
import { devmem } from './devmem';
import { dmesg } from './dmesg';
import { free } from './free';
import { hexdump } from './hexdump';
import { ls } from './ls';
import { lsmod } from './lsmod';
import { lspci } from './lspci';
import { memfill } from './memfill';
import { modprobe } from './modprobe';
import { reboot } from './reboot';
import { rmmod } from './rmmod';
import { setpci } from './setpci';
import type { Tool } from './tool';
import { uname } from './uname';

/** The guest's userland, apart from the lab's own `edu` command. */
export const coreTools: readonly Tool[] = [
  cat,
  devmem,
  dmesg,
  free,
  hexdump,
  ls,
  lsmod,
  lspci,
  memfill,
  modprobe,
  reboot,
  rmmod,
  setpci,
  uname,
];
