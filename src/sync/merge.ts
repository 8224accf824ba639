import { sha256Hex } from '../util/sha256.js';
import type { CompiledMapping } from '../mapping/index.js';
import { canonicalJson, type SystemName } from '../model/index.js';

/**
 * Field-level sync between a canonical change and one linked record (DESIGN §5), pure.
 *
 * Each `both` field of a mapping is mirrored: the record and the canonical change should
 * show the same value. The link remembers the value both last agreed on (the *base*), so a
 * read can tell apart:
 *  - the record still shows the base: nothing changed there (this is also what our own
 *    write looks like when it comes back: echo, change nothing);
 *  - only the record moved: a human edit there, taken into the canonical change;
 *  - both moved to different values: a conflict; the field's authority wins and the
 *    conflict is reported with both values.
 */

export interface MirroredField {
  name: string;
  authority: 'servicenow' | 'jira' | 'latest' | null;
}

export function mirroredFields(mapping: CompiledMapping): MirroredField[] {
  return mapping.fields
    .filter((f) => f.direction === 'both')
    .map((f) => ({ name: f.name, authority: f.authority }));
}

/** Fields the planner writes to a record of this mapping (`both` and `out`). */
export function writtenFields(mapping: CompiledMapping): string[] {
  return mapping.fields.filter((f) => f.direction !== 'in').map((f) => f.name);
}

/** A value as JSON stores it: dates become ISO strings, undefined becomes null. */
export function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value;
}

export function sameValue(a: unknown, b: unknown): boolean {
  const x = jsonValue(a);
  const y = jsonValue(b);
  if (x === y) return true;
  // Primitives that differ are different; only lists and objects need a deep compare.
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
  return canonicalJson(x) === canonicalJson(y);
}

/** SHA-256 of the canonical JSON of `names` picked from `values` (missing → null). */
export function projectionHash(names: readonly string[], values: Record<string, unknown>): string {
  const picked: Record<string, unknown> = {};
  for (const n of [...names].sort()) picked[n] = jsonValue(values[n]);
  return sha256Hex(canonicalJson(picked));
}

export interface FieldConflict {
  field: string;
  /** What the canonical change held (the other side's edit). */
  canonical: unknown;
  /** What this record now shows. */
  incoming: unknown;
  base: unknown;
  winner: 'canonical' | 'incoming';
  authority: string | null;
}

export interface MergeInput {
  fields: readonly MirroredField[];
  /** The system the record comes from. */
  system: SystemName;
  /** Mapped values of the record (only fields it carried). */
  incoming: Readonly<Record<string, unknown>>;
  /** The canonical change's current values. */
  canonical: Readonly<Record<string, unknown>>;
  /** The link's base; null when the record was never synced before. */
  base: Readonly<Record<string, unknown>> | null;
  /** True when the canonical change is being created from this very record. */
  creating: boolean;
}

export interface MergeResult {
  /** Canonical fields to set from the record. */
  take: Record<string, unknown>;
  /** The link's new base (fields both sides now agree on; others keep their old base). */
  base: Record<string, unknown>;
  conflicts: FieldConflict[];
  /** Every mirrored field still shows its base: our own write coming back, or no edit. */
  unchanged: boolean;
}

export function mergeMirrored(input: MergeInput): MergeResult {
  const take: Record<string, unknown> = {};
  const base: Record<string, unknown> = { ...(input.base ?? {}) };
  const conflicts: FieldConflict[] = [];
  let unchanged = input.base !== null;
  for (const f of input.fields) {
    if (!Object.prototype.hasOwnProperty.call(input.incoming, f.name)) continue;
    const v = input.incoming[f.name];
    const c = input.canonical[f.name];
    const known = input.base !== null && Object.prototype.hasOwnProperty.call(input.base, f.name);
    const b = known ? input.base![f.name] : undefined;
    if (known && sameValue(v, b)) continue; // the record did not move: keep the canonical value
    unchanged = false;
    let winner: 'canonical' | 'incoming';
    if (input.creating || sameValue(v, c)) winner = 'incoming';
    else if (known && sameValue(c, b))
      winner = 'incoming'; // only the record moved
    else {
      // Both moved (or first sight of a record that disagrees): the authority decides.
      const recordWins = f.authority === input.system || f.authority === 'latest';
      winner = recordWins || f.authority === null ? 'incoming' : 'canonical';
      if (known) {
        conflicts.push({
          field: f.name,
          canonical: jsonValue(c),
          incoming: jsonValue(v),
          base: jsonValue(b),
          winner,
          authority: f.authority,
        });
      }
    }
    if (winner === 'incoming') {
      take[f.name] = v;
      base[f.name] = jsonValue(v);
    }
  }
  return { take, base, conflicts, unchanged };
}
