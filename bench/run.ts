/**
 * Runs every `bench/*.bench.ts` in its own Node process, one after another, so one benchmark's
 * warm caches and JIT state never flatter the next. Each benchmark prints its own figures;
 * `docs/BENCHMARKS.md` records them with the machine they were taken on.
 *
 * Usage: `npm run bench` (all) or `npm run bench -- webhook` (names containing "webhook").
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches "${filter}" in ${dir}`);
  process.exit(64);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
