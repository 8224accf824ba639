import type { EntityManager } from 'typeorm';
import type { Database } from '../database.js';
import { SourceCursorEntity, type SourceCursorRow } from '../entities/index.js';

/**
 * Sync state per (connection, stream) (DESIGN §5). The value is opaque to the store; the
 * connector encodes and validates it. `mappingHash` remembers which mapping produced the
 * state: when it differs from the current mapping, the caller resyncs from scratch.
 */
export class CursorRepository {
  constructor(private readonly db: Database) {}

  get(
    connection: string,
    stream: string,
    manager?: EntityManager,
  ): Promise<SourceCursorRow | null> {
    return this.db.with(manager, (m) =>
      m.getRepository(SourceCursorEntity).findOneBy({ connection, stream }),
    );
  }

  /** Call inside the transaction that committed the page the cursor points past. */
  async set(row: SourceCursorRow, manager?: EntityManager): Promise<void> {
    await this.db.with(manager, (m) => m.getRepository(SourceCursorEntity).save(row));
  }

  /** Every stream's cursor row: `updatedAt` is when its last poll pass started. */
  list(): Promise<SourceCursorRow[]> {
    return this.db.run((m) => m.getRepository(SourceCursorEntity).find());
  }

  async reset(connection: string, stream: string): Promise<void> {
    await this.db.run((m) => m.getRepository(SourceCursorEntity).delete({ connection, stream }));
  }
}
