import type { SystemName } from '../model/index.js';
import { FIELD_WRITABLE_SYSTEMS, isReadOnlyTarget } from './known-values.js';
import { parsePath } from './path.js';
import type { MappingProblem } from './problems.js';
import type { FieldSpec, MapValue } from './schema.js';
import type { CompiledTransform } from './transforms.js';

/** Where an `out`/`both` field is written, and the inverted value map to write it with. */
export interface WriteTarget {
  path: readonly string[];
  text: string;
  map: ReadonlyMap<string, MapValue> | null;
}

interface Args {
  system: SystemName;
  spec: FieldSpec;
  from: readonly string[];
  map: ReadonlyMap<string, MapValue> | null;
  transforms: readonly CompiledTransform[];
  problems: MappingProblem[];
  at: (path: (string | number)[], message: string) => MappingProblem;
}

/**
 * Compiles the reverse half of a field. Refuses what could never be written: Git-host
 * records, several sources, list positions, vendor-owned paths and lossy transforms.
 */
export function compileWriteTarget(a: Args): WriteTarget | null {
  const { system, spec, problems, at } = a;
  a.transforms.forEach((t, i) => {
    if (!t.reverse) {
      problems.push(
        at(
          ['transform', i],
          `transform "${t.name}" cannot be reversed, so this field cannot be written back; use \`direction: in\``,
        ),
      );
    }
  });
  const text = spec.to ?? (spec.from !== undefined && a.from.length === 1 ? a.from[0] : undefined);
  const where = [spec.to ? 'to' : 'from'];
  if (!FIELD_WRITABLE_SYSTEMS.has(system)) {
    problems.push(
      at(
        ['direction'],
        `${system} records are not written field by field (changebridge posts statuses there); use \`direction: in\``,
      ),
    );
    return null;
  }
  if (text === undefined) {
    problems.push(
      at(
        ['direction'],
        'an out/both field needs one writable target: add `to: <path>` (several `from` paths, `collect` and `value` have none)',
      ),
    );
    return null;
  }
  let segs;
  try {
    segs = parsePath(text);
  } catch (err) {
    problems.push(at(where, (err as Error).message));
    return null;
  }
  if (segs.some((s) => typeof s !== 'string' || s === '*')) {
    problems.push(
      at(
        where,
        `"${text}" is not writable: list indexes and "*" cannot be a write target; add \`to:\``,
      ),
    );
    return null;
  }
  if (isReadOnlyTarget(system, text)) {
    problems.push(
      at(where, `"${text}" is read-only in ${system}; add \`to:\` naming a writable field`),
    );
    return null;
  }
  let reverse: Map<string, MapValue> | null = null;
  if (a.map) {
    reverse = new Map();
    // The first source value listed for a canonical value is the one written back.
    for (const [src, canon] of a.map)
      if (!reverse.has(String(canon))) reverse.set(String(canon), src);
  }
  return { path: segs as string[], text, map: reverse };
}
