/**
 * Builds a minimal instance of an OpenAPI 3.0 schema: every required property filled with
 * a value of the declared type/format/enum (examples preferred), optional ones left out.
 * Enough to turn the spec's `x-webhooks` schema into a payload the spec itself accepts.
 */
type Schema = Record<string, unknown>;

export function sampleFromSchema(schema: Schema, root: Schema, depth = 0): unknown {
  if (depth > 12) return null;
  const ref = schema.$ref;
  if (typeof ref === 'string') return sampleFromSchema(resolve(ref, root), root, depth + 1);
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list) && list.length > 0) {
      if (key !== 'allOf') return sampleFromSchema(list[0] as Schema, root, depth + 1);
      return Object.assign({}, ...list.map((s) => sampleFromSchema(s as Schema, root, depth + 1)));
    }
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.example !== undefined && typeof schema.example !== 'object') return schema.example;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return sampleString(schema.format);
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'null':
      return null;
    default: {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      const out: Record<string, unknown> = {};
      for (const name of required) {
        const prop = props[name];
        out[name] = prop ? sampleFromSchema(prop, root, depth + 1) : 'x';
      }
      return out;
    }
  }
}

function sampleString(format: unknown): string {
  switch (format) {
    case 'uri':
      return 'https://api.github.com/x';
    case 'date-time':
      return '2026-03-01T10:00:00Z';
    case 'email':
      return 'octocat@github.com';
    default:
      return 'x';
  }
}

function resolve(ref: string, root: Schema): Schema {
  let node: unknown = root;
  for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Schema)[part];
  if (!node) throw new Error(`unresolved $ref ${ref}`);
  return node as Schema;
}
