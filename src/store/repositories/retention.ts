import type { Database } from '../database.js';

export interface PruneResult {
  inbox: number;
  outbox: number;
}

/**
 * Deletes inbox events and outbox commands finished before `before` (the `retention`
 * schedule). Dead rows stay: their dead letters point at them until retried.
 */
export async function pruneProcessed(db: Database, before: Date): Promise<PruneResult> {
  const at = db.sqlDate(before);
  const count = (res: unknown) =>
    Array.isArray(res) ? 0 : Number((res as { affectedRows?: number }).affectedRows ?? 0);
  return db.transaction(async (m) => ({
    inbox: count(
      await m.query(
        "DELETE FROM inbox_events WHERE status IN ('done', 'ignored') AND processed_at < ?",
        [at],
      ),
    ),
    outbox: count(
      await m.query(
        "DELETE FROM outbox_commands WHERE status IN ('done', 'superseded') AND completed_at < ?",
        [at],
      ),
    ),
  }));
}
