/**
 * Words for what config/decode.ts finds: field, bit and timing names in the current language. Kept
 * apart from the decoding so that stays free of the UI's messages.
 */
import { t, type MessageKey } from '../../i18n';
import { hex2, type CommandBitId, type Devsel, type Field, type FieldId, type StatusBitId } from './decode';

const FIELD: Record<FieldId, MessageKey> = {
  vendorId: 'config.fieldVendorId',
  deviceId: 'config.fieldDeviceId',
  command: 'config.fieldCommand',
  status: 'config.fieldStatus',
  revision: 'config.fieldRevision',
  classCode: 'config.fieldClassCode',
  cacheLine: 'config.fieldCacheLine',
  latency: 'config.fieldLatency',
  headerType: 'config.fieldHeaderType',
  bist: 'config.fieldBist',
  bar: 'config.fieldBar',
  cardbus: 'config.fieldCardbus',
  subVendor: 'config.fieldSubVendor',
  subId: 'config.fieldSubId',
  rom: 'config.fieldRom',
  capPtr: 'config.fieldCapPtr',
  reserved: 'config.fieldReserved',
  intLine: 'config.fieldIntLine',
  intPin: 'config.fieldIntPin',
  minGnt: 'config.fieldMinGnt',
  maxLat: 'config.fieldMaxLat',
  capId: 'config.fieldCapId',
  capNext: 'config.fieldCapNext',
  msiControl: 'config.fieldMsiControl',
  msiAddrLo: 'config.fieldMsiAddrLo',
  msiAddrHi: 'config.fieldMsiAddrHi',
  msiData: 'config.fieldMsiData',
  msiMask: 'config.fieldMsiMask',
  msiPending: 'config.fieldMsiPending',
  deviceSpecific: 'config.fieldDeviceSpecific',
};

/** A field's name: "Interrupt line", "BAR0", "Capability ID (capability at 0x40)". */
export function fieldLabel(field: Field): string {
  return t(FIELD[field.id], { n: field.index ?? 0, cap: hex2(field.index ?? 0) });
}

export const COMMAND_DESC: Record<CommandBitId, MessageKey> = {
  io: 'config.cmdIo',
  mem: 'config.cmdMem',
  master: 'config.cmdMaster',
  special: 'config.cmdSpecial',
  mwi: 'config.cmdMwi',
  vgaSnoop: 'config.cmdVgaSnoop',
  parity: 'config.cmdParity',
  wait: 'config.cmdWait',
  serr: 'config.cmdSerr',
  fastB2b: 'config.cmdFastB2b',
  intxDisable: 'config.cmdIntxDisable',
};

export const STATUS_DESC: Record<StatusBitId, MessageKey> = {
  interrupt: 'config.stInterrupt',
  capList: 'config.stCapList',
  mhz66: 'config.stMhz66',
  udf: 'config.stUdf',
  fastB2b: 'config.stFastB2b',
  parity: 'config.stParity',
  sigTargetAbort: 'config.stSigTargetAbort',
  recTargetAbort: 'config.stRecTargetAbort',
  recMasterAbort: 'config.stRecMasterAbort',
  sigSystemError: 'config.stSigSystemError',
  detectedParity: 'config.stDetectedParity',
};

export const DEVSEL: Record<Devsel, MessageKey> = {
  fast: 'config.devselFast',
  medium: 'config.devselMedium',
  slow: 'config.devselSlow',
  reserved: 'config.devselReserved',
};

/** camelCase ids as test ids: intxDisable → intx-disable. */
export function kebab(id: string): string {
  return id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/^(\d)/, 'n$1');
}
