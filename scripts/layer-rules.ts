/**
 * The layering of edu-lab as data (docs: /work/shared/docs/architecture.md, "Imports only go down").
 * scripts/check-layers.ts enforces it over every file under src/.
 *
 * A source file belongs to the first layer whose `paths` match it: a path ending in '/' is a folder
 * (everything below it), anything else is one file. Whatever a layer does not list, it must not import.
 */

/** What an import can point at besides a file of some layer. */
export type ModuleKind =
  | 'node' // a Node built-in: `node:fs`, `fs`, `worker_threads`, `/// <reference types="node" />`
  | 'electron' // `electron`, `electron/main`, ...
  | 'dom' // `/// <reference lib="dom" />` and the packages listed in `domPackages`
  | 'npm'; // any other package

export interface Layer {
  /** The name used in messages. */
  name: string;
  /** The files of the layer: 'dir/' is a folder, anything else one file. */
  paths: string[];
  /** Layers whose files it may import (list the layer itself to allow imports inside it). */
  layers: string[];
  /** Single files of layers not listed in `layers` that it may still import. */
  files?: string[];
  /** Kinds of modules it may import. */
  modules?: ModuleKind[];
}

/** Order matters: the first match wins (hosts/electron before hosts). */
export const layers: Layer[] = [
  // The contract shared by every process: no Node, no DOM, no electron, no packages.
  { name: 'common', paths: ['src/common/'], layers: ['common'] },
  // The emulated hardware knows nothing above it.
  { name: 'machine', paths: ['src/main/machine/'], layers: ['machine', 'common'], modules: ['node'] },
  // The guest sees the hardware as real software does: through the CPU's view of the platform.
  {
    name: 'guest',
    paths: ['src/main/guest/'],
    layers: ['guest', 'common'],
    files: ['src/main/machine/platform.ts'],
  },
  // The session records what the machine traces; it spills to disk and writes exports (Node).
  {
    name: 'session',
    paths: ['src/main/session/'],
    layers: ['session', 'common'],
    files: ['src/main/machine/trace.ts', 'src/main/machine/platform.ts'],
    modules: ['node'],
  },
  // The Lab: machine + guest + session, the only API the hosts call.
  {
    name: 'lab',
    paths: ['src/main/lab.ts', 'src/main/lab/'],
    layers: ['lab', 'machine', 'guest', 'session', 'common'],
    modules: ['node'],
  },
  // The Electron host: windows, IPC, menus, dialogs.
  {
    name: 'hosts/electron',
    paths: ['src/main/hosts/electron/'],
    layers: ['hosts/electron', 'hosts', 'lab', 'machine', 'guest', 'session', 'common', 'resources'],
    modules: ['node', 'npm', 'electron'],
  },
  // The other hosts (web, cli, shared): plain Node.
  {
    name: 'hosts',
    paths: ['src/main/hosts/'],
    layers: ['hosts', 'lab', 'machine', 'guest', 'session', 'common'],
    modules: ['node', 'npm'],
  },
  // The Electron entry: thin, it starts the Electron host.
  {
    name: 'entry',
    paths: ['src/main/index.ts'],
    layers: ['hosts/electron', 'resources'],
    modules: ['electron'],
  },
  // contextBridge: window.lab.
  { name: 'preload', paths: ['src/preload/'], layers: ['preload', 'common'], modules: ['electron'] },
  // The Vue app: gets a LabApi and never knows from whom.
  { name: 'renderer', paths: ['src/renderer/'], layers: ['renderer', 'common'], modules: ['npm', 'dom'] },
  // App assets (icons, imported with `?asset`). Outside src, so never checked as a source.
  { name: 'resources', paths: ['resources/'], layers: [] },
];

/** Packages that need a DOM: they count as 'dom', not 'npm'. 'scope/*' matches a whole scope. */
export const domPackages = ['vue', 'vue-router', 'pinia', '@vue/*', '@xterm/*'];

/**
 * Tests next to the code (`*.test.ts` in src) follow the rules of their layer, and may also import
 * anything outside src/ (test/support, fixtures) and the test runner.
 */
export const tests = {
  pattern: /\.test\.[cm]?[jt]sx?$/,
  packages: ['vitest'],
};

/** Files under src/ that are checked. */
export const sourcePattern = /\.([cm]?[jt]sx?|vue)$/;
