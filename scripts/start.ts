/**
 * `npm start`: build the app, make sure the Electron binary is on disk, and launch it.
 *
 * Electron 42+ downloads its binary on first use rather than at install time, and electron-vite does not
 * trigger that download. So we fetch it here, once, and if that is impossible (offline, a blocked proxy)
 * we say so in one sentence instead of a stack trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'electron-vite';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));

function installedBinary(): string | undefined {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative) : join(electronDir, 'dist', relative);
  return existsSync(binary) ? binary : undefined;
}

function downloadBinary(): string | undefined {
  console.log('edu-lab: fetching the Electron binary (first start only)...');
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  return installedBinary();
}

await build({});

const binary = installedBinary() ?? downloadBinary();
if (!binary) {
  console.error(
    'edu-lab: the Electron binary is not installed and could not be downloaded (no connection to its release server?). ' +
      'Run the same lab in your browser with `npm run serve`, or connect and run `npm start` again.',
  );
  process.exit(1);
}

const child = spawn(binary, ['.'], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
