import type { EntityManager } from 'typeorm';
import type { SourceEvent } from '../../model/index.js';
import type { Database } from '../database.js';
import { InboxEventEntity, type InboxEventRow } from '../entities/index.js';
import { isUniqueViolation } from '../errors.js';
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

  /** Inserts a batch in one transaction; duplicates are reported, not errors. */
  insertMany(
    events: readonly SourceEvent[],
    manager?: EntityManager,
  ): Promise<InboxInsertResult[]> {
    const work = async (m: EntityManager): Promise<InboxInsertResult[]> => {
      const repo = m.getRepository(InboxEventEntity);
      const results: InboxInsertResult[] = [];
      for (const event of events) {
        const existing = await repo.findOne({
          select: { id: true },
          where: { source: event.source, deliveryKey: event.deliveryKey },
        });
        if (existing) {
          results.push({ id: existing.id, inserted: false });
          continue;
        }
        try {
          const saved = await repo.save(toRow(event));
          results.push({ id: saved.id, inserted: true });
        } catch (error) {
          // Another replica inserted the same delivery between our check and insert.
          if (!isUniqueViolation(error)) throw error;
          const row = await repo.findOneByOrFail({
            source: event.source,
            deliveryKey: event.deliveryKey,
          });
          results.push({ id: row.id, inserted: false });
        }
      }
      return results;
    };
    return manager ? work(manager) : this.db.transaction(work);
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

function toRow(event: SourceEvent): Omit<InboxEventRow, 'id'> {
  return {
    source: event.source,
    deliveryKey: event.deliveryKey,
    system: event.system,
    connection: event.connection,
    kind: event.kind,
    event: event.event,
    externalId: event.externalId,
    thin: event.thin,
    payload: event.payload,
    receivedAt: event.receivedAt,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: event.receivedAt,
    claimedBy: null,
    leaseUntil: null,
    lastError: null,
    processedAt: null,
  };
}
