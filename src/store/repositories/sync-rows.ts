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
    const sql = `${OUTBOX_INSERT} ${OUTBOX_VALUES}`;
    const params = outboxParams(cmd, this.db.sqlDate(now));
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

  /**
   * `enqueue` for many commands: the idempotency keys already stored are read with IN
   * queries and the rest inserted 100 per statement. Returns the keys it inserted (a key
   * given twice is inserted once). Should another replica insert one of them meanwhile,
   * that statement fails whole and its commands go through `enqueue` one by one.
   */
  async enqueueMany(
    m: EntityManager,
    cmds: readonly OutboxCommand[],
    now: Date,
  ): Promise<Set<string>> {
    const inserted = new Set<string>();
    if (cmds.length === 0) return inserted;
    const seen = new Set<string>();
    const keys = [...new Set(cmds.map((c) => c.idempotencyKey))];
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const rows = (await m.query(
        `SELECT idempotency_key FROM outbox_commands WHERE idempotency_key IN (${chunk.map(() => '?').join(',')})`,
        chunk,
      )) as { idempotency_key: string }[];
      for (const r of rows) seen.add(r.idempotency_key);
    }
    const fresh: OutboxCommand[] = [];
    for (const c of cmds) {
      if (seen.has(c.idempotencyKey)) continue;
      seen.add(c.idempotencyKey);
      fresh.push(c);
    }
    const at = this.db.sqlDate(now);
    for (let i = 0; i < fresh.length; i += 100) {
      const part = fresh.slice(i, i + 100);
      try {
        await m.query(
          `${OUTBOX_INSERT} ${part.map(() => OUTBOX_VALUES).join(', ')}`,
          part.flatMap((c) => outboxParams(c, at)),
        );
        for (const c of part) inserted.add(c.idempotencyKey);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        for (const c of part) if (await this.enqueue(m, c, now)) inserted.add(c.idempotencyKey);
      }
    }
    return inserted;
  }
}

const OUTBOX_INSERT =
  'INSERT INTO outbox_commands (idempotency_key, change_id, target_system, connection, operation, target, payload, status, attempts, next_attempt_at, created_at) VALUES';
const OUTBOX_VALUES = "(?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)";

function outboxParams(cmd: OutboxCommand, at: Date | string): unknown[] {
  return [
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
}
