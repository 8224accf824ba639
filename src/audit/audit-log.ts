import type { EntityManager } from 'typeorm';
import type { AuditEvent } from '../model/index.js';
import type { Database } from '../store/index.js';
import { fromSqlDate } from '../store/index.js';
import { auditDataJson, auditHash } from './hash.js';
import { ChainVerifier, type StoredAuditRow, type VerifyResult } from './verify.js';

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  data?: unknown;
}

/**
 * The append-only, hash-chained audit log (DESIGN §3, §10).
 *
 * Appends are serialised by locking the single `audit_head` row (`SELECT … FOR UPDATE` on
 * MySQL; the store's process-wide lock on SQLite), so concurrent writers — threads or
 * replicas — always extend the same tip and can never fork the chain.
 */
export class AuditLog {
  constructor(private readonly db: Database) {}

  /** Appends entries at `at`; pass the caller's transaction to commit with its state change. */
  append(entries: readonly AuditEntry[], at: Date, manager?: EntityManager): Promise<AuditEvent[]> {
    if (entries.length === 0) return Promise.resolve([]);
    const work = async (m: EntityManager): Promise<AuditEvent[]> => {
      const lock = this.db.dialect === 'mysql' ? ' FOR UPDATE' : '';
      const [tip] = (await m.query(`SELECT seq, hash FROM audit_head WHERE id = 1${lock}`)) as {
        seq: number | string;
        hash: string;
      }[];
      if (!tip)
        throw new Error(
          '[changebridge/audit] audit_head row is missing: run `changebridge migrate`',
        );
      let seq = Number(tip.seq);
      let prevHash = tip.hash;
      const written: AuditEvent[] = [];
      const rows: unknown[][] = [];
      for (const entry of entries) {
        seq += 1;
        const dataJson = auditDataJson(entry.data);
        const hash = auditHash({
          prevHash,
          seq,
          at,
          actor: entry.actor,
          action: entry.action,
          subject: entry.subject,
          dataJson,
        });
        rows.push([
          seq,
          this.db.sqlDate(at),
          entry.actor,
          entry.action,
          entry.subject,
          dataJson,
          prevHash,
          hash,
        ]);
        written.push({
          seq,
          at,
          actor: entry.actor,
          action: entry.action,
          subject: entry.subject,
          data: entry.data ?? null,
          prevHash,
          hash,
        });
        prevHash = hash;
      }
      // Multi-row inserts: one round trip per 100 events on MySQL.
      for (let i = 0; i < rows.length; i += 100) {
        const chunk = rows.slice(i, i + 100);
        await m.query(
          'INSERT INTO audit_events (seq, at, actor, action, subject, data, prev_hash, hash) VALUES ' +
            chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', '),
          chunk.flat(),
        );
      }
      await m.query('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1', [seq, prevHash]);
      return written;
    };
    return manager ? work(manager) : this.db.transaction(work);
  }

  /** Recomputes the whole chain in batches; reports the first bad seq. */
  async verify(
    opts: { batchSize?: number; onProgress?: (checked: number) => void } = {},
  ): Promise<VerifyResult> {
    const batch = opts.batchSize ?? 5000;
    const verifier = new ChainVerifier();
    let after = 0;
    for (;;) {
      const rows = (await this.db.run((m) =>
        m.query(
          `SELECT seq, at, actor, action, subject, data, prev_hash, hash FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ${batch}`,
          [after],
        ),
      )) as RawRow[];
      for (const raw of rows) {
        if (!verifier.push(toStored(raw))) break;
      }
      if (verifier.failed || rows.length < batch) break;
      after = Number(rows[rows.length - 1]!.seq);
      opts.onProgress?.(after);
    }
    const [tip] = (await this.db.run((m) =>
      m.query('SELECT seq, hash FROM audit_head WHERE id = 1'),
    )) as {
      seq: number | string;
      hash: string;
    }[];
    return verifier.finish(tip ? { seq: Number(tip.seq), hash: tip.hash } : null);
  }
}

interface RawRow {
  seq: number | string;
  at: unknown;
  actor: string;
  action: string;
  subject: string;
  data: string;
  prev_hash: string;
  hash: string;
}

function toStored(raw: RawRow): StoredAuditRow {
  return {
    seq: Number(raw.seq),
    at: fromSqlDate(raw.at)!,
    actor: raw.actor,
    action: raw.action,
    subject: raw.subject,
    data: raw.data,
    prevHash: raw.prev_hash,
    hash: raw.hash,
  };
}
