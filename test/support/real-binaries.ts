import { spawnSync } from 'node:child_process';

/**
 * The path of the first of `names` found on PATH (or in the environment variable `override`),
 * or `undefined`. Tests that need a real peer skip only when it is truly absent, saying how to
 * install it; `.ci/run` installs them so CI never skips.
 */
export function findBinary(names: readonly string[], override?: string): string | undefined {
  const configured = override ? process.env[override]?.trim() : undefined;
  if (configured) return configured;
  for (const name of names) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    const path = found.stdout.trim();
    if (found.status === 0 && path) return path;
  }
  return undefined;
}

/** The line printed when a real-peer test is skipped. */
export function missingBinaryMessage(what: string, debianPackage: string): string {
  return `${what} not found: skipping. Install it with "apt-get install ${debianPackage}" (Debian/Ubuntu), as .ci/run does.`;
}
