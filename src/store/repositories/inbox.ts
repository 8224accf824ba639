import type { EntityManager } from 'typeorm';
import type { SourceEvent } from '../../model/index.js';
import type { Database } from '../database.js';
import { InboxEventEntity, type InboxEventRow } from '../entities/index.js';
import { StoreError, isUniqueViolation } from '../errors.js';
import { LeasedQueue } from './leased-queue.js';

export interface InboxInsertResult {
  id: number;
  /** False when the same (source, deliveryKey) was already in the inbox: a duplicate. */
  inserted: boolean;
}

/**
 * The durable, de-duplicated inbox (DESIGN §2). A sender is acknowledged, and a cursor
 * advanced, only after `insert`/`insertMany` has committed.
 */
export class InboxRepository extends LeasedQueue<InboxEventRow> {
  constructor(db: Database) {
    super(db, 'inbox_events', InboxEventEntity);
  }

  async insert(event: SourceEvent, manager?: EntityManager): Promise<InboxInsertResult> {
    const [result] = await this.insertMany([event], manager);
    return result!;
  }

  /**
   * Inserts a batch in one transaction; duplicates are reported, not errors. One statement
   * per event that lets the unique key arbitrate (SQLite `ON CONFLICT DO NOTHING RETURNING`,
   * MySQL `ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)`, which hands back the existing
   * row's id without changing it): no read-then-write race, and no ORM round trips on the
   * path every webhook acknowledgement waits for.
   */
  insertMany(
    events: readonly SourceEvent[],
    manager?: EntityManager,
  ): Promise<InboxInsertResult[]> {
    const work = async (m: EntityManager): Promise<InboxInsertResult[]> => {
      const results: InboxInsertResult[] = [];
      for (const event of events) results.push(await this.insertOne(m, event));
      return results;
    };
    return manager ? work(manager) : this.db.transaction(work);
  }

  private async insertOne(m: EntityManager, event: SourceEvent): Promise<InboxInsertResult> {
    const values = [
      event.source,
      event.deliveryKey,
      event.system,
      event.connection,
      event.kind,
      event.event,
      event.externalId,
      this.db.dialect === 'sqlite' ? (event.thin ? 1 : 0) : event.thin,
      JSON.stringify(event.payload ?? null),
      this.db.sqlDate(event.receivedAt),
      this.db.sqlDate(event.receivedAt),
    ];
    const insert =
      'INSERT INTO inbox_events (source, delivery_key, system_name, connection, kind, event, external_id, ' +
      "thin, payload, received_at, status, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)";
    if (this.db.dialect === 'mysql') {
      // A plain INSERT: on a duplicate, InnoDB waits for a racing writer to commit, then
      // refuses; READ COMMITTED (Database.transaction) lets the SELECT see the winner.
      // (ON DUPLICATE KEY UPDATE cannot tell insert from duplicate: mysql2 sets FOUND_ROWS.)
      try {
        const res = (await m.query(insert, values)) as { insertId: number | string };
        return { id: Number(res.insertId), inserted: true };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return { id: await this.existingId(m, event), inserted: false };
      }
    }
    const rows = (await m.query(
      `${insert} ON CONFLICT (source, delivery_key) DO NOTHING RETURNING id`,
      values,
    )) as {
      id: number;
    }[];
    if (rows[0]) return { id: Number(rows[0].id), inserted: true };
    return { id: await this.existingId(m, event), inserted: false };
  }

  private async existingId(m: EntityManager, event: SourceEvent): Promise<number> {
    const [row] = (await m.query(
      'SELECT id FROM inbox_events WHERE source = ? AND delivery_key = ?',
      [event.source, event.deliveryKey],
    )) as { id: number | string }[];
    if (!row) {
      throw new StoreError(
        `inbox row ${event.source}/${event.deliveryKey} vanished after a duplicate-key refusal`,
      );
    }
    return Number(row.id);
  }

  async complete(
    id: number,
    status: 'done' | 'ignored',
    now: Date,
    reason?: string,
    manager?: EntityManager,
  ): Promise<void> {
    await this.db.with(manager, (m) =>
      m.getRepository(InboxEventEntity).update(
        { id },
        {
          status,
          processedAt: now,
          claimedBy: null,
          leaseUntil: null,
          lastError: reason ?? null,
        },
      ),
    );
  }
}
