import { In, MoreThan, MoreThanOrEqual, Not, type EntityManager } from 'typeorm';
import type { Change } from '../../model/index.js';
import type { Database } from '../database.js';
import { ChangeEntity, LinkEntity } from '../entities/index.js';
import { StoreError } from '../errors.js';

export class ConcurrentUpdateError extends StoreError {
  override name = 'ConcurrentUpdateError';
  constructor(key: string, expected: number) {
    super(
      `change ${key} was updated by another worker (expected version ${expected}); re-read and retry`,
    );
  }
}

/** Canonical changes, with optimistic locking on `version`. */
export class ChangeRepository {
  constructor(private readonly db: Database) {}

  findById(id: string, manager?: EntityManager): Promise<Change | null> {
    return this.db.with(manager, (m) => m.getRepository(ChangeEntity).findOneBy({ id }));
  }

  findByKey(key: string, manager?: EntityManager): Promise<Change | null> {
    return this.db.with(manager, (m) => m.getRepository(ChangeEntity).findOneBy({ key }));
  }

  /** Changes linked to a source record (e.g. every change a PR names). */
  findByRecord(recordId: string, manager?: EntityManager): Promise<Change[]> {
    return this.db.with(manager, async (m) => {
      const links = await m.getRepository(LinkEntity).findBy({ recordId });
      if (links.length === 0) return [];
      const repo = m.getRepository(ChangeEntity);
      const changes = await Promise.all(links.map((l) => repo.findOneBy({ id: l.changeId })));
      return changes
        .filter((c): c is Change => c !== null)
        .sort((a, b) => a.key.localeCompare(b.key));
    });
  }

  /**
   * A tenant's changes updated since `since`, newest first, as the summaries history-based
   * policies read (emergency counts, past failures). `createdAt` is approximated by the
   * planned start, else the last update: changes carry no creation stamp of their own.
   */
  recentSummaries(tenant: string, since: Date, limit: number, manager?: EntityManager) {
    return this.db.with(manager, async (m) => {
      const rows = await m.getRepository(ChangeEntity).find({
        select: {
          id: true,
          key: true,
          type: true,
          state: true,
          services: true,
          tenant: true,
          closeCode: true,
          plannedStart: true,
          closedAt: true,
          updatedAt: true,
        },
        where: { tenant, updatedAt: MoreThanOrEqual(since) },
        order: { updatedAt: 'DESC' },
        take: limit,
      });
      return rows.map((c) => ({
        id: c.id,
        key: c.key,
        type: c.type,
        state: c.state,
        services: c.services,
        tenant: c.tenant,
        closeCode: c.closeCode,
        plannedStart: c.plannedStart,
        closedAt: c.closedAt,
        createdAt: c.plannedStart ?? c.updatedAt,
      }));
    });
  }

  /** Ids of changes not closed or canceled, or updated since `since`, a page at a time by id. */
  activeIds(since: Date, afterId: string, limit: number, manager?: EntityManager) {
    return this.db.with(manager, async (m) => {
      const rows = await m.getRepository(ChangeEntity).find({
        select: { id: true },
        where: [
          { id: MoreThan(afterId), state: Not(In(['closed', 'canceled'])) },
          { id: MoreThan(afterId), updatedAt: MoreThanOrEqual(since) },
        ],
        order: { id: 'ASC' },
        take: limit,
      });
      return rows.map((r) => r.id);
    });
  }

  /**
   * Inserts (version 0 → 1) or updates when the stored version still equals
   * `change.version`; otherwise throws ConcurrentUpdateError. Returns the saved row.
   */
  save(change: Change, now: Date, manager?: EntityManager): Promise<Change> {
    return this.db.with(manager, async (m) => {
      const repo = m.getRepository(ChangeEntity);
      const next: Change = { ...change, version: change.version + 1, updatedAt: now };
      if (change.version === 0) {
        await repo.insert(next);
        return next;
      }
      const { id, version, ...fields } = next;
      const res = await repo.update({ id, version: change.version }, { ...fields, version });
      if (!res.affected) throw new ConcurrentUpdateError(change.key, change.version);
      return next;
    });
  }
}
