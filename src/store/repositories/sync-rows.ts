import type { EntityManager } from 'typeorm';
import type { Approval, Change, Incident, Link } from '../../model/index.js';
import type { Database } from '../database.js';
import { ApprovalEntity, ChangeEntity, IncidentEntity, LinkEntity } from '../entities/index.js';
import { isUniqueViolation } from '../errors.js';
import { affected, RowCodec } from '../row-codec.js';
import { ConcurrentUpdateError } from './changes.js';
import type { OutboxCommand } from './outbox.js';

/**
 * The reads and writes the sync processor makes for every record, as raw SQL through
 * `RowCodec` (same columns and encodings as the typeorm repositories, a fraction of the
 * cost): batch lookups by IN lists, optimistic change saves, link upserts, and outbox
 * inserts arbitrated by the idempotency key.
 */
export class SyncRows {
  private readonly changes: RowCodec<Change>;
  private readonly links: RowCodec<Link>;
  readonly approvals: RowCodec<Approval>;
  readonly incidents: RowCodec<Incident>;

  constructor(private readonly db: Database) {
    this.changes = new RowCodec(ChangeEntity, db.dialect);
    this.links = new RowCodec(LinkEntity, db.dialect);
    this.approvals = new RowCodec(ApprovalEntity, db.dialect);
    this.incidents = new RowCodec(IncidentEntity, db.dialect);
  }

  linksByExternalIds(
    m: EntityManager,
    system: string,
    externalIds: readonly string[],
  ): Promise<Link[]> {
    return this.links.selectIn(
      m,
      'external_id',
      externalIds,
      ` AND system_name = '${system.replace(/[^a-z]/g, '')}'`,
    );
  }

  linksByRecords(m: EntityManager, recordIds: readonly string[]): Promise<Link[]> {
    return this.links.selectIn(m, 'record_id', recordIds);
  }

  linksByChanges(m: EntityManager, changeIds: readonly string[]): Promise<Link[]> {
    return this.links.selectIn(m, 'change_id', changeIds, ' ORDER BY record_id');
  }

  changesByIds(m: EntityManager, ids: readonly string[]): Promise<Change[]> {
    return this.changes.selectIn(m, 'id', ids);
  }

  changesByKeys(m: EntityManager, keys: readonly string[]): Promise<Change[]> {
    return this.changes.selectIn(m, 'change_key', keys);
  }

  /** Inserts (version 0 → 1) or updates when the stored version is still `change.version`. */
  async saveChange(m: EntityManager, change: Change, now: Date): Promise<Change> {
    const next: Change = { ...change, version: change.version + 1, updatedAt: now };
    if (change.version === 0) {
      await this.changes.insert(m, next);
      return next;
    }
    const cols = this.changes.columns.filter((c) => c.name !== 'id');
    const n = await affected(
      m,
      `UPDATE changes SET ${cols.map((c) => `${c.name} = ?`).join(', ')} WHERE id = ? AND version = ?`,
      [
        ...cols.map((c) => this.changes.param(c.prop, next[c.prop as keyof Change])),
        change.id,
        change.version,
      ],
    );
    if (n !== 1) throw new ConcurrentUpdateError(change.key, change.version);
    return next;
  }

  upsertLink(m: EntityManager, link: Link): Promise<void> {
    return this.upsertLinks(m, [link]);
  }

  upsertLinks(m: EntityManager, links: readonly Link[]): Promise<void> {
    return this.links.upsertMany(
      m,
      links.map((l) => ({ syncState: null, ...l })),
      ['change_id', 'record_id'],
    );
  }

  /** New changes (version already counted), in multi-row statements. */
  insertChanges(m: EntityManager, changes: readonly Change[]): Promise<void> {
    return this.changes.insertMany(m, changes);
  }

  /** Inserts unless the idempotency key exists; true when it was inserted. */
  async enqueue(m: EntityManager, cmd: OutboxCommand, now: Date): Promise<boolean> {
    const at = this.db.sqlDate(now);
    const sql =
      'INSERT INTO outbox_commands (idempotency_key, change_id, target_system, connection, operation, target, payload, status, attempts, next_attempt_at, created_at) ' +
      "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)";
    const params = [
      cmd.idempotencyKey,
      cmd.changeId,
      cmd.targetSystem,
      cmd.connection,
      cmd.operation,
      cmd.target,
      JSON.stringify(cmd.payload ?? null),
      at,
      at,
    ];
    if (this.db.dialect === 'sqlite') {
      return (await affected(m, `${sql} ON CONFLICT (idempotency_key) DO NOTHING`, params)) === 1;
    }
    try {
      await m.query(sql, params);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
