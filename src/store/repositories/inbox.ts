import { In, type EntityManager } from 'typeorm';
import type { SourceEvent } from '../../model/index.js';
import type { Database } from '../database.js';
import { InboxEventEntity, type InboxEventRow } from '../entities/index.js';
import { isUniqueViolation } from '../errors.js';
import {
  claimIds,
  countByStatus,
  failRow,
  type ClaimOptions,
  type FailOptions,
} from './leased-queue.js';

export interface InboxInsertResult {
  id: number;
  /** False when the same (source, deliveryKey) was already in the inbox: a duplicate. */
  inserted: boolean;
}

/**
 * The durable, de-duplicated inbox (DESIGN §2). A sender is acknowledged, and a cursor
 * advanced, only after `insert`/`insertMany` has committed.
 */
export class InboxRepository {
  constructor(private readonly db: Database) {}

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

  async claim(opts: ClaimOptions): Promise<InboxEventRow[]> {
    const ids = await claimIds(this.db, 'inbox_events', opts);
    if (ids.length === 0) return [];
    const rows = await this.db.run((m) =>
      m.getRepository(InboxEventEntity).findBy({ id: In(ids) }),
    );
    return rows.sort((a, b) => a.id - b.id);
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

  fail(
    id: number,
    reason: string,
    opts: FailOptions,
    manager?: EntityManager,
  ): Promise<'retry' | 'dead'> {
    return failRow(this.db, 'inbox_events', id, reason, opts, manager);
  }

  get(id: number): Promise<InboxEventRow | null> {
    return this.db.run((m) => m.getRepository(InboxEventEntity).findOneBy({ id }));
  }

  counts(): Promise<Record<string, number>> {
    return countByStatus(this.db, 'inbox_events');
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
