/**
 * What every benchmark shares: percentiles on one scale, the median, and one line naming the
 * machine and its load, so figures taken on a shared, noisy machine can be read for what they are.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * The `p`th percentile (0–100) of ascending `sorted` values, nearest-rank.
 *
 * @example percentile([1, 2, 3, 4], 50) // 2
 */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** The median of `values` (any order). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] ?? Number.NaN;
  return ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/** The one-minute load average now. */
export function currentLoad(): number {
  return loadavg()[0] ?? 0;
}

/**
 * `2 × <CPU model>, 24 GiB, Node.js v24.9.0, load average 1.2 → 3.4`: the machine a figure was
 * taken on and the load before and after.
 */
export function machineLine(loadBefore: number): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, load average ${loadBefore.toFixed(1)} → ${currentLoad().toFixed(1)}`;
}

/** Today as `YYYY-MM-DD`, for the heading of a results section. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Replaces the `## <heading>` section of docs/BENCHMARKS.md with `section` (which starts with that
 * heading), or appends it when the document has none, keeping every other section as it is.
 */
export function writeResultsSection(heading: string, section: string): void {
  const docs = fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));
  const current = readFileSync(docs, 'utf8');
  const start = current.indexOf(`## ${heading}\n`);
  let next: string;
  if (start < 0) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    const after = current.indexOf('\n## ', start + 1);
    next = `${current.slice(0, start)}${section}${after < 0 ? '' : `\n${current.slice(after + 1)}`}`;
  }
  writeFileSync(docs, next.endsWith('\n') ? next : `${next}\n`);
}
