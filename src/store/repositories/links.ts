import type { EntityManager } from 'typeorm';
import type { Link, SystemName } from '../../model/index.js';
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

  /** Records what changebridge wrote, so the echo of that write is recognised (DESIGN §5). */
  async markWritten(
    changeId: string,
    recordId: string,
    hash: string,
    now: Date,
    manager?: EntityManager,
  ): Promise<void> {
    await this.db.with(manager, (m) =>
      m
        .getRepository(LinkEntity)
        .update({ changeId, recordId }, { lastWrittenHash: hash, updatedAt: now }),
    );
  }

  async remove(changeId: string, recordId: string, manager?: EntityManager): Promise<void> {
    await this.db.with(manager, (m) => m.getRepository(LinkEntity).delete({ changeId, recordId }));
  }
}
