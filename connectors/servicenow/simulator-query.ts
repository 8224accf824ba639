import { TABLES, type FieldDef, type TableName } from './schema.js';

/**
 * Encoded-query evaluation for the simulator, as a real instance does it: `^` AND, `^OR`
 * OR, `^NQ` a new OR'd query, `ORDERBY`/`ORDERBYDESC`; and — the dangerous quirk —
 * a term naming an unknown field, or that cannot be parsed, is silently dropped, so a
 * broken query can match every row.
 */

type Row = Readonly<Record<string, string>>;
type Predicate = (row: Row) => boolean;

export interface ParsedQuery {
  matches: Predicate;
  orders: { field: string; desc: boolean; def: FieldDef }[];
  /**
   * The only sys_ids that can match, when the query ANDs a `sys_id=` or `sys_idIN` term
   * (the primary key an instance looks rows up by): callers may fetch these rows instead
   * of scanning the table. `matches` still has to be applied. Undefined: scan.
   */
  sysIds?: ReadonlySet<string>;
  /**
   * The query's plain comparisons (`=`, `>`, `>=`, `<`, `<=`) on text fields (dates are
   * fixed-width text), when it is one `^`-joined query and none of them is OR'd: each is a
   * necessary condition, so a caller holding the rows sorted by that field (an index) may
   * read only the block of rows it admits. `matches` still has to be applied, unless
   * `onlyRanges` says these comparisons are every condition the query has.
   */
  ranges?: readonly RangeTerm[];
  /** True when `ranges` are all the query's conditions (nothing else to check per row). */
  onlyRanges?: boolean;
}

export interface RangeTerm {
  field: string;
  op: '=' | '>' | '>=' | '<' | '<=';
  value: string;
}

// Longest first, so `NOT IN` is not read as `NOT` + ..., `>=` not as `>`.
const OPERATORS = [
  'ISNOTEMPTY',
  'ISEMPTY',
  'NOT LIKE',
  'NOT IN',
  'STARTSWITH',
  'ENDSWITH',
  'LIKE',
  'IN',
  '!=',
  '>=',
  '<=',
  '=',
  '>',
  '<',
] as const;

export function parseEncodedQuery(table: TableName, encoded: string): ParsedQuery {
  const fields = TABLES[table];
  const orders: ParsedQuery['orders'] = [];
  const groups: Predicate[] = [];
  const parts = encoded.split('^NQ');
  let sysIds: Set<string> | undefined;
  let ranges: RangeTerm[] | undefined;
  let onlyRanges = false;
  for (const part of parts) {
    const terms: Predicate[][] = [];
    // Per term: its sys_id values when it is a plain `sys_id=`/`sys_idIN`, else null.
    const keyTerms: (Set<string> | null)[] = [];
    // Per term: the comparison it is when it is a plain one on a text field, else null.
    const rangeTerms: (RangeTerm | null)[] = [];
    for (const term of part.split('^')) {
      if (term === '' || term === 'EQ') continue;
      if (term.startsWith('ORDERBYDESC') || term.startsWith('ORDERBY')) {
        const desc = term.startsWith('ORDERBYDESC');
        const field = term.slice(desc ? 11 : 7);
        const def = fields[field];
        if (def && Object.hasOwn(fields, field)) orders.push({ field, desc, def });
        continue;
      }
      const isOr = term.startsWith('OR') && terms.length > 0;
      const condition = parseCondition(fields, isOr ? term.slice(2) : term);
      if (isOr) {
        const last = terms[terms.length - 1]!;
        if (condition) last.push(condition);
        if (condition) keyTerms[keyTerms.length - 1] = null;
        if (condition) rangeTerms[rangeTerms.length - 1] = null;
      } else {
        terms.push(condition ? [condition] : []);
        keyTerms.push(condition ? sysIdValues(term) : null);
        rangeTerms.push(condition ? rangeTerm(fields, term) : null);
      }
    }
    if (parts.length === 1) {
      for (const ids of keyTerms) {
        if (ids) sysIds = sysIds ? new Set([...sysIds].filter((id) => ids.has(id))) : ids;
      }
      // Dropped terms (null conditions) constrain nothing, so they do not count.
      const conditions = terms.filter((alts) => alts.length > 0).length;
      const plain = rangeTerms.filter((r): r is RangeTerm => r !== null);
      if (plain.length > 0) {
        ranges = plain;
        onlyRanges = plain.length === conditions;
      }
    }
    // Dropped (unparseable) conditions leave an empty OR list: it constrains nothing.
    const effective = terms.filter((alts) => alts.length > 0);
    groups.push((row) => effective.every((alts) => alts.some((p) => p(row))));
  }
  return {
    matches: groups.length <= 1 ? (groups[0] ?? (() => true)) : (row) => groups.some((g) => g(row)),
    orders,
    ...(sysIds ? { sysIds } : {}),
    ...(ranges ? { ranges, onlyRanges } : {}),
  };
}

const RANGE_OPERATORS: readonly RangeTerm['op'][] = ['=', '>', '>=', '<', '<='];

