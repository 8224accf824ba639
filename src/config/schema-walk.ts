import { z } from 'zod';
import type { ConfigPath } from './paths.js';
import { valueAt } from './paths.js';
import { expectedHints } from './schema-helpers.js';

type Schema = z.core.$ZodType;

/**
 * The wrapper chain at one position: `int(1, 65535).default(8080)` is a default around a
 * pipe around a number. Hints may sit on any layer, structure only on the innermost.
 */
function layers(schema: Schema): Schema[] {
  const chain = [schema];
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap();
    } else if (current instanceof z.ZodPipe) {
      // preprocess/transform pipes: the structure is on the side that is not a transform.
      current = current.in instanceof z.ZodTransform ? current.out : current.in;
    } else {
      return chain;
    }
    chain.push(current);
  }
}

/** For a discriminated union, the branch whose `type` matches what the file says. */
function pickOption(union: z.ZodUnion, value: unknown): Schema[] {
  const options = union.options.map((option) => layers(option).at(-1) as Schema);
  const type = valueAt(value, ['type']);
  const match = options.find((option) => {
    if (!(option instanceof z.ZodObject)) return false;
    const literal = option.shape['type'];
    return literal instanceof z.ZodLiteral && literal.values.has(type as never);
  });
  return match ? [match] : options;
}

function child(schema: Schema, segment: string | number, value: unknown): Schema | undefined {
  const inner = layers(schema).at(-1);
  if (inner instanceof z.ZodObject) return (inner.shape as Record<string, Schema>)[segment];
  if (inner instanceof z.ZodRecord) return inner.valueType as Schema;
  if (inner instanceof z.ZodArray) return inner.element as Schema;
  if (inner instanceof z.ZodUnion) {
    for (const option of pickOption(inner, value)) {
      const found = child(option, segment, value);
      if (found) return found;
    }
  }
  return undefined;
}

/** The schema at `path`, following the file's own values to choose union branches. */
export function schemaAt(root: Schema, path: ConfigPath, tree: unknown): Schema | undefined {
  let schema: Schema | undefined = root;
  for (const [i, segment] of path.entries()) {
    if (!schema) return undefined;
    schema = child(schema, segment, valueAt(tree, path.slice(0, i)));
  }
  return schema;
}

/** The structural schema under all default/optional/pipe wrappers. */
export function innermost(schema: Schema): Schema {
  return layers(schema).at(-1) as Schema;
}

export function expectedAt(root: Schema, path: ConfigPath, tree: unknown): string | undefined {
  const schema = schemaAt(root, path, tree);
  if (!schema) return undefined;
  for (const layer of layers(schema)) {
    const hint = expectedHints.get(layer);
    if (hint) return hint.expected;
  }
  return undefined;
}

/** Keys allowed in the mapping at `path`: the siblings "did you mean" chooses from. */
export function knownKeysAt(root: Schema, path: ConfigPath, tree: unknown): string[] {
  const schema = schemaAt(root, path, tree);
  const inner = schema && layers(schema).at(-1);
  const objects =
    inner instanceof z.ZodUnion ? pickOption(inner, valueAt(tree, path)) : inner ? [inner] : [];
  const keys = objects.flatMap((o) => (o instanceof z.ZodObject ? Object.keys(o.shape) : []));
  return [...new Set(keys)];
}
