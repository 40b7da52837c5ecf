import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledGuardFunction, type GuardFunctionName } from '../../lib/constructs/guard-function.js';

/** Largest code (entry and chunks, source maps left out) each guard function may deploy. */
const BUDGETS: Record<GuardFunctionName, number> = {
  'flux-webhook': 500 * 1024,
  'incident-worker': 3.5 * 1024 * 1024,
  'slack-notifier': 400 * 1024,
};

/** Bytes of every file under `directory` whose name does not end in `.map`. */
function codeBytes(directory: string): number {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(directory, entry))
    .filter((path) => !path.endsWith('.map') && statSync(path).isFile())
    .reduce((total, path) => total + statSync(path).size, 0);
}

describe('the guard functions, bundled as the guard stack bundles them', () => {
  it.each(Object.entries(BUDGETS) as Array<[GuardFunctionName, number]>)(
    '%s stays under its budget of %d bytes, with a source map beside it',
    (name, budget) => {
      // Act: fails when the entry does not exist, as cdk synth does.
      const outdir = bundledGuardFunction(name);

      // Assess
      const bytes = codeBytes(outdir);
      expect(bytes).toBeGreaterThan(5_000);
      expect(bytes).toBeLessThan(budget);
      expect(readdirSync(outdir)).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
    },
    120_000,
  );
});
