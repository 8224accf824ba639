/**
 * `npm run bench [-- name…]`: runs every benchmark module in scripts/bench/ (or the named
 * ones). Each module's default export prints its own numbers next to a baseline measured
 * in the same run; nothing here asserts timings.
 */
import { readdirSync } from 'node:fs';

const dir = new URL('./bench/', import.meta.url);
const wanted = process.argv.slice(2);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();
if (names.length === 0) {
  console.error(
    `no benchmark named ${wanted.join(', ')}; available: ${readdirSync(dir).join(', ')}`,
  );
  process.exit(64);
}
for (const name of names) {
  console.log(`\n##### ${name}`);
  const mod = (await import(new URL(`${name}.ts`, dir).href)) as { default: () => Promise<void> };
  await mod.default();
}
