#!/usr/bin/env node
// `npx edu-lab ...`: runs the built command line (out/main/cli.js), building it first if needed.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('edu-lab: building the app first (npm run build)...\n');
  const { build } = await import('electron-vite');
  await build({ logLevel: 'error' });
}
await import(cli);
