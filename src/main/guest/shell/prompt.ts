import { HOSTNAME, USER } from './session';

/** The working directory as bash's \w shows it: ~ for HOME and below it. */
export function displayDirectory(cwd: string, home: string): string {
  if (home !== '/' && home !== '') {
    if (cwd === home) return '~';
    if (cwd.startsWith(home + '/')) return '~' + cwd.slice(home.length);
  }
  return cwd;
}

/** PS1: `root@edu-lab:~# ` */
export function primaryPrompt(cwd: string, home: string): string {
  return `${USER}@${HOSTNAME}:${displayDirectory(cwd, home)}# `;
}

/** PS2, for the lines that continue an unfinished command. */
export const CONTINUATION_PROMPT = '> ';
