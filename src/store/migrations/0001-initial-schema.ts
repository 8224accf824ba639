import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { column, type ColumnSpec, type Dialect } from './columns.js';

/**
 * The first schema: every canonical table of DESIGN §3 plus the operational ones.
 * Frozen: later schema changes are new migrations, never edits here.
 */
interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  indexes?: { name: string; columns: string[]; unique?: boolean }[];
}

const TABLES: TableSpec[] = [
  {
    name: 'changes',
    columns: [
      { name: 'id', kind: 'key', length: 36, primary: true },
      { name: 'change_key', kind: 'key' },
      { name: 'title', kind: 'text' },
      { name: 'description', kind: 'text', nullable: true },
      { name: 'type', kind: 'key', length: 16 },
      { name: 'risk', kind: 'key', length: 16, nullable: true },
      { name: 'impact', kind: 'key', length: 16, nullable: true },
      { name: 'state', kind: 'key', length: 16 },
      { name: 'original_state', kind: 'str', length: 64, nullable: true },
      { name: 'approval', kind: 'key', length: 16 },
      { name: 'planned_start', kind: 'date', nullable: true },
      { name: 'planned_end', kind: 'date', nullable: true },
      { name: 'closed_at', kind: 'date', nullable: true },
      { name: 'close_code', kind: 'key', length: 32, nullable: true },
      { name: 'requested_by', kind: 'key', nullable: true },
      { name: 'assigned_to', kind: 'key', nullable: true },
      { name: 'services', kind: 'json' },
      { name: 'environment', kind: 'str', length: 128, nullable: true },
      { name: 'justification', kind: 'text', nullable: true },
      { name: 'implementation_plan', kind: 'text', nullable: true },
      { name: 'backout_plan', kind: 'text', nullable: true },
      { name: 'test_plan', kind: 'text', nullable: true },
      { name: 'impact_analysis', kind: 'text', nullable: true },
      { name: 'tenant', kind: 'key' },
      { name: 'source_event_ids', kind: 'json' },
      { name: 'updated_at', kind: 'date' },
      { name: 'version', kind: 'int' },
    ],
    indexes: [
      { name: 'uq_changes_key', columns: ['change_key'], unique: true },
      { name: 'ix_changes_tenant_state', columns: ['tenant', 'state'] },
      { name: 'ix_changes_updated', columns: ['updated_at'] },
    ],
  },
  {
    name: 'approvals',
    columns: [
      { name: 'id', kind: 'id', primary: true },
      { name: 'change_id', kind: 'key', length: 36 },
      { name: 'approver', kind: 'key' },
      { name: 'decision', kind: 'key', length: 16 },
      { name: 'original_decision', kind: 'str', length: 64, nullable: true },
      { name: 'decided_at', kind: 'date', nullable: true },
      { name: 'source', kind: 'key', length: 16 },
      { name: 'valid_until', kind: 'date', nullable: true },
      { name: 'delegated_from', kind: 'key', nullable: true },
      { name: 'source_event_ids', kind: 'json' },
      { name: 'updated_at', kind: 'date' },
    ],
    indexes: [{ name: 'ix_approvals_change', columns: ['change_id'] }],
  },
  {
    name: 'code_changes',
    columns: [
      { name: 'id', kind: 'id', primary: true },
      { name: 'system_name', kind: 'key', length: 16 },
      { name: 'repo', kind: 'str' },
      { name: 'number', kind: 'int' },
      { name: 'title', kind: 'text' },
      { name: 'author', kind: 'key', nullable: true },
      { name: 'reviewers', kind: 'json' },
      { name: 'merged_by', kind: 'key', nullable: true },
      { name: 'merged_at', kind: 'date', nullable: true },
      { name: 'head_sha', kind: 'key', nullable: true },
      { name: 'merge_sha', kind: 'key', nullable: true },
      { name: 'target_branch', kind: 'str' },
      { name: 'linked_keys', kind: 'json' },
      { name: 'source_event_ids', kind: 'json' },
      { name: 'updated_at', kind: 'date' },
    ],
    indexes: [
      {
        name: 'uq_code_changes_repo_number',
        columns: ['system_name', 'repo', 'number'],
        unique: true,
      },
      { name: 'ix_code_changes_head_sha', columns: ['head_sha'] },
      { name: 'ix_code_changes_merge_sha', columns: ['merge_sha'] },
    ],
  },
  {
    name: 'deployments',
    columns: [
      { name: 'id', kind: 'id', primary: true },
      { name: 'system_name', kind: 'key', length: 16 },
      { name: 'repo', kind: 'str' },
      { name: 'sha', kind: 'key' },
      { name: 'environment', kind: 'str', length: 128 },
      { name: 'actor', kind: 'key', nullable: true },
      { name: 'status', kind: 'key', length: 16 },
      { name: 'original_status', kind: 'str', length: 64, nullable: true },
      { name: 'started_at', kind: 'date', nullable: true },
      { name: 'finished_at', kind: 'date', nullable: true },
      { name: 'linked_keys', kind: 'json' },
      { name: 'source_event_ids', kind: 'json' },
      { name: 'updated_at', kind: 'date' },
    ],
    indexes: [
      { name: 'ix_deployments_sha', columns: ['sha'] },
      { name: 'ix_deployments_env_started', columns: ['environment', 'started_at'] },
    ],
  },
  {
    name: 'incidents',
    columns: [
      { name: 'id', kind: 'id', primary: true },
      { name: 'incident_key', kind: 'key' },
      { name: 'priority', kind: 'int' },
      { name: 'services', kind: 'json' },
      { name: 'opened_at', kind: 'date' },
      { name: 'resolved_at', kind: 'date', nullable: true },
      { name: 'caused_by', kind: 'key', nullable: true },
      { name: 'source_event_ids', kind: 'json' },
      { name: 'updated_at', kind: 'date' },
    ],
    indexes: [
      { name: 'uq_incidents_key', columns: ['incident_key'], unique: true },
      { name: 'ix_incidents_caused_by', columns: ['caused_by'] },
      { name: 'ix_incidents_opened', columns: ['opened_at'] },
    ],
  },
  {
    name: 'links',
    columns: [
      { name: 'change_id', kind: 'key', length: 36, primary: true },
      { name: 'record_id', kind: 'id', primary: true },
      { name: 'system_name', kind: 'key', length: 16 },
      { name: 'connection', kind: 'key' },
      { name: 'kind', kind: 'key', length: 32 },
      { name: 'external_id', kind: 'id' },
      { name: 'external_key', kind: 'str', length: 128, nullable: true },
      { name: 'url', kind: 'text', nullable: true },
      { name: 'source_version', kind: 'str', length: 64, nullable: true },
      { name: 'last_read_hash', kind: 'hash', nullable: true },
      { name: 'last_written_hash', kind: 'hash', nullable: true },
      { name: 'updated_at', kind: 'date' },
    ],
    indexes: [
      { name: 'ix_links_record', columns: ['record_id'] },
      { name: 'ix_links_external_id', columns: ['system_name', 'external_id'] },
      { name: 'ix_links_external_key', columns: ['external_key'] },
    ],
  },
  {
    name: 'people',
    columns: [
      { name: 'id', kind: 'key', primary: true },
      { name: 'display_name', kind: 'str' },
      { name: 'email', kind: 'str', nullable: true },
      { name: 'updated_at', kind: 'date' },
    ],
    indexes: [{ name: 'ix_people_email', columns: ['email'] }],
  },
  {
    name: 'person_identities',
    columns: [
      { name: 'identity', kind: 'id', primary: true },
      { name: 'person_id', kind: 'key' },
    ],
    indexes: [{ name: 'ix_person_identities_person', columns: ['person_id'] }],
  },
  {
    name: 'findings',
    columns: [
      { name: 'id', kind: 'id', primary: true },
      { name: 'change_id', kind: 'key', length: 36, nullable: true },
      { name: 'subject', kind: 'id' },
      { name: 'policy', kind: 'key' },
      { name: 'severity', kind: 'key', length: 16 },
      { name: 'blocking', kind: 'bool' },
      { name: 'status', kind: 'key', length: 16 },
      { name: 'message', kind: 'text' },
      { name: 'evidence', kind: 'json' },
      { name: 'first_seen_at', kind: 'date' },
      { name: 'last_seen_at', kind: 'date' },
      { name: 'resolved_at', kind: 'date', nullable: true },
      { name: 'waiver', kind: 'json', nullable: true },
    ],
    indexes: [
      { name: 'ix_findings_change_status', columns: ['change_id', 'status'] },
      { name: 'ix_findings_policy_status', columns: ['policy', 'status'] },
    ],
  },
  {
    name: 'audit_events',
    columns: [
      { name: 'seq', kind: 'bigint', primary: true },
      { name: 'at', kind: 'date' },
      { name: 'actor', kind: 'str' },
      { name: 'action', kind: 'key' },
      { name: 'subject', kind: 'id' },
      { name: 'data', kind: 'json' },
      { name: 'prev_hash', kind: 'hash' },
      { name: 'hash', kind: 'hash' },
    ],
  },
  {
    // One row (id = 1): the chain's tip. Appenders lock it, which serialises appends across
    // processes and lets `audit verify` notice rows cut off the end of the chain.
    name: 'audit_head',
    columns: [
      { name: 'id', kind: 'int', primary: true },
      { name: 'seq', kind: 'bigint' },
      { name: 'hash', kind: 'hash' },
    ],
  },
  {
    name: 'source_cursors',
    columns: [
      { name: 'connection', kind: 'key', primary: true },
      { name: 'stream', kind: 'key', primary: true },
      { name: 'cursor_value', kind: 'text' },
      { name: 'mapping_hash', kind: 'hash', nullable: true },
      { name: 'updated_at', kind: 'date' },
    ],
  },
  {
    name: 'inbox_events',
    columns: [
      { name: 'id', kind: 'serial' },
      { name: 'source', kind: 'str', length: 128 },
      { name: 'delivery_key', kind: 'id' },
      { name: 'system_name', kind: 'key', length: 16 },
      { name: 'connection', kind: 'key' },
      { name: 'kind', kind: 'key' },
      { name: 'event', kind: 'str', length: 128 },
      { name: 'external_id', kind: 'id', nullable: true },
      { name: 'thin', kind: 'bool' },
      { name: 'payload', kind: 'json' },
      { name: 'received_at', kind: 'date' },
      { name: 'status', kind: 'key', length: 16 },
      { name: 'attempts', kind: 'int', default: 0 },
      { name: 'next_attempt_at', kind: 'date' },
      { name: 'claimed_by', kind: 'str', length: 128, nullable: true },
      { name: 'lease_until', kind: 'date', nullable: true },
      { name: 'last_error', kind: 'text', nullable: true },
      { name: 'processed_at', kind: 'date', nullable: true },
    ],
    indexes: [
      { name: 'uq_inbox_source_delivery', columns: ['source', 'delivery_key'], unique: true },
      { name: 'ix_inbox_status_next', columns: ['status', 'next_attempt_at'] },
      { name: 'ix_inbox_status_lease', columns: ['status', 'lease_until'] },
    ],
  },
  {
    name: 'outbox_commands',
    columns: [
      { name: 'id', kind: 'serial' },
      { name: 'idempotency_key', kind: 'id' },
      { name: 'change_id', kind: 'key', length: 36, nullable: true },
      { name: 'target_system', kind: 'key', length: 16 },
      { name: 'connection', kind: 'key' },
      { name: 'operation', kind: 'key' },
      { name: 'target', kind: 'id' },
      { name: 'payload', kind: 'json' },
      { name: 'status', kind: 'key', length: 16 },
      { name: 'attempts', kind: 'int', default: 0 },
      { name: 'next_attempt_at', kind: 'date' },
      { name: 'claimed_by', kind: 'str', length: 128, nullable: true },
      { name: 'lease_until', kind: 'date', nullable: true },
      { name: 'last_error', kind: 'text', nullable: true },
      { name: 'result', kind: 'json', nullable: true },
      { name: 'created_at', kind: 'date' },
      { name: 'completed_at', kind: 'date', nullable: true },
    ],
    indexes: [
      { name: 'uq_outbox_idempotency', columns: ['idempotency_key'], unique: true },
      { name: 'ix_outbox_status_next', columns: ['status', 'next_attempt_at'] },
      { name: 'ix_outbox_status_lease', columns: ['status', 'lease_until'] },
      { name: 'ix_outbox_change', columns: ['change_id'] },
    ],
  },
  {
    name: 'dead_letters',
    columns: [
      { name: 'id', kind: 'serial' },
      { name: 'origin', kind: 'key', length: 16 },
      { name: 'origin_id', kind: 'bigint' },
      { name: 'reason', kind: 'text' },
      { name: 'payload', kind: 'json' },
      { name: 'attempts', kind: 'int' },
      { name: 'created_at', kind: 'date' },
      { name: 'retried_at', kind: 'date', nullable: true },
    ],
    indexes: [
      { name: 'ix_dead_letters_origin', columns: ['origin', 'origin_id'] },
      { name: 'ix_dead_letters_created', columns: ['created_at'] },
    ],
  },
];

