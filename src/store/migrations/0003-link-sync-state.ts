import type { MigrationInterface, QueryRunner } from 'typeorm';
import { column, type Dialect } from './columns.js';

/**
 * `links.sync_state` (DESIGN §5): per linked record, the mirrored field values both sides
 * last agreed on (the base of the three-way merge that tells a one-sided edit from a
 * conflict) and the hash last written per write-back aspect (fields, approval, …), so
 * the planner writes only what changed and recognises its own writes coming back.
 */
function dialectOf(queryRunner: QueryRunner): Dialect {
  return queryRunner.connection.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

export class LinkSyncState1760000000003 implements MigrationInterface {
  name = 'LinkSyncState1760000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'links',
      column(dialectOf(queryRunner), { name: 'sync_state', kind: 'json', nullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('links', 'sync_state');
  }
}
