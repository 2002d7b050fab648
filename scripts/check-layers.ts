/**
 * The architecture check: every import under src/ must follow the layering in scripts/layer-rules.ts.
 *
 *   npx tsx scripts/check-layers.ts [root]     exit 0 when clean, 1 with one line per violation
 *
 * Imports are read with the TypeScript parser (comments and strings cannot fool it): import and
 * `import type`, `export ... from`, `import x = require()`, dynamic `import()`, `require()`, `import('x')`
 * types, and `/// <reference path|types|lib>` directives, in .ts/.js files and in the <script> blocks of
 * .vue files. Type-only imports count: a layer must not even know the types of a layer above it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { domPackages, layers, sourcePattern, tests, type Layer, type ModuleKind } from './layer-rules';

export interface Violation {
  file: string;
  line: number;
  message: string;
}

export interface Report {
  files: number;
  violations: Violation[];
}

interface Reference {
  spec: string;
  line: number;
  /** How it was written: an import of any form, or a triple-slash directive. */
  via: 'import' | 'path' | 'types' | 'lib';
}

type Target =
  | { kind: 'file'; path: string; layer: Layer | undefined }
  | { kind: ModuleKind; name: string; shown: string }
  | { kind: 'unresolved'; shown: string };

/** Everything a file refers to, with the line of each reference. */
export function findReferences(fileName: string, text: string): Reference[] {
  const kind = /\.[jt]sx$/.test(fileName) ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, scriptOf(fileName, text), ts.ScriptTarget.Latest, false, kind);
  const found: Reference[] = [];
  const add = (spec: string, pos: number, via: Reference['via']): void => {
    found.push({ spec, line: sf.getLineAndCharacterOfPosition(pos).line + 1, via });
  };
  for (const r of sf.referencedFiles) add(r.fileName, r.pos, 'path');
  for (const r of sf.typeReferenceDirectives) add(r.fileName, r.pos, 'types');
  for (const r of sf.libReferenceDirectives) add(r.fileName, r.pos, 'lib');
  const visit = (node: ts.Node): void => {
    let spec: ts.Node | undefined;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) spec = node.moduleSpecifier;
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      spec = node.moduleReference.expression;
    } else if (ts.isCallExpression(node) && isImportOrRequire(node.expression)) spec = node.arguments[0];
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) spec = node.argument.literal;
    if (spec && ts.isStringLiteralLike(spec)) add(spec.text, spec.getStart(sf), 'import');
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found.sort((a, b) => a.line - b.line);
}

function isImportOrRequire(callee: ts.Expression): boolean {
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
}

/** A .vue file's <script> blocks, everything else blanked out so that positions and lines stay put. */
function scriptOf(fileName: string, text: string): string {
  if (!fileName.endsWith('.vue')) return text;
  let out = text.replace(/[^\n]/g, ' ');
  for (const m of text.matchAll(/(<script\b[^>]*>)([\s\S]*?)<\/script>/gi)) {
    const start = m.index + m[1]!.length;
    out = out.slice(0, start) + m[2]! + out.slice(start + m[2]!.length);
  }
  return out;
}

export function layerOf(relPath: string): Layer | undefined {
  return layers.find((l) => l.paths.some((p) => (p.endsWith('/') ? relPath.startsWith(p) : relPath === p)));
}

const resolveExtensions = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.vue', '.js', '.mjs', '.cjs', '.json'];

function isFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** `./x` -> x itself, x.ts (also for `./x.js`), x.vue, ..., x/index.ts, ... */
function resolveFile(abs: string): string | undefined {
  const candidates = [abs];
  if (/\.[cm]?jsx?$/.test(abs)) candidates.push(abs.replace(/\.([cm]?)js(x?)$/, '.$1ts$2'));
  candidates.push(...resolveExtensions.map((e) => abs + e));
  candidates.push(...resolveExtensions.map((e) => path.join(abs, `index${e}`)));
  return candidates.find(isFile);
}

export function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function moduleKind(spec: string): ModuleKind {
  const name = packageName(spec);
  if (spec.startsWith('node:') || builtinModules.includes(spec) || builtinModules.includes(name)) return 'node';
  if (name === 'electron') return 'electron';
  const isDom = domPackages.some((p) => (p.endsWith('/*') ? name.startsWith(p.slice(0, -1)) : name === p));
  return isDom ? 'dom' : 'npm';
}