/** `<text field><op><value>` for a comparison `parseCondition` accepted → its parts. */
function rangeTerm(fields: Record<string, FieldDef>, term: string): RangeTerm | null {
  const field = /^[a-z_][a-z0-9_]*/.exec(term)?.[0] ?? '';
  const def = fields[field];
  // Integers compare as numbers only when both sides parse: no single sorted order.
  if (!def || def.type === 'i') return null;
  const rest = term.slice(field.length);
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (!op || !(RANGE_OPERATORS as readonly string[]).includes(op)) return null;
  return { field, op: op as RangeTerm['op'], value: rest.slice(op.length) };
}

/**
 * Where a value stands against a comparison, in the field's ascending order: 0 sorts
 * before every row it admits, 1 is admitted, 2 sorts after them. Non-decreasing along
 * rows sorted ascending by the field (an empty value sorts first and never satisfies a
 * range), so the admitted rows form one block that two binary searches find.
 */
function rangeZone(r: RangeTerm, value: string): 0 | 1 | 2 {
  if (value === '') return r.op === '=' && r.value === '' ? 1 : 0;
  if (r.op === '=' && r.value === '') return 2;
  const c = value < r.value ? -1 : value > r.value ? 1 : 0;
  switch (r.op) {
    case '=':
      return c < 0 ? 0 : c === 0 ? 1 : 2;
    case '>':
      return c <= 0 ? 0 : 1;
    case '>=':
      return c < 0 ? 0 : 1;
    case '<':
      return c < 0 ? 1 : 2;
    case '<=':
      return c <= 0 ? 1 : 2;
  }
}

/**
 * The block `[from, to)` of `rows` (sorted by `r.field`, descending when `desc`) that
 * `r` admits; every row outside it fails `r`.
 */
export function rangeBlock(
  rows: readonly Row[],
  r: RangeTerm,
  desc: boolean,
): { from: number; to: number } {
  const zone = (i: number): number => {
    const z = rangeZone(r, rows[i]![r.field] ?? '');
    return desc ? 2 - z : z;
  };
  // First index whose zone is at least `z`.
  const first = (z: number): number => {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (zone(mid) < z) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return { from: first(1), to: first(2) };
}

/** `sys_id=<x>` / `sys_idIN<a>,<b>` → the ids; anything else → null. */
function sysIdValues(term: string): Set<string> | null {
  if (term.startsWith('sys_id=')) return new Set([term.slice('sys_id='.length)]);
  if (term.startsWith('sys_idIN')) return new Set(term.slice('sys_idIN'.length).split(','));
  return null;
}

function parseCondition(fields: Record<string, FieldDef>, term: string): Predicate | null {
  const m = /^[a-z_][a-z0-9_]*/.exec(term);
  if (!m) return null;
  const field = m[0];
  const def = fields[field];
  if (!def || !Object.hasOwn(fields, field)) return null; // unknown field: silently ignored
  const rest = term.slice(field.length);
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (!op) return null;
  const value = rest.slice(op.length);
  const get = (row: Row): string => row[field] ?? '';
  const cmp = (a: string, b: string): number => compareValues(def, a, b);
  switch (op) {
    case 'ISEMPTY':
      return (row) => get(row) === '';
    case 'ISNOTEMPTY':
      return (row) => get(row) !== '';
    case '=':
      return (row) => get(row) === value;
    case '!=':
      return (row) => get(row) !== value;
    case 'LIKE':
      return (row) => get(row).toLowerCase().includes(value.toLowerCase());
    case 'NOT LIKE':
      return (row) => !get(row).toLowerCase().includes(value.toLowerCase());
    case 'STARTSWITH':
      return (row) => get(row).toLowerCase().startsWith(value.toLowerCase());
    case 'ENDSWITH':
      return (row) => get(row).toLowerCase().endsWith(value.toLowerCase());
    case 'IN': {
      const set = new Set(value.split(','));
      return (row) => set.has(get(row));
    }
    case 'NOT IN': {
      const set = new Set(value.split(','));
      return (row) => !set.has(get(row));
    }
    // Range operators never match an empty value.
    case '>':
      return (row) => get(row) !== '' && cmp(get(row), value) > 0;
    case '>=':
      return (row) => get(row) !== '' && cmp(get(row), value) >= 0;
    case '<':
      return (row) => get(row) !== '' && cmp(get(row), value) < 0;
    case '<=':
      return (row) => get(row) !== '' && cmp(get(row), value) <= 0;
  }
}

/** Integers compare as numbers; everything else (dates are fixed-width) as text. */
export function compareValues(def: FieldDef, a: string, b: string): number {
  if (def.type === 'i') {
    const na = Number(a);
    const nb = Number(b);
    if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortRows<T extends Row>(rows: T[], orders: ParsedQuery['orders']): T[] {
  if (orders.length === 0) return rows;
  return rows.sort((x, y) => {
    for (const o of orders) {
      const c = compareValues(o.def, x[o.field] ?? '', y[o.field] ?? '');
      if (c !== 0) return o.desc ? -c : c;
    }
    return 0;
  });
}
