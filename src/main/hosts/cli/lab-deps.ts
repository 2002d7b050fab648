import type { LabOptions } from '../../lab/lab';

/** What a host supplies to build labs: the device-thread workers and the guest's userland. */
export type LabDeps = Pick<LabOptions, 'workers' | 'guest'>;
