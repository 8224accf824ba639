import type { Database } from '../database.js';
import { affected } from '../row-codec.js';

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
  return db.transaction(async (m) => ({
    inbox: await affected(
      m,
      "DELETE FROM inbox_events WHERE status IN ('done', 'ignored') AND processed_at < ?",
      [at],
    ),
    outbox: await affected(
      m,
      "DELETE FROM outbox_commands WHERE status IN ('done', 'superseded') AND completed_at < ?",
      [at],
    ),
  }));
}
