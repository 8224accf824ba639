import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { column, type Dialect } from './columns.js';

/**
 * `reconcile_runs` (DESIGN §7): every reconciliation run, scheduled or on demand, with its
 * scope and counts, so auditors can see when drift was looked for and what was found.
 */
function dialectOf(queryRunner: QueryRunner): Dialect {
  return queryRunner.connection.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

export class ReconcileRuns1760000000005 implements MigrationInterface {
  name = 'ReconcileRuns1760000000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'reconcile_runs',
        columns: [
          column(dialect, { name: 'id', kind: 'key', length: 36, primary: true }),
          column(dialect, { name: 'started_at', kind: 'date' }),
          column(dialect, { name: 'finished_at', kind: 'date', nullable: true }),
          column(dialect, { name: 'status', kind: 'key', length: 16 }),
          column(dialect, { name: 'scope', kind: 'str' }),
          column(dialect, { name: 'since', kind: 'date', nullable: true }),
          column(dialect, { name: 'dry_run', kind: 'bool' }),
          column(dialect, { name: 'checked', kind: 'int', default: 0 }),
          column(dialect, { name: 'records_read', kind: 'int', default: 0 }),
          column(dialect, { name: 'api_calls', kind: 'int', default: 0 }),
          column(dialect, { name: 'found', kind: 'int', default: 0 }),
          column(dialect, { name: 'opened', kind: 'int', default: 0 }),
          column(dialect, { name: 'resolved', kind: 'int', default: 0 }),
          column(dialect, { name: 'corrections', kind: 'int', default: 0 }),
          column(dialect, { name: 'error', kind: 'text', nullable: true }),
        ],
        ...(dialect === 'mysql' ? { engine: 'InnoDB' } : {}),
      }),
    );
    await queryRunner.createIndex(
      'reconcile_runs',
      new TableIndex({ name: 'ix_reconcile_runs_started', columnNames: ['started_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('reconcile_runs', true);
  }
}
