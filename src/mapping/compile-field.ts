import type { SystemName } from '../model/index.js';
import type { FieldType } from './canonical-fields.js';
import { suggestion } from '../util/did-you-mean.js';
import { KNOWN_SOURCE_VALUES } from './known-values.js';
import { compileGetter, parsePath, PathError } from './path.js';
import type { MappingSource } from './parse.js';
import type { MappingProblem } from './problems.js';
import type { Authority, Direction, FieldSpec, MapValue, Unwrap } from './schema.js';
import { compileTransform, type CompiledTransform } from './transforms.js';
import { compileWriteTarget, type WriteTarget } from './write-target.js';

/** One canonical field, compiled: plain closures and Maps, nothing interpreted per record. */
export interface CompiledField {
  name: string;
  type: FieldType;
  direction: Direction;
  authority: Authority | null;
  /** Source paths read (for preview's "unmapped" list). */
  sources: readonly string[];
  get: (record: unknown) => unknown;
  transforms: readonly CompiledTransform[];
  map: ReadonlyMap<string, MapValue> | null;
  hasElse: boolean;
  elseValue: MapValue;
  hasDefault: boolean;
  defaultValue: unknown;
  required: boolean;
  /** Write-back: target path segments and the reverse value map; null for `in` fields. */
  target: WriteTarget | null;
}

interface Context {
  system: SystemName;
  kind: string;
  unwrap: Unwrap;
  source: MappingSource;
}

function unwrapper(mode: Unwrap): ((v: unknown) => unknown) | null {
  if (mode === 'none') return null;
  // ServiceNow envelopes: `{link, value}` references, `{display_value, value}` with display=all.
  return (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(o, mode)) return o[mode];
    // Table API references without display values carry only `value`.
    return Object.prototype.hasOwnProperty.call(o, 'value') ? o.value : v;
  };
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

function getterFor(
  paths: readonly string[],
  mode: 'first' | 'all',
  unwrap: ((v: unknown) => unknown) | null,
) {
  const getters = paths.map((p) => compileGetter(parsePath(p)));
  const one = (g: (r: unknown) => unknown, r: unknown) => {
    const v = g(r);
    if (!unwrap) return v;
    return Array.isArray(v) ? v.map(unwrap) : unwrap(v);
  };
  if (mode === 'first') {
    if (getters.length === 1) {
      const g = getters[0] as (r: unknown) => unknown;
      return (r: unknown) => one(g, r);
    }
    return (r: unknown) => {
      let seen: unknown = undefined;
      for (const g of getters) {
        const v = one(g, r);
        if (!isEmpty(v) && !(Array.isArray(v) && v.length === 0)) return v;
        if (v !== undefined) seen = v;
      }
      return seen;
    };
  }
  return (r: unknown) => {
    const out: unknown[] = [];
    for (const g of getters) {
      const v = one(g, r);
      if (Array.isArray(v)) out.push(...(v as unknown[]));
      else if (!isEmpty(v)) out.push(v);
    }
    return out;
  };
}

/** Checks a constant (map value, else, default) against the canonical field's type. */
function checkConstant(type: FieldType, value: unknown): string | null {
  if (value === null) {
    return 'nullable' in type && !type.nullable && type.kind !== 'enum'
      ? 'this field cannot be empty'
      : null;
  }
  switch (type.kind) {
    case 'enum':
      return typeof value === 'string' && type.values.includes(value)
        ? null
        : `"${String(value)}" is not a canonical value${suggestion(String(value), type.values)}; use one of ${type.values.join(', ')}`;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
        ? null
        : `"${String(value)}" is not an integer`;
    case 'strings':
      return Array.isArray(value) || typeof value === 'string' ? null : 'expected a list of text';
    default:
      return null;
  }
}

export function compileField(
  name: string,
  type: FieldType,
  spec: FieldSpec,
  ctx: Context,
): {
  field?: CompiledField;
  problems: MappingProblem[];
} {
  const at = (path: (string | number)[], message: string, where: 'key' | 'value' = 'value') =>
    ctx.source.problemAt(['fields', name, ...path], message, where);
  const problems: MappingProblem[] = [];
  const from = spec.from === undefined ? [] : Array.isArray(spec.from) ? spec.from : [spec.from];
  const sources = [...from, ...(spec.collect ?? [])];
  if ([spec.from, spec.collect, spec.value].filter((x) => x !== undefined).length > 1) {
    problems.push(at([], 'use only one of from, collect and value', 'key'));
  }
  if (sources.length === 0 && spec.value === undefined && spec.default === undefined) {
    problems.push(at([], 'needs a source: from, collect, value or default', 'key'));
  }
  const unwrap = unwrapper(spec.unwrap ?? ctx.unwrap);
  let get: (r: unknown) => unknown = () => undefined;
  try {
    if (spec.value !== undefined) {
      const constant = spec.value;
      get = () => constant;
    } else if (spec.collect) get = getterFor(spec.collect, 'all', unwrap);
    else if (from.length > 0) get = getterFor(from, 'first', unwrap);
  } catch (err) {
    if (!(err instanceof PathError)) throw err;
    problems.push(at([spec.collect ? 'collect' : 'from'], err.message));
  }
  const transforms: CompiledTransform[] = [];
  (spec.transform ?? []).forEach((step, i) => {
    try {
      transforms.push(compileTransform(step, { system: ctx.system }));
    } catch (err) {
      problems.push(at(['transform', i], (err as Error).message));
    }
  });
  let map: Map<string, MapValue> | null = null;
  if (spec.map) {
    map = new Map(Object.entries(spec.map));
    for (const [key, value] of map) {
      const bad = checkConstant(type, value);
      if (bad) problems.push(at(['map', key], bad));
    }
    const known =
      from.length === 1
        ? KNOWN_SOURCE_VALUES[`${ctx.system}.${ctx.kind}`]?.[from[0] as string]
        : undefined;
    if (known && spec.else === undefined) {
      const missing = known.filter((v) => !map?.has(v));
      if (missing.length > 0) {
        problems.push(
          at(
            ['map'],
            `misses source value(s) ${missing.map((v) => `"${v}"`).join(', ')} of ${from[0]}; add them or an \`else:\``,
            'key',
          ),
        );
      }
    }
  }
  if (spec.else !== undefined) {
    const bad = checkConstant(type, spec.else);
    if (bad) problems.push(at(['else'], bad));
  }
  if (spec.default !== undefined) {
    const bad = checkConstant(type, spec.default);
    if (bad) problems.push(at(['default'], bad));
  }
  const direction = spec.direction ?? 'in';
  const authority = spec.authority ?? null;
  if (direction === 'both' && authority === null) {
    problems.push(
      at(
        ['direction'],
        'a two-way field needs `authority: servicenow | jira | latest` (DESIGN §5)',
      ),
    );
  }
  if (direction === 'in' && authority !== null) {
    problems.push(
      at(
        ['authority'],
        'authority only applies to `direction: both` fields; remove it or make the field two-way',
      ),
    );
  }
  const target =
    direction === 'in'
      ? null
      : compileWriteTarget({ system: ctx.system, spec, from, map, transforms, problems, at });
  if (problems.length > 0) return { problems };
  return {
    problems,
    field: {
      name,
      type,
      direction,
      authority,
      sources,
      get,
      transforms,
      map,
      hasElse: spec.else !== undefined,
      elseValue: spec.else ?? null,
      hasDefault: spec.default !== undefined,
      defaultValue: spec.default,
      required: spec.required ?? false,
      target,
    },
  };
}
