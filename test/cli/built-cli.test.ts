import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = `${root}bin/edu-lab.mjs`;

function edulab(args: string[], input: string | ((write: (s: string) => void) => void)): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    if (typeof input === 'string') child.stdin.end(input);
    else input((s) => child.stdin.write(s));
  });
}

/** The command line as a user runs it: `npx edu-lab`, the built bundle and its worker chunk. */
describe('npx edu-lab (the built command line)', () => {
  beforeAll(() => {
    if (!existsSync(`${root}out/main/cli.js`)) throw new Error('out/main/cli.js is missing: run `npm run build` first (npm test does)');
  });

  it('runs a script from standard input', async () => {
    const r = await edulab(['run', '--deterministic', '-'], 'modprobe edu use_msi=1\nedu fact 5 --irq\ngrep_this_is_not_a_tool\n');
    expect(r.stdout).toMatch(/^5! = 120 \(0x00000078\) in .* \(interrupt\)\n$/);
    expect(r.stderr).toBe('sh: grep_this_is_not_a_tool: not found\n');
    expect(r.status).toBe(127);
  });

  it('reports usage errors with status 2', async () => {
    const r = await edulab(['run', '--profile', 'qemu-9', 'x'], '');
    expect(r).toEqual({ status: 2, stdout: '', stderr: "edu-lab: unknown profile 'qemu-9' (one of upstream, qemu-7.2, qemu-4.0)\nTry 'edu-lab --help' for more information.\n" });
    const missing = await edulab(['run', '/nonexistent/script.sh'], '');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('edu-lab: cannot read /nonexistent/script.sh');
  });

  it('gives the guest console on the terminal; Ctrl-A X quits', async () => {
    const r = await edulab(['shell', '--deterministic'], (write) => {
      setTimeout(() => write('uname -r\r'), 300);
      setTimeout(() => write('\x01x'), 1500);
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('SeaBIOS (version edu-lab)');
    expect(r.stdout).toMatch(/root@edu-lab:~# (\x1b\[J)?uname -r\r\n6\.1\.0-edu-lab\r\n/);
    expect(r.stderr).toContain('Ctrl-A X quits');
  });
});
