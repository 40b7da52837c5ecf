/** A Kubernetes object as `kubectl kustomize` prints it: only the type and object metadata are known. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** `Kind/namespace/name` (or `Kind/name` for cluster-scoped objects): how every failure names an object. */
export function objectRef(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${object.kind}/${namespace}/${name}` : `${object.kind}/${name}`;
}

/** Narrows an unknown value to a plain object, or returns undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Narrows an unknown value to an array, or returns an empty one. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Reads a nested field by path (`['spec', 'template', 'spec']`); undefined when any step is missing. */
export function field(value: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (typeof step === 'number') {
      current = Array.isArray(current) ? current[step] : undefined;
    } else {
      current = asRecord(current)?.[step];
    }
    if (current === undefined) return undefined;
  }
  return current;
}

/** Thrown when a document in built output is not a Kubernetes object. */
export class NotAKubeObjectError extends Error {
  override readonly name = 'NotAKubeObjectError';
}

/** Checks the shape every built document must have and returns it typed. */
export function toKubeObject(document: unknown, source: string): KubeObject {
  const record = asRecord(document);
  const metadata = asRecord(record?.metadata);
  if (
    !record ||
    typeof record.apiVersion !== 'string' ||
    typeof record.kind !== 'string' ||
    typeof metadata?.name !== 'string'
  ) {
    throw new NotAKubeObjectError(`${source}: a document has no apiVersion, kind or metadata.name`);
  }
  return record as KubeObject;
}
