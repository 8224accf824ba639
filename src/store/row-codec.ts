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
    await this.insertMany(m, [entity]);
  }

  /** Multi-row INSERTs, `chunk` rows per statement. */
  async insertMany(m: EntityManager, entities: readonly T[], chunk = 100): Promise<void> {
    await this.writeMany(m, entities, '', chunk);
  }

  /** Insert, or update every other column when the key already exists. */
  async upsert(m: EntityManager, entity: T, keys: readonly string[]): Promise<void> {
    await this.upsertMany(m, [entity], keys);
  }

  async upsertMany(
    m: EntityManager,
    entities: readonly T[],
    keys: readonly string[],
    chunk = 100,
  ): Promise<void> {
    const rest = this.names.filter((n) => !keys.includes(n));
    const tail =
      this.dialect === 'sqlite'
        ? ` ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${rest.map((n) => `${n} = excluded.${n}`).join(', ')}`
        : ` ON DUPLICATE KEY UPDATE ${rest.map((n) => `${n} = VALUES(${n})`).join(', ')}`;
    await this.writeMany(m, entities, tail, chunk);
  }

  private async writeMany(
    m: EntityManager,
    entities: readonly T[],
    tail: string,
    chunk: number,
  ): Promise<void> {
    const names = this.names;
    const row = `(${names.map(() => '?').join(', ')})`;
    for (let i = 0; i < entities.length; i += chunk) {
      const part = entities.slice(i, i + chunk);
      await m.query(
        `INSERT INTO ${this.table} (${names.join(', ')}) VALUES ${part.map(() => row).join(', ')}${tail}`,
        part.flatMap((e) => this.params(e)),
      );
    }
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
  // Inside a transaction the manager has its runner; otherwise borrow one for the statement.
  const own = m.queryRunner ? null : m.connection.createQueryRunner();
  const runner = m.queryRunner ?? own!;
  try {
    const res = (await runner.query(sql, params, true)) as { affected?: number };
    return Number(res.affected ?? 0);
  } finally {
    await own?.release();
  }
}
