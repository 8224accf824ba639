import type { FieldType } from './canonical-fields.js';
import type { CompiledField } from './compile-field.js';
import { setPath } from './path.js';

/** A problem with one record (not with the mapping): the sync records it and moves on. */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface MapResult {
  /** Canonical field → value, only for fields the record carried; null-prototype object. */
  patch: Record<string, unknown>;
  issues: FieldIssue[];
}

export interface FieldWrite {
  field: string;
  /** Target path, e.g. `fields.customfield_10100`. */
  target: string;
  value: unknown;
  authority: 'servicenow' | 'jira' | 'latest' | null;
}

export interface ReverseResult {
  /** Nested target fields, ready as a PATCH body; null-prototype objects. */
  patch: Record<string, unknown>;
  writes: FieldWrite[];
  issues: FieldIssue[];
}

const FAIL = Symbol('fail');

const enumSets = new WeakMap<readonly string[], ReadonlySet<string>>();
/** Enum membership by Set, built once per canonical tuple. */
function enumSet(values: readonly string[]): ReadonlySet<string> {
  let set = enumSets.get(values);
  if (!set) {
    set = new Set(values);
    enumSets.set(values, set);
  }
  return set;
}

/** Coerces the final value to the canonical field type; returns FAIL with a message. */
function finish(type: FieldType, v: unknown): unknown {
  if (v === undefined || v === null || v === '') {
    if (type.kind === 'strings') return [];
    return 'nullable' in type && type.nullable ? null : FAIL;
  }
  switch (type.kind) {
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      return v instanceof Date ? v.toISOString() : FAIL;
    case 'enum':
      return typeof v === 'string' && enumSet(type.values).has(v) ? v : FAIL;
    case 'date':
      return v instanceof Date ? v : FAIL;
    case 'integer': {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
      if (!Number.isInteger(n)) return FAIL;
      if ((type.min !== undefined && n < type.min) || (type.max !== undefined && n > type.max))
        return FAIL;
      return n;
    }
    case 'strings': {
      const list = Array.isArray(v) ? v : [v];
      const out: string[] = [];
      for (const x of list) if (x !== null && x !== undefined && x !== '') out.push(String(x));
      return out;
    }
    case 'managed':
      return FAIL;
  }
}

function describe(type: FieldType): string {
  switch (type.kind) {
    case 'enum':
      return `one of ${type.values.join(', ')}`;
    case 'date':
      return 'a date (add a `date` transform)';
    case 'integer':
      return `an integer${type.min !== undefined ? ` ≥ ${type.min}` : ''}${type.max !== undefined ? ` ≤ ${type.max}` : ''}`;
    default:
      return type.kind;
  }
}

function show(v: unknown): string {
  return v instanceof Date ? v.toISOString() : (JSON.stringify(v)?.slice(0, 80) ?? String(v));
}

/** Kept outside runForward so mapping a record allocates no closure. */
function fail(issues: FieldIssue[] | null, field: string, message: string): FieldIssue[] {
  const list = issues ?? [];
  list.push({ field, message });
  return list;
}

export function runForward(fields: readonly CompiledField[], record: unknown): MapResult {
  const patch = Object.create(null) as Record<string, unknown>;
  let issues: FieldIssue[] | null = null;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as CompiledField;
    if (f.direction === 'out') continue;
    let v = f.get(record);
    if (v === undefined && !f.hasDefault) {
      if (f.required) issues = fail(issues, f.name, 'is required but the record does not carry it');
      continue;
    }
    try {
      for (let t = 0; t < f.transforms.length; t++)
        v = (f.transforms[t] as CompiledField['transforms'][number]).forward(v, record);
    } catch (err) {
      issues = fail(issues, f.name, (err as Error).message);
      continue;
    }
    if (f.map !== null && v !== undefined && v !== null) {
      const key = typeof v === 'string' ? v : String(v);
      const hit = f.map.get(key);
      if (hit !== undefined) v = hit;
      else if (v === '') v = null;
      else if (f.hasElse) v = f.elseValue;
      else {
        issues = fail(
          issues,
          f.name,
          `value ${show(v)} is not in the value map and there is no \`else\``,
        );
        continue;
      }
    }
    if (
      (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) &&
      f.hasDefault
    ) {
      v = f.defaultValue;
    }
    const out = finish(f.type, v);
    if (out === FAIL) {
      issues = fail(
        issues,
        f.name,
        v === null || v === undefined || v === ''
          ? 'is empty but the canonical field cannot be'
          : `value ${show(v)} is not ${describe(f.type)}`,
      );
      continue;
    }
    if (f.required && (out === null || (Array.isArray(out) && out.length === 0))) {
      issues = fail(issues, f.name, 'is required but empty');
      continue;
    }
    patch[f.name] = out;
  }
  return { patch, issues: issues ?? [] };
}

export function runReverse(
  fields: readonly CompiledField[],
  canonical: Readonly<Record<string, unknown>>,
  emptyValue: unknown,
): ReverseResult {
  const patch = Object.create(null) as Record<string, unknown>;
  const writes: FieldWrite[] = [];
  const issues: FieldIssue[] = [];
  for (const f of fields) {
    if (f.target === null || !Object.prototype.hasOwnProperty.call(canonical, f.name)) continue;
    let v = canonical[f.name];
    if (v === undefined) continue;
    if (f.target.map !== null && v !== null) {
      const hit = f.target.map.get(String(v));
      if (hit === undefined) {
        issues.push({
          field: f.name,
          message: `canonical value ${show(v)} has no entry in the value map to write back`,
        });
        continue;
      }
      v = hit;
    }
    try {
      for (let t = f.transforms.length - 1; t >= 0; t--) {
        const reverse = f.transforms[t]?.reverse;
        if (reverse && v !== null) v = reverse(v);
      }
    } catch (err) {
      issues.push({ field: f.name, message: (err as Error).message });
      continue;
    }
    if (v === null) v = emptyValue;
    setPath(patch, f.target.path, v);
    writes.push({ field: f.name, target: f.target.text, value: v, authority: f.authority });
  }
  return { patch, writes, issues };
}
