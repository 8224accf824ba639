import type { EntityManager, EntitySchema, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import type { Approval, CodeChange, Deployment, Finding, Incident } from '../../model/index.js';
import type { Database } from '../database.js';
import {
  ApprovalEntity,
  CodeChangeEntity,
  DeploymentEntity,
  FindingEntity,
  IncidentEntity,
} from '../entities/index.js';

/** Keyed-by-id canonical records whose writes are plain upserts. */
export class RecordRepository<T extends ObjectLiteral & { id: string }> {
  constructor(
    protected readonly db: Database,
    protected readonly entity: EntitySchema<T>,
  ) {}

  get(id: string, manager?: EntityManager): Promise<T | null> {
    return this.db.with(manager, (m) =>
      m.getRepository(this.entity).findOneBy({ id } as FindOptionsWhere<T>),
    );
  }

  find(where: FindOptionsWhere<T>, manager?: EntityManager): Promise<T[]> {
    return this.db.with(manager, (m) => m.getRepository(this.entity).findBy(where));
  }

  async upsert(row: T, manager?: EntityManager): Promise<void> {
    await this.db.with(manager, (m) => m.getRepository(this.entity).save(row));
  }
}

export const approvalRepository = (db: Database) =>
  new RecordRepository<Approval>(db, ApprovalEntity);
export const codeChangeRepository = (db: Database) =>
  new RecordRepository<CodeChange>(db, CodeChangeEntity);
export const deploymentRepository = (db: Database) =>
  new RecordRepository<Deployment>(db, DeploymentEntity);
export const incidentRepository = (db: Database) =>
  new RecordRepository<Incident>(db, IncidentEntity);
export const findingRepository = (db: Database) => new RecordRepository<Finding>(db, FindingEntity);
