import { parse, stringify } from 'yaml';
import type { KubeObject } from './kube-object.js';

/** The annotation that turns Flux post-build substitution off for one object. */
export const SUBSTITUTE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/substitute';

/** Thrown when a `${var}` has no value and no default, which Flux would silently blank. */
export class UnresolvedVariableError extends Error {
  override readonly name = 'UnresolvedVariableError';
}

// Flux's envsubst fork replaces only the braced form; `$var` (nginx, Grafana,
// Fluent Bit record accessors) is left alone. Names follow Flux's validation.
const VARIABLE = /\$\{([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-=])([^}]*))?\}/g;

/** The `${var}` names used in a text, in order of first appearance. */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1] ?? ''))];
}

/**
 * Applies `postBuild.substituteFrom` the way kustomize-controller does: per object, on its YAML text,
 * skipping objects annotated `kustomize.toolkit.fluxcd.io/substitute: disabled`. Unlike Flux it fails on
 * a variable with neither a value nor a default, so a typo cannot ship an empty string.
 */
export function substitute(object: KubeObject, variables: Readonly<Record<string, string>>): KubeObject {
  if (object.metadata.annotations?.[SUBSTITUTE_ANNOTATION] === 'disabled') return object;
  const text = stringify(object, { lineWidth: 0 });
  const missing: string[] = [];
  const replaced = text.replace(VARIABLE, (_match, name: string, operator?: string, fallback?: string) => {
    const value = variables[name];
    if (value !== undefined && !(operator?.startsWith(':') && value === '')) return value;
    if (operator !== undefined) return fallback ?? '';
    missing.push(name);
    return '';
  });
  if (missing.length > 0) {
    throw new UnresolvedVariableError(
      `${object.kind}/${object.metadata.name}: no value for \${${missing.join('}, ${')}}`,
    );
  }
  return parse(replaced) as KubeObject;
}