function resolve(root: string, fromAbs: string, ref: Reference): Target | undefined {
  const spec = ref.spec.replace(/\?.*$/, ''); // ?modulePath, ?nodeWorker, ?asset, ?raw ...
  if (ref.via === 'lib') {
    return /^(dom|webworker)/i.test(spec) ? { kind: 'dom', name: spec, shown: `<reference lib="${spec}">` } : undefined;
  }
  if (ref.via === 'types') {
    const kind = spec === 'node' || spec === '@types/node' ? 'node' : moduleKind(spec);
    return { kind, name: packageName(spec), shown: `<reference types="${spec}">` };
  }
  if (ref.via === 'path' || spec.startsWith('.') || spec.startsWith('/')) {
    const abs = spec.startsWith('/') ? path.join(root, spec) : path.resolve(path.dirname(fromAbs), spec);
    const file = resolveFile(abs);
    if (!file) return { kind: 'unresolved', shown: ref.spec };
    const rel = path.relative(root, file).split(path.sep).join('/');
    return { kind: 'file', path: rel, layer: layerOf(rel) };
  }
  return { kind: moduleKind(spec), name: packageName(spec), shown: ref.spec };
}

const describeModule: Record<ModuleKind, string> = {
  node: 'Node built-ins',
  electron: 'electron',
  dom: 'the DOM',
  npm: 'npm packages',
};

function allowedList(from: Layer): string {
  const modules = (from.modules ?? []).map((m) => describeModule[m]);
  return [...from.layers, ...(from.files ?? []), ...modules].join(', ');
}

function layersAllowing(kind: ModuleKind): string {
  return layers.filter((l) => l.modules?.includes(kind)).map((l) => l.name).join(', ');
}

/** Why `from` must not import `target`, or undefined when it may. */
function breach(from: Layer, isTest: boolean, target: Target): string | undefined {
  if (target.kind === 'unresolved') return 'no such file';
  if (target.kind === 'file') {
    const { path: to, layer } = target;
    if (isTest && !to.startsWith('src/')) return undefined;
    if ((layer && from.layers.includes(layer.name)) || from.files?.includes(to)) return undefined;
    if (!layer) return to.startsWith('src/') ? `${to} is in no layer` : 'only tests import from outside src';
    const through = (from.files ?? []).filter((f) => layerOf(f) === layer);
    if (through.length > 0) return `${from.name} may import from ${layer.name} only ${through.join(', ')}`;
    return `${from.name} may import only ${allowedList(from)}`;
  }
  if (from.modules?.includes(target.kind)) return undefined;
  if (isTest && tests.packages.includes(target.name)) return undefined;
  switch (target.kind) {
    case 'electron':
      return `electron only in ${layersAllowing('electron')}`;
    case 'dom':
      return `the DOM only in ${layersAllowing('dom')}`;
    case 'node':
      return `no Node built-ins in ${from.name}`;
    case 'npm':
      return `no npm packages in ${from.name}`;
  }
}

function sourceFiles(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  return entries.flatMap((e) => {
    if (e.name.startsWith('.') || e.name === 'node_modules') return [];
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return sourcePattern.test(e.name) ? [full] : [];
  });
}

/** Checks every source file under `root`/src. */
export function checkLayers(root: string): Report {
  const srcDir = path.join(root, 'src');
  const files = statSync(srcDir, { throwIfNoEntry: false })?.isDirectory() ? sourceFiles(srcDir) : [];
  const violations: Violation[] = [];
  for (const abs of files) {
    const file = path.relative(root, abs).split(path.sep).join('/');
    const from = layerOf(file);
    if (!from) {
      violations.push({ file, line: 1, message: 'belongs to no layer (add it to one in scripts/layer-rules.ts)' });
      continue;
    }
    const isTest = tests.pattern.test(file);
    for (const ref of findReferences(file, readFileSync(abs, 'utf8'))) {
      const target = resolve(root, abs, ref);
      const why = target && breach(from, isTest, target);
      if (!target || !why) continue;
      const shown = target.kind === 'file' ? target.path : target.shown;
      violations.push({ file, line: ref.line, message: `${from.name} must not import ${shown} (${why})` });
    }
  }
  return { files: files.length, violations };
}

export function formatReport({ files, violations }: Report): string {
  const lines = violations.map((v) => `${v.file}:${v.line}: ${v.message}`);
  if (violations.length === 0) return `check-layers: ${files} files under src follow the layering.`;
  const inFiles = new Set(violations.map((v) => v.file)).size;
  const s = violations.length === 1 ? '' : 's';
  lines.push('', `check-layers: ${violations.length} violation${s} in ${inFiles} of ${files} files (rules: scripts/layer-rules.ts).`);
  return lines.join('\n');
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const root = path.resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
  const report = checkLayers(root);
  if (report.violations.length > 0) {
    console.error(formatReport(report));
    process.exitCode = 1;
  } else {
    console.log(formatReport(report));
  }
}
