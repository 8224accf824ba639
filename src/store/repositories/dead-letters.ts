import { IsNull } from 'typeorm';
import type { Database } from '../database.js';
import { DeadLetterEntity, type DeadLetterRow } from '../entities/index.js';
import { StoreError } from '../errors.js';

/** Dead letters: events and commands that failed for good, kept with their reason. */
export class DeadLetterRepository {
  constructor(private readonly db: Database) {}

  list(opts: { limit?: number; includeRetried?: boolean } = {}): Promise<DeadLetterRow[]> {
    return this.db.run((m) =>
      m.getRepository(DeadLetterEntity).find({
        where: opts.includeRetried ? {} : { retriedAt: IsNull() },
        order: { id: 'DESC' },
        take: opts.limit ?? 100,
      }),
    );
  }

  /** Puts the original inbox event or outbox command back in line, due now. */
  retry(id: number, now: Date): Promise<DeadLetterRow> {
    return this.db.transaction(async (m) => {
      const repo = m.getRepository(DeadLetterEntity);
      const letter = await repo.findOneBy({ id });
      if (!letter)
        throw new StoreError(
          `dead letter ${id} does not exist (see \`changebridge deadletter list\`)`,
        );
      if (letter.retriedAt)
        throw new StoreError(
          `dead letter ${id} was already retried at ${letter.retriedAt.toISOString()}`,
        );
      const table = letter.origin === 'inbox' ? 'inbox_events' : 'outbox_commands';
      await m.query(
        `UPDATE ${table} SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL WHERE id = ? AND status = 'dead'`,
        [this.db.sqlDate(now), letter.originId],
      );
      letter.retriedAt = now;
      await repo.save(letter);
      return letter;
    });
  }
}
