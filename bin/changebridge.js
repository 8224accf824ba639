#!/usr/bin/env node
// The `changebridge` command runs the compiled CLI (`npm run build`, which `npm ci` runs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'changebridge: not built yet: run `npm run build` (npm ci does it for you)\n',
  );
  process.exit(1);
}
await import(entry.href);
