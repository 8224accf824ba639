import { UserError } from '../../src/runtime/index.js';
import { TABLES, type TableName } from './schema.js';

/**
 * The only way changebridge builds a ServiceNow encoded query (`sysparm_query`).
 *
 * An encoded query has no escaping: `^` separates terms, `^OR` and `^NQ` start OR'd terms
 * and whole new queries, and the instance silently ignores parts it cannot parse — an
 * unknown field or a mangled term can turn a narrow query into "every row". So values that
 * contain `^`, a newline or a NUL are refused (there is no way to send them safely), `,`
 * inside an IN list is refused (it would split the value), and field names must be
 * columns of the table (schema.ts). Errors name the field, the value's problem and the fix.
 */

export type Operator =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | 'LIKE'
  | 'STARTSWITH'
  | 'IN'
  | 'NOT IN'
  | 'ISEMPTY'
  | 'ISNOTEMPTY';

const VALUE_OPERATORS = new Set<Operator>(['=', '!=', '>', '>=', '<', '<=', 'LIKE', 'STARTSWITH']);
const LIST_OPERATORS = new Set<Operator>(['IN', 'NOT IN']);
const UNARY_OPERATORS = new Set<Operator>(['ISEMPTY', 'ISNOTEMPTY']);

export class QueryBuildError extends UserError {
  override name = 'QueryBuildError';
  constructor(message: string, hint: string) {
    super('servicenow', message, { hint });
  }
}

/** Why `value` cannot go into an encoded query, or null when it can. */
export function unsafeValueReason(value: string): string | null {
  if (value.includes('^'))
    return 'contains "^", which ServiceNow reads as a term separator (^OR, ^NQ)';
  if (/[\r\n]/.test(value)) return 'contains a line break';
  if (value.includes('\0')) return 'contains a NUL character';
  return null;
}

export class EncodedQuery {
  private readonly terms: string[] = [];
  private readonly orders: string[] = [];

  /** `extraFields`: custom columns (`u_…`) the configuration names, e.g. a correlation field. */
  constructor(
    readonly table: TableName,
    private readonly extraFields: readonly string[] = [],
  ) {}

  /** `field <op> value` AND'ed to the query. */
  where(
    field: string,
    op: Exclude<Operator, 'IN' | 'NOT IN' | 'ISEMPTY' | 'ISNOTEMPTY'>,
    value: string,
  ): this;
  where(field: string, op: 'IN' | 'NOT IN', values: readonly string[]): this;
  where(field: string, op: 'ISEMPTY' | 'ISNOTEMPTY'): this;
  where(field: string, op: Operator, value?: string | readonly string[]): this {
    this.terms.push(this.term(field, op, value));
    return this;
  }

  /** `field <op> value` OR'ed with the previous term (`^OR`). */
  orWhere(
    field: string,
    op: Exclude<Operator, 'IN' | 'NOT IN' | 'ISEMPTY' | 'ISNOTEMPTY'>,
    value: string,
  ): this {
    if (this.terms.length === 0) {
      throw new QueryBuildError(
        `orWhere on ${this.table} has no term to OR with`,
        'call where(...) first',
      );
    }
    const last = this.terms.pop()!;
    this.terms.push(`${last}^OR${this.term(field, op, value)}`);
    return this;
  }

  orderBy(field: string, direction: 'asc' | 'desc' = 'asc'): this {
    this.checkField(field);
    this.orders.push(`${direction === 'asc' ? 'ORDERBY' : 'ORDERBYDESC'}${field}`);
    return this;
  }

  toString(): string {
    return [...this.terms, ...this.orders].join('^');
  }

  private term(field: string, op: Operator, value: string | readonly string[] | undefined): string {
    this.checkField(field);
    if (UNARY_OPERATORS.has(op)) return `${field}${op}`;
    if (LIST_OPERATORS.has(op)) {
      if (!Array.isArray(value) || value.length === 0) {
        throw new QueryBuildError(
          `${this.table}.${field} ${op} needs a non-empty list of values`,
          'pass an array with at least one value',
        );
      }
      for (const v of value as readonly string[]) {
        this.checkValue(field, v);
        if (v.includes(',')) {
          throw new QueryBuildError(
            `value for ${this.table}.${field} ${op} contains ",", which would split it into two values`,
            'query values with commas one at a time with "="',
          );
        }
      }
      return `${field}${op}${(value as readonly string[]).join(',')}`;
    }
    if (!VALUE_OPERATORS.has(op)) {
      throw new QueryBuildError(
        `unknown operator "${op}"`,
        `use one of ${[...VALUE_OPERATORS, ...LIST_OPERATORS, ...UNARY_OPERATORS].join(', ')}`,
      );
    }
    if (typeof value !== 'string') {
      throw new QueryBuildError(
        `${this.table}.${field} ${op} needs a string value`,
        'ServiceNow compares every value as text: convert numbers with String()',
      );
    }
    this.checkValue(field, value);
    return `${field}${op}${value}`;
  }

  private checkField(field: string): void {
    if (!isKnownField(this.table, field, this.extraFields)) {
      throw new QueryBuildError(
        `unknown field "${field}" on table ${this.table}: ServiceNow would silently ignore the term and match every row`,
        `use a column of ${this.table} (see connectors/servicenow/schema.ts)`,
      );
    }
  }

  private checkValue(field: string, value: string): void {
    const reason = unsafeValueReason(value);
    if (reason) {
      throw new QueryBuildError(
        `value for ${this.table}.${field} ${reason}: refusing to build the query (encoded queries have no escaping)`,
        'remove the character from the value; if it comes from a record, query by sys_id instead',
      );
    }
  }
}

/** Start an encoded query on `table`. */
export function query(table: TableName, extraFields: readonly string[] = []): EncodedQuery {
  return new EncodedQuery(table, extraFields);
}

const COLUMN = /^[a-z][a-z0-9_]*$/;

function isKnownField(table: TableName, field: string, extra: readonly string[]): boolean {
  return Object.hasOwn(TABLES[table], field) || (COLUMN.test(field) && extra.includes(field));
}

/** Checks that `fields` are all columns of `table`; returns them joined for sysparm_fields. */
export function fieldList(
  table: TableName,
  fields: readonly string[],
  extraFields: readonly string[] = [],
): string {
  for (const field of fields) {
    if (!isKnownField(table, field, extraFields)) {
      throw new QueryBuildError(
        `unknown field "${field}" in sysparm_fields for ${table}`,
        `use a column of ${table} (see connectors/servicenow/schema.ts)`,
      );
    }
  }
  return fields.join(',');
}
