import { createHash } from 'node:crypto';
import { canonicalJson, type SystemName } from '../model/index.js';
import { TARGETS, type FieldType, type TargetName } from './canonical-fields.js';
import { compileField, type CompiledField } from './compile-field.js';
import { suggestion } from '../util/did-you-mean.js';
import { compileGetter, parsePath, PathError } from './path.js';
import type { MappingSource } from './parse.js';
import { MappingError, type MappingProblem } from './problems.js';
import { runForward, runReverse, type MapResult, type ReverseResult } from './run.js';
import type { FieldSpec, FileSpec } from './schema.js';

export interface CompiledMapping {
  system: SystemName;
  kind: string;
  target: TargetName;
  /** Tenant name for an override, null for a default mapping. */
  tenant: string | null;
  /** Files it was built from, defaults first. */
  files: readonly string[];
  /** SHA-256 of the merged definition's canonical JSON: store it with sync cursors. */
  hash: string;
  fields: readonly CompiledField[];
  /** Raw record → canonical patch (pure, no clock, no I/O). */
  map(record: unknown): MapResult;
  /** Canonical values → target fields for `out`/`both` fields. */
  reverse(canonical: Readonly<Record<string, unknown>>): ReverseResult;
  /** The record `map` actually reads after applying `envelope`. */
  unwrapRecord(record: unknown): unknown;
}

interface Merged {
  spec: FileSpec;
  /** Which file each field (and each top-level key) came from, for positioned problems. */
  origin: Map<string, MappingSource>;
  topOrigin: MappingSource;
}

function merge(sources: readonly MappingSource[]): Merged {
  const first = sources[0];
  if (!first) throw new Error('[changebridge/mapping] compileMapping needs at least one source');
  const fields = new Map<string, FieldSpec | null>();
  const origin = new Map<string, MappingSource>();
  let top: Omit<FileSpec, 'fields'> = {};
  let topOrigin = first;
  for (const s of sources) {
    const { fields: own, ...rest } = s.spec;
    if (Object.keys(rest).length > 0) topOrigin = s;
    top = { ...top, ...rest };
    for (const [name, spec] of Object.entries(own)) {
      fields.set(name, spec);
      origin.set(name, s);
    }
  }
  const merged = Object.create(null) as Record<string, FieldSpec | null>;
  for (const [name, spec] of fields) if (spec !== null) merged[name] = spec;
  return { spec: { ...top, fields: merged }, origin, topOrigin };
}

/**
 * SHA-256 over the merged definition's canonical JSON. Descriptions are left out: they
 * change no output, and a changed hash makes sync re-read every record.
 */
export function mappingHash(spec: FileSpec): string {
  const { description: _top, fields, ...rest } = spec;
  const behaviour = Object.create(null) as Record<string, unknown>;
  for (const [name, field] of Object.entries(fields)) {
    if (field === null) continue;
    const { description: _field, ...kept } = field;
    behaviour[name] = kept;
  }
  return createHash('sha256')
    .update(canonicalJson({ ...rest, fields: behaviour }))
    .digest('hex');
}

/**
 * Compiles one mapping from its default file and, for a tenant, the override on top
 * (field by field: an override replaces the whole field; `field: ~` removes it).
 * Throws MappingError listing every problem, each located in the file that caused it.
 */
export function compileMapping(
  sources: readonly MappingSource[],
  tenant: string | null = null,
): CompiledMapping {
  const { spec, origin, topOrigin } = merge(sources);
  const problems: MappingProblem[] = [];
  for (const key of ['system', 'kind', 'target'] as const) {
    if (spec[key] === undefined) problems.push(topOrigin.problemAt([], `missing \`${key}:\``));
  }
  if (problems.length > 0) throw new MappingError(problems);
  const system = spec.system as SystemName;
  const kind = spec.kind as string;
  const target = spec.target as TargetName;
  const catalogue: Readonly<Record<string, FieldType>> = TARGETS[target];
  const names = Object.keys(catalogue);
  let envelope: ((r: unknown) => unknown) | null = null;
  if (spec.envelope !== undefined) {
    try {
      envelope = compileGetter(parsePath(spec.envelope));
    } catch (err) {
      if (!(err instanceof PathError)) throw err;
      problems.push(topOrigin.problemAt(['envelope'], err.message));
    }
  }
  const fields: CompiledField[] = [];
  for (const [name, fieldSpec] of Object.entries(spec.fields)) {
    if (fieldSpec === null) continue;
    const source = origin.get(name) ?? topOrigin;
    const type = Object.prototype.hasOwnProperty.call(catalogue, name)
      ? catalogue[name]
      : undefined;
    if (type === undefined) {
      problems.push(
        source.problemAt(
          ['fields', name],
          `"${name}" is not a field of ${target}${suggestion(name, names)}; fields: ${names.join(', ')}`,
          'key',
        ),
      );
      continue;
    }
    if (type.kind === 'managed') {
      problems.push(
        source.problemAt(
          ['fields', name],
          `${target}.${name} cannot be mapped: ${type.reason}`,
          'key',
        ),
      );
      continue;
    }
    const compiled = compileField(name, type, fieldSpec, {
      system,
      kind,
      unwrap: spec.unwrap ?? 'none',
      source,
    });
    problems.push(...compiled.problems);
    if (compiled.field) fields.push(compiled.field);
  }
  if (problems.length > 0) throw new MappingError(problems);
  const unwrapRecord = (record: unknown): unknown => {
    if (!envelope) return record;
    const inner = envelope(record);
    return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? inner : record;
  };
  // ServiceNow clears a field with "", Jira with null.
  const emptyValue = system === 'servicenow' ? '' : null;
  return {
    system,
    kind,
    target,
    tenant,
    files: sources.map((s) => s.file),
    hash: mappingHash(spec),
    fields,
    map: envelope
      ? (record) => runForward(fields, unwrapRecord(record))
      : (record) => runForward(fields, record),
    reverse: (canonical) => runReverse(fields, canonical, emptyValue),
    unwrapRecord,
  };
}
