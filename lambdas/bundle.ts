/**
 * How one Lambda is bundled: esbuild, ESM, minified, for the Node.js 24 runtime. The guard stack
 * builds every function with these options; the benchmarks measure the same bundle.
 *
 * The output is `index.mjs` (ESM by extension, so no package.json is needed next to it) with the
 * handler exported as `handler`. Nothing depends on the CPU architecture, so one bundle serves
 * arm64 and x86_64. The AWS SDK is bundled rather than taken from the runtime, so the version that
 * was tested is the version that runs.
 *
 * @module
 */
import { type BuildOptions, type BuildResult, build } from 'esbuild';

/** The bundle's file name inside its output directory. */
export const BUNDLE_FILE = 'index.mjs';

/**
 * Lets bundled CommonJS dependencies `require()` Node built-ins from inside an ES module, which
 * esbuild's ESM output cannot do on its own ("Dynamic require of ... is not supported").
 */
export const REQUIRE_BANNER =
  "import { createRequire as __fluxguardCreateRequire } from 'node:module'; const require = __fluxguardCreateRequire(import.meta.url);";

/** esbuild options that bundle `entry` into `<outdir>/index.mjs`. */
export function lambdaBundleOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    minify: true,
    treeShaking: true,
    // Prefer the ESM builds of dual packages (the AWS SDK, Powertools), which tree-shake better.
    mainFields: ['module', 'main'],
    conditions: ['module', 'import'],
    banner: { js: REQUIRE_BANNER },
    legalComments: 'none',
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
  };
}

/** Bundles one Lambda; the result's metafile lists every input and the output size. */
export async function bundleLambda(entry: string, outdir: string): Promise<BuildResult<{ metafile: true }>> {
  return build({ ...lambdaBundleOptions(entry, outdir), metafile: true });
}
