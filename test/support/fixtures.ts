import { readFileSync } from 'node:fs';

const root = new URL('../fixtures/', import.meta.url);

/** The raw text of `test/fixtures/<path>`, byte for byte. */
export function fixtureText(path: string): string {
  return readFileSync(new URL(path, root), 'utf8');
}

/** `test/fixtures/<path>` parsed as JSON. */
export function fixtureJson<T = unknown>(path: string): T {
  return JSON.parse(fixtureText(path)) as T;
}
