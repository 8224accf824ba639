import { In, type EntityManager, type EntitySchema, type FindOptionsWhere } from 'typeorm';
import type { Database } from '../database.js';
import { affected } from '../row-codec.js';

/**
 * Claiming rows of a leased work table (inbox_events, outbox_commands). A row is claimable
 * when pending and due, or when its holder's lease ran out (a crashed worker). Claiming
 * marks rows `processing` with a lease and bumps `attempts`, all in one transaction.
 *
 * MySQL/MariaDB: `FOR UPDATE SKIP LOCKED` lets several replicas claim concurrently without
 * blocking or double-claiming (MySQL 8.0.1+, MariaDB 10.6+). SQLite is single-process and
 * every store call is serialised, so the plain SELECT + UPDATE is already exclusive.
 */
export type LeasedTable = 'inbox_events' | 'outbox_commands';

export interface ClaimOptions {
  workerId: string;
  limit: number;
  leaseMs: number;
  now: Date;
}

export async function claimIds(
  db: Database,
  table: LeasedTable,
  opts: ClaimOptions,
): Promise<number[]> {
  if (!Number.isInteger(opts.limit) || opts.limit < 1) {
    throw new RangeError(
      `[changebridge/store] claim limit must be a positive integer, got ${opts.limit}`,
    );
  }
  return db.transaction(async (m) => {
    const now = db.sqlDate(opts.now);
    // Two index range scans (status, next_attempt_at[, id]) and (status, lease_until), each
    // locking only the rows it returns. One query with OR + ORDER BY would make InnoDB
    // sort, and lock, every candidate row, so other replicas would skip everything.
    const lock = db.dialect === 'mysql' ? ' FOR UPDATE SKIP LOCKED' : '';
    const due: { id: number | string }[] = await m.query(
      `SELECT id FROM ${table} WHERE status = 'pending' AND next_attempt_at <= ? ` +
        `ORDER BY next_attempt_at, id LIMIT ${opts.limit}${lock}`,
      [now],
    );
    const room = opts.limit - due.length;
    const expired: { id: number | string }[] =
      room > 0
        ? await m.query(
            `SELECT id FROM ${table} WHERE status = 'processing' AND lease_until < ? ` +
              `ORDER BY lease_until, id LIMIT ${room}${lock}`,
            [now],
          )
        : [];
    const ids = [...due, ...expired].map((r) => Number(r.id));
    if (ids.length === 0) return ids;
    const lease = db.sqlDate(new Date(opts.now.getTime() + opts.leaseMs));
    await m.query(
      `UPDATE ${table} SET status = 'processing', claimed_by = ?, lease_until = ?, attempts = attempts + 1 ` +
        `WHERE id IN (${ids.map(() => '?').join(',')})`,
      [opts.workerId, lease, ...ids],
    );
    return ids;
  });
}

export interface FailOptions {
  now: Date;
  /** When to try again; null sends the row to the dead letter table. */
  retryAt: Date | null;
}

/** Marks a claimed row failed: back to pending with a later due time, or dead-lettered. */
export async function failRow(
  db: Database,
  table: LeasedTable,
  id: number,
  reason: string,
  opts: FailOptions,
  manager?: EntityManager,
): Promise<'retry' | 'dead'> {
  const work = async (m: EntityManager): Promise<'retry' | 'dead'> => {
    if (opts.retryAt) {
      await m.query(
        `UPDATE ${table} SET status = 'pending', next_attempt_at = ?, last_error = ?, claimed_by = NULL, lease_until = NULL WHERE id = ?`,
        [db.sqlDate(opts.retryAt), reason, id],
      );
      return 'retry';
    }
    await m.query(
      `UPDATE ${table} SET status = 'dead', last_error = ?, claimed_by = NULL, lease_until = NULL WHERE id = ?`,
      [reason, id],
    );
    const [row] = (await m.query(`SELECT payload, attempts FROM ${table} WHERE id = ?`, [id])) as {
      payload: string;
      attempts: number | string;
    }[];
    await m.query(
      'INSERT INTO dead_letters (origin, origin_id, reason, payload, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [
        table === 'inbox_events' ? 'inbox' : 'outbox',
        id,
        reason,
        row?.payload ?? 'null',
        Number(row?.attempts ?? 0),
        db.sqlDate(opts.now),
      ],
    );
    return 'dead';
  };
  return manager ? work(manager) : db.transaction(work);
}

export async function countByStatus(
  db: Database,
  table: LeasedTable,
): Promise<Record<string, number>> {
  const rows: { status: string; n: number | string }[] = await db.run((m) =>
    m.query(`SELECT status, COUNT(*) AS n FROM ${table} GROUP BY status`),
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Claim, fail, read and count: what the inbox and the outbox share. */
export abstract class LeasedQueue<Row extends { id: number }> {
  protected constructor(
    protected readonly db: Database,
    private readonly table: LeasedTable,
    private readonly entity: EntitySchema<Row>,
  ) {}

  /**
   * Puts rows still claimed by `workerId` back in line: what a restarted worker with a
   * stable id does first, since its predecessor (the same host and port, so certainly
   * dead) cannot finish them. Returns how many.
   */
  async releaseClaims(workerId: string, now: Date): Promise<number> {
    return this.db.run((m) =>
      affected(
        m,
        `UPDATE ${this.table} SET status = 'pending', claimed_by = NULL, lease_until = NULL, next_attempt_at = ? ` +
          "WHERE status = 'processing' AND claimed_by = ?",
        [this.db.sqlDate(now), workerId],
      ),
    );
  }

  async claim(opts: ClaimOptions): Promise<Row[]> {
    const ids = await claimIds(this.db, this.table, opts);
    if (ids.length === 0) return [];
    const rows = await this.db.run((m) =>
      m.getRepository(this.entity).findBy({ id: In(ids) } as FindOptionsWhere<Row>),
    );
    return rows.sort((a, b) => a.id - b.id);
  }

  fail(
    id: number,
    reason: string,
    opts: FailOptions,
    manager?: EntityManager,
  ): Promise<'retry' | 'dead'> {
    return failRow(this.db, this.table, id, reason, opts, manager);
  }

  get(id: number): Promise<Row | null> {
    return this.db.run((m) =>
      m.getRepository(this.entity).findOneBy({ id } as FindOptionsWhere<Row>),
    );
  }

  counts(): Promise<Record<string, number>> {
    return countByStatus(this.db, this.table);
  }
}
