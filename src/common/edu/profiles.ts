/** The QEMU releases whose edu device the lab can reproduce (the machine holds what differs). */
export const EDU_PROFILE_NAMES = ['upstream', 'qemu-7.2', 'qemu-4.0'] as const;
export type EduProfileName = (typeof EDU_PROFILE_NAMES)[number];

export function isEduProfileName(s: unknown): s is EduProfileName {
  return typeof s === 'string' && (EDU_PROFILE_NAMES as readonly string[]).includes(s);
}
