import type { EntityManager } from 'typeorm';
import type { Link, LinkSyncState, SystemName } from '../../model/index.js';
import type { Database } from '../database.js';
import { LinkEntity } from '../entities/index.js';

/** Links between changes and source records (DESIGN §3, §4). */
export class LinkRepository {
  constructor(private readonly db: Database) {}

  async upsert(link: Link, manager?: EntityManager): Promise<void> {
    await this.db.with(manager, (m) => m.getRepository(LinkEntity).save(link));
  }

  findByChange(changeId: string, manager?: EntityManager): Promise<Link[]> {
    return this.db.with(manager, (m) =>
      m.getRepository(LinkEntity).find({ where: { changeId }, order: { recordId: 'ASC' } }),
    );
  }

  findByRecord(recordId: string, manager?: EntityManager): Promise<Link[]> {
    return this.db.with(manager, (m) => m.getRepository(LinkEntity).findBy({ recordId }));
  }

  findByExternalId(
    system: SystemName,
    externalId: string,
    manager?: EntityManager,
  ): Promise<Link[]> {
    return this.db.with(manager, (m) => m.getRepository(LinkEntity).findBy({ system, externalId }));
  }

  findByExternalKey(externalKey: string, manager?: EntityManager): Promise<Link[]> {
    return this.db.with(manager, (m) => m.getRepository(LinkEntity).findBy({ externalKey }));
  }

  /**
   * Records what changebridge wrote, so the echo of that write is recognised and the
   * planner does not write it again (DESIGN §5). `aspect` defaults to `fields`, whose hash
   * is also `lastWrittenHash` and whose `base` values become the link's merge base.
   */
  async markWritten(
    mark: {
      changeId: string;
      recordId: string;
      desiredHash: string;
      aspect?: string;
      base?: Record<string, unknown> | null;
    },
    now: Date,
    manager?: EntityManager,
  ): Promise<void> {
    const work = async (m: EntityManager) => {
      const repo = m.getRepository(LinkEntity);
      const { changeId, recordId } = mark;
      const link = await this.lockOne(m, changeId, recordId);
      if (!link) return; // unlinked since the command was planned: nothing to remember
      const aspect = mark.aspect ?? 'fields';
      const state: LinkSyncState = {
        base: { ...(link.syncState?.base ?? {}), ...(mark.base ?? {}) },
        written: { ...(link.syncState?.written ?? {}), [aspect]: mark.desiredHash },
      };
      await repo.update(
        { changeId, recordId },
        {
          syncState: state as never,
          ...(aspect === 'fields' ? { lastWrittenHash: mark.desiredHash } : {}),
          updatedAt: now,
        },
      );
    };
    // The row lock needs a transaction: the caller's, or one of its own.
    await (manager ? work(manager) : this.db.transaction(work));
  }

  /** Reads a link for read-modify-write; on MySQL the row stays locked until commit. */
  lockOne(m: EntityManager, changeId: string, recordId: string): Promise<Link | null> {
    return m.getRepository(LinkEntity).findOne({
      where: { changeId, recordId },
      ...(this.db.dialect === 'mysql' ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  async remove(changeId: string, recordId: string, manager?: EntityManager): Promise<void> {
    await this.db.with(manager, (m) => m.getRepository(LinkEntity).delete({ changeId, recordId }));
  }
}
