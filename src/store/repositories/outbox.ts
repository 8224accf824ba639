import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { Database } from '../database.js';
import { OutboxCommandEntity, type OutboxCommandRow } from '../entities/index.js';
import { isUniqueViolation } from '../errors.js';
import { LeasedQueue } from './leased-queue.js';
import { affected } from '../row-codec.js';

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
export class OutboxRepository extends LeasedQueue<OutboxCommandRow> {
  constructor(db: Database) {
    super(db, 'outbox_commands', OutboxCommandEntity);
  }

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

  /**
   * Marks pending (not yet claimed) commands of `changeId` whose key starts with `prefix`
   * superseded, except `keepKey`: the planner's newer command replaces them, so an older
   * desired state is never written after a newer one.
   */
  async supersede(
    changeId: string,
    prefix: string,
    keepKey: string,
    now: Date,
    manager?: EntityManager,
  ): Promise<number> {
    const pattern = `${prefix.replace(/[!%_]/g, (c) => `!${c}`)}%`;
    return this.db.with(manager, (m) =>
      affected(
        m,
        "UPDATE outbox_commands SET status = 'superseded', completed_at = ?, last_error = ? " +
          "WHERE change_id = ? AND status = 'pending' AND idempotency_key LIKE ? ESCAPE '!' AND idempotency_key <> ?",
        [this.db.sqlDate(now), `superseded by ${keepKey}`, changeId, pattern, keepKey],
      ),
    );
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
}
