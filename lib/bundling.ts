/**
 * How one Lambda is bundled: esbuild, ESM, minified, for the Node.js 24 runtime. The guard stack
 * builds every function with these options; the benchmarks measure the same bundle.
 *
 * The output directory holds `index.mjs` (ESM by extension, so no package.json is needed next to
 * it) with the handler exported as `handler`, plus `chunks/*.mjs`: code splitting moves what the
 * SDK only loads on demand (SSO, STS and other credential providers, event streams) out of the
 * import path, which keeps the cold import short. Deploy the whole directory
 * (`Code.fromAsset(outdir)`, handler `index.handler`). Nothing depends on the CPU architecture, so
 * one bundle serves arm64 and x86_64. The AWS SDK is bundled rather than taken from the runtime, so
 * the version that was tested is the version that runs. Deployed bundles carry source maps
 * (`index.mjs.map`, read with `NODE_OPTIONS=--enable-source-maps`); their size budgets count code only.
 *
 * @module
 */
import { type BuildOptions, type BuildResult, build, buildSync } from 'esbuild';

/** The bundle's file name inside its output directory. */
export const BUNDLE_FILE = 'index.mjs';

/**
 * Lets bundled CommonJS dependencies `require()` Node built-ins from inside an ES module, which
 * esbuild's ESM output cannot do on its own ("Dynamic require of ... is not supported").
 */
export const REQUIRE_BANNER =
  "import { createRequire as __fluxguardCreateRequire } from 'node:module'; const require = __fluxguardCreateRequire(import.meta.url);";

/**
 * The AWS SDK's credential sources that the default chain imports only on demand, after the
 * environment: in Lambda the runtime sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, so the chain stops at the environment and none of these is ever loaded. They
 * are left out of the bundle (about 250 KB of on-demand chunks: SSO, STS, profile files, container
 * and instance metadata); were one ever needed, the runtime's own copy of the SDK would serve it.
 * Everything the functions run is still bundled at the version the tests ran.
 */
export const LAMBDA_UNUSED_CREDENTIAL_PROVIDERS = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
  '@smithy/credential-provider-imds',
] as const;

/** Options of {@link lambdaBundleOptions}. */
export interface LambdaBundleOptions {
  /**
   * Write a source map beside every output file.
   * @default false
   */
  readonly sourcemap?: boolean;
}

/** esbuild options that bundle `entry` into `<outdir>/index.mjs`. */
export function lambdaBundleOptions(
  entry: string,
  outdir: string,
  options: LambdaBundleOptions = {},
): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
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
    external: [...LAMBDA_UNUSED_CREDENTIAL_PROVIDERS],
    legalComments: 'none',
    sourcemap: options.sourcemap ?? false,
    // Stack traces need the mappings, not a copy of every source file: keeps the maps (and the
    // work Node does to load them with --enable-source-maps) small.
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  };
}

/** Bundles one Lambda; the result's metafile lists every input and output file with its size. */
export async function bundleLambda(
  entry: string,
  outdir: string,
  options: LambdaBundleOptions = {},
): Promise<BuildResult<{ metafile: true }>> {
  return build({ ...lambdaBundleOptions(entry, outdir, options), metafile: true });
}

/**
 * Bundles one Lambda synchronously, as a CDK construct must: the guard functions are bundled
 * this way, with source maps, at synth time.
 */
export function bundleLambdaSync(
  entry: string,
  outdir: string,
  options: LambdaBundleOptions = {},
): BuildResult<{ metafile: true }> {
  return buildSync({ ...lambdaBundleOptions(entry, outdir, options), metafile: true });
}

/** Sizes of a bundle's code from its metafile (source maps left out): every file, and the files loaded by importing `index.mjs`. */
export function bundleSizes(result: BuildResult<{ metafile: true }>): {
  total: number;
  initial: number;
  files: number;
} {
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((path) => path.endsWith(`/${BUNDLE_FILE}`) || path === BUNDLE_FILE);
  const initial = new Set<string>();
  const visit = (path: string): void => {
    if (initial.has(path) || !outputs[path]) return;
    initial.add(path);
    for (const dependency of outputs[path].imports)
      if (dependency.kind === 'import-statement') visit(dependency.path);
  };
  if (entry) visit(entry);
  const sum = (paths: Iterable<string>) =>
    [...paths].reduce((total, path) => total + (outputs[path]?.bytes ?? 0), 0);
  const code = Object.keys(outputs).filter((path) => !path.endsWith('.map'));
  return { total: sum(code), initial: sum(initial), files: code.length };
}
