/**
 * The layout's rules, checked on every file so they hold as the tree grows: each library's
 * index.ts is its only door, Lambda entries are imported by nobody but their own tests, and
 * environment variables are read only where a function is composed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['bin', 'bench', 'cli', 'lambdas', 'lib', 'sandbox', 'test'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(root, dir)));
const repoPath = (absolute: string) => relative(root, absolute).split(sep).join('/');

/** Every relative module specifier a file names: static and dynamic imports, re-exports, vi.mock. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|vi\.mock\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)];
  return specifiers.map((match) => repoPath(resolve(dirname(file), match[1] ?? '')).replace(/\.js$/, '.ts'));
}

/** The library a path belongs to (`lambdas/revert`, `sandbox`), or undefined for anything else. */
function libraryOf(path: string): string | undefined {
  if (path.startsWith('sandbox/')) return 'sandbox';
  const match = /^lambdas\/([^/]+)\//.exec(path);
  if (!match || match[1] === 'functions') return undefined;
  return `lambdas/${match[1]}`;
}

/** The function entry a path belongs to (`lambdas/functions/flux-webhook`), or undefined. */
function functionOf(path: string): string | undefined {
  return /^(lambdas\/functions\/[^/]+)\//.exec(path)?.[1];
}

/** The tests of a library or function mirror it: `test/lambdas/revert/` for `lambdas/revert`. */
function testsOf(unit: string): string {
  return `test/${unit}/`;
}

describe('the layout', () => {
  it('reaches every library only through its index.ts from outside it', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = repoPath(file);
      for (const target of importsOf(file)) {
        const library = libraryOf(target);
        if (!library || from.startsWith(`${library}/`) || from.startsWith(testsOf(library))) continue;
        if (target !== `${library}/index.ts` && target !== library) violations.push(`${from} → ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('imports a Lambda entry only from its own tests, never from a library', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = repoPath(file);
      for (const target of importsOf(file)) {
        const entry = functionOf(target);
        if (!entry || from.startsWith(`${entry}/`) || from.startsWith(testsOf(entry))) continue;
        violations.push(`${from} → ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('reads process.env in Lambda code only where a function is composed (its index.ts and config.ts)', () => {
    const readers = files
      .map(repoPath)
      .filter((path) => path.startsWith('lambdas/'))
      .filter((path) => !/^lambdas\/functions\/[^/]+\/(index|config)\.ts$/.test(path))
      .filter((path) =>
        /\bprocess\.env\b/.test(readFileSync(join(root, path), 'utf8').replace(/^\s*\*.*$/gm, '')),
      );
    expect(readers).toEqual([]);
  });
});
