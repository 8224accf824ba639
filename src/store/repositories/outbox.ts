import { In, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { Database } from '../database.js';
import { OutboxCommandEntity, type OutboxCommandRow } from '../entities/index.js';
import { isUniqueViolation } from '../errors.js';
import {
  claimIds,
  countByStatus,
  failRow,
  type ClaimOptions,
  type FailOptions,
} from './leased-queue.js';

export interface OutboxCommand {
  /** Deterministic: the same intended effect always gets the same key (DESIGN §2). */
  idempotencyKey: string;
  changeId: string | null;
  targetSystem: string;
  connection: string;
  /** e.g. `jira.comment`, `servicenow.patch`. */
  operation: string;
  /** The record written to, e.g. an issue key or sys_id. */
  target: string;
  payload: unknown;
}

/** Durable write-back queue; one row per intended effect, never two. */
export class OutboxRepository {
  constructor(private readonly db: Database) {}

  /** Enqueues unless a command with the same idempotency key exists (then `inserted: false`). */
  enqueue(
    cmd: OutboxCommand,
    now: Date,
    manager?: EntityManager,
  ): Promise<{ id: number; inserted: boolean }> {
    return this.db.with(manager, async (m) => {
      const repo = m.getRepository(OutboxCommandEntity);
      const existing = await repo.findOne({
        select: { id: true },
        where: { idempotencyKey: cmd.idempotencyKey },
      });
      if (existing) return { id: existing.id, inserted: false };
      try {
        const saved = await repo.save({
          ...cmd,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          claimedBy: null,
          leaseUntil: null,
          lastError: null,
          result: null,
          createdAt: now,
          completedAt: null,
        });
        return { id: saved.id, inserted: true };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const row = await repo.findOneByOrFail({ idempotencyKey: cmd.idempotencyKey });
        return { id: row.id, inserted: false };
      }
    });
  }

  async claim(opts: ClaimOptions): Promise<OutboxCommandRow[]> {
    const ids = await claimIds(this.db, 'outbox_commands', opts);
    if (ids.length === 0) return [];
    const rows = await this.db.run((m) =>
      m.getRepository(OutboxCommandEntity).findBy({ id: In(ids) }),
    );
    return rows.sort((a, b) => a.id - b.id);
  }

  async complete(id: number, result: unknown, now: Date, manager?: EntityManager): Promise<void> {
    await this.db.with(manager, (m) =>
      m.getRepository(OutboxCommandEntity).update(
        { id },
        {
          status: 'done',
          result: (result ?? null) as QueryDeepPartialEntity<unknown>,
          completedAt: now,
          claimedBy: null,
          leaseUntil: null,
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
    return failRow(this.db, 'outbox_commands', id, reason, opts, manager);
  }

  get(id: number): Promise<OutboxCommandRow | null> {
    return this.db.run((m) => m.getRepository(OutboxCommandEntity).findOneBy({ id }));
  }

  counts(): Promise<Record<string, number>> {
    return countByStatus(this.db, 'outbox_commands');
  }
}
