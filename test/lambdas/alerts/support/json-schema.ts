/**
 * A validator for the JSON Schema constructs the Amazon Q Developer notification schema uses
 * (`type` object/string/array/boolean, `const`, `required`, `properties`, `items`,
 * `additionalProperties`), which fails on any other keyword rather than ignoring it.
 */
export interface JsonSchema {
  type?: 'object' | 'string' | 'array' | 'boolean';
  const?: unknown;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  description?: string;
  title?: string;
  $schema?: string;
}

const KNOWN = new Set([
  'type',
  'const',
  'required',
  'properties',
  'items',
  'additionalProperties',
  'description',
  'title',
  '$schema',
]);

/** Every way `value` breaks `schema`, as `path: problem`; empty when it is valid. */
export function schemaErrors(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const unknown = Object.keys(schema).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw new Error(`${path}: the validator does not know ${unknown.join(', ')}`);
  const errors: string[] = [];
  if ('const' in schema && value !== schema.const)
    errors.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (schema.type && actual !== schema.type)
    return [...errors, `${path}: must be ${schema.type}, is ${actual}`];
  if (actual === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in record)) errors.push(`${path}.${key}: required`);
    for (const [key, inner] of Object.entries(record)) {
      const sub = schema.properties?.[key];
      if (sub) errors.push(...schemaErrors(sub, inner, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
      else if (typeof schema.additionalProperties === 'object')
        errors.push(...schemaErrors(schema.additionalProperties, inner, `${path}.${key}`));
    }
  }
  if (actual === 'array' && schema.items)
    (value as unknown[]).forEach((item, index) => {
      errors.push(...schemaErrors(schema.items as JsonSchema, item, `${path}[${index}]`));
    });
  return errors;
}
