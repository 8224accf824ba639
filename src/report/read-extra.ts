import type { EntityManager } from 'typeorm';
import { fromSqlDate, toSqliteDate } from '../store/index.js';
import type { ReportReconciliation } from './model.js';

/**
 * The report's raw-SQL reads: the audit chain's head, first appearances in the audit log,
 * and reconciliation runs (a table that may not exist yet in this schema version).
 */

const CHUNK = 500;

function sqlDate(m: EntityManager, d: Date): Date | string {
  return m.connection.options.type === 'mysql' ? d : toSqliteDate(d);
}

/**
 * The chain's tip. An empty chain (seq 0) is reported with an empty hash: its genesis
 * value is 64 zeros, which is also the report digest's placeholder (integrity.ts).
 */
export async function auditHead(m: EntityManager): Promise<{ seq: number; hash: string }> {
  const [tip] = (await m.query('SELECT seq, hash FROM audit_head WHERE id = 1')) as {
    seq: number | string;
    hash: string;
  }[];
  const seq = tip ? Number(tip.seq) : 0;
  return { seq, hash: seq === 0 ? '' : tip!.hash };
}

/**
 * When each subject first appeared in the audit log: a change key's `change.created`, an
 * approval id's first `approval.recorded`. The audit log is the only place that keeps
 * creation times (canonical rows carry their last update only).
 */
export async function firstSeen(
  m: EntityManager,
  subjects: readonly string[],
): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  const unique = [...new Set(subjects)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const chunk = unique.slice(i, i + CHUNK);
    const rows = (await m.query(
      `SELECT subject, MIN(at) AS first_at FROM audit_events WHERE action IN ('change.created', 'approval.recorded') AND subject IN (${chunk.map(() => '?').join(', ')}) GROUP BY subject`,
      chunk,
    )) as { subject: string; first_at: unknown }[];
    for (const r of rows) {
      const at = fromSqlDate(r.first_at);
      if (at) out.set(r.subject, at);
    }
  }
  return out;
}

async function hasTable(m: EntityManager, table: string): Promise<boolean> {
  const runner = m.queryRunner ?? m.connection.createQueryRunner();
  try {
    return await runner.hasTable(table);
  } finally {
    if (!m.queryRunner) await runner.release();
  }
}

interface RunRow {
  id: string | number;
  started_at: unknown;
  finished_at: unknown;
  scope: string | null;
  checked: number | string | null;
  opened: number | string | null;
  resolved: number | string | null;
  dry_run: unknown;
}

/** Reconciliation runs (not dry runs) that finished in the period; [] before the table exists. */
export async function reconciliationRuns(
  m: EntityManager,
  from: Date,
  to: Date,
): Promise<ReportReconciliation[]> {
  if (!(await hasTable(m, 'reconcile_runs'))) return [];
  const rows = (await m.query(
    'SELECT id, started_at, finished_at, scope, checked, opened, resolved, dry_run FROM reconcile_runs WHERE finished_at >= ? AND finished_at <= ? ORDER BY started_at, id',
    [sqlDate(m, from), sqlDate(m, to)],
  )) as RunRow[];
  return rows
    .filter((r) => !(r.dry_run === true || Number(r.dry_run) === 1 || r.dry_run === 'true'))
    .map((r) => ({
      id: String(r.id),
      startedAt: fromSqlDate(r.started_at)!.toISOString(),
      finishedAt: fromSqlDate(r.finished_at)?.toISOString() ?? null,
      scope: r.scope ?? '',
      checked: Number(r.checked ?? 0),
      opened: Number(r.opened ?? 0),
      resolved: Number(r.resolved ?? 0),
    }));
}