const APPEND_ONLY_MESSAGE =
  'audit_events is append-only: changebridge never updates or deletes audit rows';

function dialectOf(queryRunner: QueryRunner): Dialect {
  return queryRunner.connection.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

export class InitialSchema1760000000001 implements MigrationInterface {
  name = 'InitialSchema1760000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner);
    for (const spec of TABLES) {
      const table = new Table({
        name: spec.name,
        columns: spec.columns.map((c) => column(dialect, c)),
        ...(dialect === 'mysql' ? { engine: 'InnoDB' } : {}),
      });
      await queryRunner.createTable(table);
      for (const ix of spec.indexes ?? []) {
        await queryRunner.createIndex(
          spec.name,
          new TableIndex({ name: ix.name, columnNames: ix.columns, isUnique: ix.unique ?? false }),
        );
      }
    }
    // The chain starts empty: tip at seq 0 with the genesis hash (see audit_head above).
    await queryRunner.query('INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, ?)', [
      '0'.repeat(64),
    ]);
    // Append-only audit table, enforced by the database itself (DESIGN §10).
    if (dialect === 'mysql') {
      for (const op of ['UPDATE', 'DELETE']) {
        await queryRunner.query(
          `CREATE TRIGGER audit_events_no_${op.toLowerCase()} BEFORE ${op} ON audit_events FOR EACH ROW ` +
            `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${APPEND_ONLY_MESSAGE}'`,
        );
      }
    } else {
      for (const op of ['UPDATE', 'DELETE']) {
        await queryRunner.query(
          `CREATE TRIGGER audit_events_no_${op.toLowerCase()} BEFORE ${op} ON audit_events ` +
            `BEGIN SELECT RAISE(ABORT, '${APPEND_ONLY_MESSAGE}'); END`,
        );
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER IF EXISTS audit_events_no_update');
    await queryRunner.query('DROP TRIGGER IF EXISTS audit_events_no_delete');
    for (const spec of [...TABLES].reverse()) {
      await queryRunner.dropTable(spec.name, true);
    }
  }
}
