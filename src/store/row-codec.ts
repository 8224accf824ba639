import type { EntityManager, EntitySchema, ObjectLiteral } from 'typeorm';
import type { Dialect } from './database.js';
import { fromSqlDate, toSqliteDate } from './sql-dates.js';

/**
 * Raw-SQL reads and writes of an entity, for the sync's hot path (backfill, busy inboxes):
 * the same columns and encodings typeorm uses (simple-json as JSON text, SQLite dates as
 * UTC text, booleans as 0/1), without the query builder's per-call cost. Column lists come
 * from the entity schema, so they cannot drift from it.
 */

type Kind = 'json' | 'date' | 'int' | 'bool' | 'plain';

interface Col {
  prop: string;
  name: string;
  kind: Kind;
}

export class RowCodec<T extends ObjectLiteral> {
  readonly table: string;
  readonly columns: readonly Col[];
  private readonly byName: ReadonlyMap<string, Col>;

  constructor(
    entity: EntitySchema<T>,
    readonly dialect: Dialect,
  ) {
    this.table = entity.options.tableName ?? entity.options.name;
    const cols: Col[] = [];
    for (const [prop, spec] of Object.entries(entity.options.columns)) {
      if (!spec) continue;
      const type = String(spec.type);
      const kind: Kind =
        type === 'simple-json'
          ? 'json'
          : type === 'datetime'
            ? 'date'
            : type === 'integer' || type === 'bigint'
              ? 'int'
              : type === 'boolean'
                ? 'bool'
                : 'plain';
      cols.push({ prop, name: spec.name ?? prop, kind });
    }
    this.columns = cols;
    this.byName = new Map(cols.map((c) => [c.name, c]));
  }

  get names(): string[] {
    return this.columns.map((c) => c.name);
  }

  fromRow(row: Record<string, unknown>): T {
    const out: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(row)) {
      const c = this.byName.get(name);
      if (!c) continue;
      out[c.prop] = decode(c.kind, v);
    }
    return out as T;
  }

  param(prop: string, value: unknown): unknown {
    const c = this.columns.find((x) => x.prop === prop);
    return c ? encode(c.kind, value, this.dialect) : value;
  }

  params(entity: T): unknown[] {
    return this.columns.map((c) => encode(c.kind, entity[c.prop], this.dialect));
  }

  async selectIn(
    m: EntityManager,
    column: string,
    values: readonly unknown[],
    extra = '',
  ): Promise<T[]> {
    const out: T[] = [];
    const unique = [...new Set(values)];
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500);
      const rows = (await m.query(
        `SELECT * FROM ${this.table} WHERE ${column} IN (${chunk.map(() => '?').join(',')})${extra}`,
        chunk,
      )) as Record<string, unknown>[];
      for (const r of rows) out.push(this.fromRow(r));
    }
    return out;
  }

  async insert(m: EntityManager, entity: T): Promise<void> {
    const names = this.names;
    await m.query(
      `INSERT INTO ${this.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      this.params(entity),
    );
  }

  /** Insert, or update every other column when the key already exists. */
  async upsert(m: EntityManager, entity: T, keys: readonly string[]): Promise<void> {
    const names = this.names;
    const rest = names.filter((n) => !keys.includes(n));
    const head = `INSERT INTO ${this.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
    const sql =
      this.dialect === 'sqlite'
        ? `${head} ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${rest.map((n) => `${n} = excluded.${n}`).join(', ')}`
        : `${head} ON DUPLICATE KEY UPDATE ${rest.map((n) => `${n} = VALUES(${n})`).join(', ')}`;
    await m.query(sql, this.params(entity));
  }
}

function decode(kind: Kind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'json':
      return typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
    case 'date':
      return fromSqlDate(v);
    case 'int':
      return Number(v);
    case 'bool':
      return v === true || v === 1 || v === '1';
    default:
      return v;
  }
}

function encode(kind: Kind, v: unknown, dialect: Dialect): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'json':
      return JSON.stringify(v);
    case 'date':
      return v instanceof Date ? (dialect === 'sqlite' ? toSqliteDate(v) : v) : v;
    case 'bool':
      return dialect === 'sqlite' ? (v ? 1 : 0) : Boolean(v);
    default:
      return v;
  }
}

/** Rows a raw UPDATE/DELETE changed, on either driver. */
export async function affected(m: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const runner = m.queryRunner;
  if (runner) {
    const res = (await runner.query(sql, params, true)) as { affected?: number };
    return Number(res.affected ?? 0);
  }
  const raw = (await m.query(sql, params)) as { affectedRows?: number } | unknown[];
  return Array.isArray(raw) ? 0 : Number(raw.affectedRows ?? 0);
}
