import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { column, type Dialect } from './columns.js';

/**
 * One row per scheduled job (DESIGN §9 "Scale-out"): which replica holds it, until when,
 * and the last cron tick it ran for. `last_tick` is what makes a schedule run once per
 * tick across replicas: a replica may only take the lease for a tick later than it.
 */
function dialectOf(queryRunner: QueryRunner): Dialect {
  return queryRunner.connection.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

export class JobLeases1760000000002 implements MigrationInterface {
  name = 'JobLeases1760000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'job_leases',
        columns: [
          column(dialect, { name: 'job', kind: 'key', length: 128, primary: true }),
          column(dialect, { name: 'holder', kind: 'str' }),
          column(dialect, { name: 'lease_until', kind: 'date' }),
          column(dialect, { name: 'last_tick', kind: 'date', nullable: true }),
          column(dialect, { name: 'last_run_started_at', kind: 'date', nullable: true }),
          column(dialect, { name: 'last_run_finished_at', kind: 'date', nullable: true }),
          column(dialect, { name: 'last_error', kind: 'text', nullable: true }),
        ],
        ...(dialect === 'mysql' ? { engine: 'InnoDB' } : {}),
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('job_leases', true);
  }
}
