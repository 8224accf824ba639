import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { column, type Dialect } from './columns.js';

/**
 * `gate_requests` (DESIGN §6, §8): a deployment gate a Git host asked us to answer (a
 * GitHub deployment protection rule run, a GitLab external status check). Kept until it
 * is answered, so a pending request is answered as soon as its change is approved.
 */
function dialectOf(queryRunner: QueryRunner): Dialect {
  return queryRunner.connection.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

export class GateRequests1760000000004 implements MigrationInterface {
  name = 'GateRequests1760000000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'gate_requests',
        columns: [
          column(dialect, { name: 'id', kind: 'id', primary: true }),
          column(dialect, { name: 'system_name', kind: 'key', length: 16 }),
          column(dialect, { name: 'connection', kind: 'key' }),
          column(dialect, { name: 'kind', kind: 'key', length: 32 }),
          column(dialect, { name: 'repo', kind: 'str' }),
          column(dialect, { name: 'sha', kind: 'key' }),
          column(dialect, { name: 'environment', kind: 'str' }),
          column(dialect, { name: 'target', kind: 'str' }),
          column(dialect, { name: 'details', kind: 'json' }),
          column(dialect, { name: 'linked_keys', kind: 'json' }),
          column(dialect, { name: 'decision', kind: 'key', length: 16 }),
          column(dialect, { name: 'change_key', kind: 'str', length: 128, nullable: true }),
          column(dialect, { name: 'reasons', kind: 'json' }),
          column(dialect, { name: 'answered_at', kind: 'date', nullable: true }),
          column(dialect, { name: 'requested_at', kind: 'date' }),
          column(dialect, { name: 'updated_at', kind: 'date' }),
        ],
        ...(dialect === 'mysql' ? { engine: 'InnoDB' } : {}),
      }),
    );
    await queryRunner.createIndex(
      'gate_requests',
      new TableIndex({ name: 'ix_gate_requests_answered', columnNames: ['answered_at'] }),
    );
    await queryRunner.createIndex(
      'gate_requests',
      new TableIndex({ name: 'ix_gate_requests_target', columnNames: ['kind', 'target'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('gate_requests', true);
  }
}
