import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLayers, formatReport } from '../../scripts/check-layers';

/**
 * The layer check (scripts/check-layers.ts, rules in scripts/layer-rules.ts) on one small fake tree per
 * rule, on a clean tree, and on the real src/. Each fixture is a bundle of files (see fixtures/README.md)
 * written to a temporary directory.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const made: string[] = [];

function fixture(name: string): string {
  const text = readFileSync(new URL(`./fixtures/${name}.txt`, import.meta.url), 'utf8');
  const root = mkdtempSync(path.join(tmpdir(), `edu-lab-layers-${name}-`));
  made.push(root);
  for (const [, file, body] of text.matchAll(/^=== (\S+)\n([\s\S]*?)(?=^=== |(?![\s\S]))/gm)) {
    const target = path.join(root, file!);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, body!);
  }
  return root;
}

function violations(root: string): string[] {
  return checkLayers(root).violations.map((v) => `${v.file}:${v.line}: ${v.message}`);
}

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const onlyMachine = '(machine may import only machine, common, Node built-ins)';
const electronRule = '(electron only in hosts/electron, entry, preload)';
const domRule = '(the DOM only in renderer)';

const expected: Record<string, string[]> = {
  common: [
    'src/common/api.ts:1: common must not import <reference types="node"> (no Node built-ins in common)',
    'src/common/api.ts:2: common must not import <reference lib="dom"> (the DOM only in renderer)',
    'src/common/api.ts:4: common must not import node:fs (no Node built-ins in common)',
    'src/common/api.ts:5: common must not import path (no Node built-ins in common)',
    'src/common/api.ts:6: common must not import worker_threads (no Node built-ins in common)',
    'src/common/api.ts:7: common must not import zod (no npm packages in common)',
    `src/common/api.ts:8: common must not import electron ${electronRule}`,
    'src/common/api.ts:9: common must not import src/main/machine/machine.ts (common may import only common)',
  ],
  machine: [
    `src/main/machine/machine.ts:1: machine must not import <reference lib="dom"> ${domRule}`,
    `src/main/machine/machine.ts:5: machine must not import src/main/guest/kernel.ts ${onlyMachine}`,
    `src/main/machine/machine.ts:6: machine must not import src/main/session/recorder.ts ${onlyMachine}`,
    `src/main/machine/machine.ts:7: machine must not import src/main/lab.ts ${onlyMachine}`,
    `src/main/machine/machine.ts:8: machine must not import src/main/lab/part.ts ${onlyMachine}`,
    `src/main/machine/machine.ts:9: machine must not import src/main/hosts/cli.ts ${onlyMachine}`,
    `src/main/machine/machine.ts:10: machine must not import src/main/index.ts ${onlyMachine}`,
    `src/main/machine/machine.ts:11: machine must not import src/renderer/store.ts ${onlyMachine}`,
    `src/main/machine/machine.ts:12: machine must not import src/preload/bridge.ts ${onlyMachine}`,
    `src/main/machine/machine.ts:13: machine must not import electron ${electronRule}`,
    `src/main/machine/machine.ts:14: machine must not import vue ${domRule}`,
    `src/main/machine/machine.ts:15: machine must not import pinia ${domRule}`,
    `src/main/machine/machine.ts:16: machine must not import @xterm/xterm ${domRule}`,
    'src/main/machine/machine.ts:17: machine must not import zod (no npm packages in machine)',
  ],
  guest: [
    'src/main/guest/driver.ts:4: guest must not import src/main/machine/pci/pci-bus.ts (guest may import from machine only src/main/machine/platform.ts)',
    'src/main/guest/driver.ts:5: guest must not import src/main/machine/trace.ts (guest may import from machine only src/main/machine/platform.ts)',
    'src/main/guest/driver.ts:6: guest must not import src/main/session/recorder.ts (guest may import only guest, common, src/main/machine/platform.ts)',
    'src/main/guest/driver.ts:7: guest must not import src/main/lab.ts (guest may import only guest, common, src/main/machine/platform.ts)',
    'src/main/guest/driver.ts:8: guest must not import src/main/hosts/cli.ts (guest may import only guest, common, src/main/machine/platform.ts)',
    'src/main/guest/driver.ts:9: guest must not import node:fs (no Node built-ins in guest)',
    `src/main/guest/driver.ts:10: guest must not import electron ${electronRule}`,
    `src/main/guest/driver.ts:11: guest must not import vue ${domRule}`,
  ],
  session: [
    'src/main/session/recorder.ts:5: session must not import src/main/machine/machine.ts (session may import from machine only src/main/machine/trace.ts, src/main/machine/platform.ts)',
    'src/main/session/recorder.ts:6: session must not import src/main/guest/kernel.ts (session may import only session, common, src/main/machine/trace.ts, src/main/machine/platform.ts, Node built-ins)',
    'src/main/session/recorder.ts:7: session must not import src/main/lab.ts (session may import only session, common, src/main/machine/trace.ts, src/main/machine/platform.ts, Node built-ins)',
    'src/main/session/recorder.ts:8: session must not import src/main/hosts/cli.ts (session may import only session, common, src/main/machine/trace.ts, src/main/machine/platform.ts, Node built-ins)',
    `src/main/session/recorder.ts:9: session must not import electron ${electronRule}`,
    `src/main/session/recorder.ts:10: session must not import @xterm/xterm ${domRule}`,
  ],
  lab: [
    'src/main/lab/index.ts:6: lab must not import src/main/hosts/cli.ts (lab may import only lab, machine, guest, session, common, Node built-ins)',
    'src/main/lab/index.ts:7: lab must not import src/main/hosts/electron/window.ts (lab may import only lab, machine, guest, session, common, Node built-ins)',
    `src/main/lab/index.ts:8: lab must not import electron ${electronRule}`,
    `src/main/lab/index.ts:9: lab must not import pinia ${domRule}`,
    'src/main/lab/index.ts:10: lab must not import zod (no npm packages in lab)',
  ],
  hosts: [
    'src/main/hosts/electron/window.ts:4: hosts/electron must not import src/main/index.ts (hosts/electron may import only hosts/electron, hosts, lab, machine, guest, session, common, resources, Node built-ins, npm packages, electron)',
    'src/main/hosts/electron/window.ts:5: hosts/electron must not import src/renderer/store.ts (hosts/electron may import only hosts/electron, hosts, lab, machine, guest, session, common, resources, Node built-ins, npm packages, electron)',
    'src/main/hosts/web/server.ts:5: hosts must not import src/main/hosts/electron/window.ts (hosts may import only hosts, lab, machine, guest, session, common, Node built-ins, npm packages)',
    'src/main/hosts/web/server.ts:6: hosts must not import src/main/index.ts (hosts may import only hosts, lab, machine, guest, session, common, Node built-ins, npm packages)',
    `src/main/hosts/web/server.ts:7: hosts must not import electron ${electronRule}`,
    `src/main/hosts/web/server.ts:8: hosts must not import vue ${domRule}`,
  ],
  entry: [
    'src/main/index.ts:3: entry must not import src/main/lab.ts (entry may import only hosts/electron, resources, electron)',
    'src/main/index.ts:4: entry must not import node:path (no Node built-ins in entry)',
  ],
  preload: [
    'src/preload/index.ts:4: preload must not import src/main/lab.ts (preload may import only preload, common, electron)',
    'src/preload/index.ts:5: preload must not import node:fs (no Node built-ins in preload)',
    `src/preload/index.ts:6: preload must not import vue ${domRule}`,
  ],
  renderer: [
    'src/renderer/App.vue:6: renderer must not import fs (no Node built-ins in renderer)',
    'src/renderer/main.ts:4: renderer must not import src/main/lab.ts (renderer may import only renderer, common, npm packages, the DOM)',
    'src/renderer/main.ts:5: renderer must not import src/preload/index.ts (renderer may import only renderer, common, npm packages, the DOM)',
    `src/renderer/main.ts:6: renderer must not import electron ${electronRule}`,
    'src/renderer/main.ts:7: renderer must not import node:path (no Node built-ins in renderer)',
  ],
  tests: [
    'src/main/guest/shell.test.ts:4: guest must not import src/main/machine/machine.ts (guest may import from machine only src/main/machine/platform.ts)',
    'src/main/guest/shell.test.ts:5: guest must not import node:fs (no Node built-ins in guest)',
    'src/main/guest/shell.ts:1: guest must not import test/support/guest.ts (only tests import from outside src)',
    'src/main/guest/shell.ts:2: guest must not import vitest (no npm packages in guest)',
    'src/main/guest/shell.ts:3: guest must not import package.json (only tests import from outside src)',
  ],
  'import-forms': [
    ...[3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map(
      (line) => `src/main/machine/forms.ts:${line}: machine must not import src/main/guest/${'abcdefghijkl'[line - 3]}.ts ${onlyMachine}`,
    ),
    `src/main/machine/forms.ts:15: machine must not import src/main/guest/m/index.ts ${onlyMachine}`,
    `src/main/machine/forms.ts:18: machine must not import src/main/guest/n.vue ${onlyMachine}`,
    `src/main/machine/panel.vue:5: machine must not import src/main/guest/p.ts ${onlyMachine}`,
  ],
  unknown: [
    'src/main/machine/clock.ts:1: machine must not import src/main/util.ts (src/main/util.ts is in no layer)',
    'src/main/machine/clock.ts:2: machine must not import ./missing-worker?modulePath (no such file)',
    'src/main/util.ts:1: belongs to no layer (add it to one in scripts/layer-rules.ts)',
  ],
};

describe('check-layers', () => {
  it('passes a tree that uses every allowed import', () => {
    const report = checkLayers(fixture('clean'));
    expect(report.violations).toEqual([]);
    expect(report.files).toBe(20);
  });

  it.each(Object.entries(expected))('reports the %s rules', (name, lines) => {
    expect(violations(fixture(name))).toEqual(lines);
  });

  it('passes the real tree', () => {
    const report = checkLayers(repoRoot);
    expect(report.files).toBeGreaterThan(0);
    expect(formatReport(report)).toMatch(/follow the layering/);
  });

  it('runs from the command line: exit 1 and one line per violation, exit 0 when clean', () => {
    const run = (root: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-layers.ts', root], { cwd: repoRoot, encoding: 'utf8' });
    const bad = run(fixture('entry'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      [
        ...expected.entry!,
        '',
        'check-layers: 2 violations in 1 of 3 files (rules: scripts/layer-rules.ts).',
        '',
      ].join('\n'),
    );
    const good = run(fixture('clean'));
    expect(good.stderr).toBe('');
    expect(good.stdout).toBe('check-layers: 20 files under src follow the layering.\n');
    expect(good.status).toBe(0);
  });
});
