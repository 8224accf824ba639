import type { EntityManager } from 'typeorm';
import type { Database } from '../database.js';
import { affected } from '../row-codec.js';
import { isUniqueViolation } from '../errors.js';
import { fromSqlDate } from '../sql-dates.js';

/** One scheduled job's lease row, as `changebridge status` shows it. */
export interface JobLeaseRow {
  job: string;
  /** The replica that ran (or is running) the job last; '' until someone first wins. */
  holder: string;
  leaseUntil: Date;
  /** The cron tick the last run was for; a replica only wins a strictly later tick. */
  lastTick: Date | null;
  lastRunStartedAt: Date | null;
  lastRunFinishedAt: Date | null;
  /** Why the last run failed; null when it succeeded (or has not finished). */
  lastError: string | null;
}

interface RawLeaseRow {
  job: string;
  holder: string;
  lease_until: unknown;
  last_tick: unknown;
  last_run_started_at: unknown;
  last_run_finished_at: unknown;
  last_error: string | null;
}

/** Epoch: the lease a freshly inserted row starts with, expired for everybody. */
const NEVER = new Date(0);

/**
 * Leases that make a cron job run once per tick across replicas (DESIGN §9 "Scale-out").
 * A lease row, not MySQL `GET_LOCK`, because SQLite has no such lock and because the row
 * also records the tick and the outcome for status output.
 *
 * Taking the lease is ONE conditional UPDATE whose affected-row count says who won: on
 * MySQL/MariaDB the row lock makes a second concurrent UPDATE re-read the committed row,
 * whose `last_tick` no longer qualifies; on SQLite every store call is serialised.
 */
export class JobLeaseRepository {
  constructor(private readonly db: Database) {}

  /**
   * Takes `job` for `tick` when no run has taken this tick or a later one, and the lease
   * is free (expired, or already ours: a restarted replica with the same holder name).
   * True only for the one caller that won.
   */
  async tryAcquire(
    job: string,
    holder: string,
    tick: Date,
    leaseMs: number,
    now: Date,
  ): Promise<boolean> {
    if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
      throw new RangeError(
        `[changebridge/store] lease for job "${job}" must be a positive number of ms, got ${leaseMs}`,
      );
    }
    if (await this.acquireExisting(job, holder, tick, leaseMs, now)) return true;
    if (await this.exists(job)) return false;
    await this.insertPlaceholder(job);
    return this.acquireExisting(job, holder, tick, leaseMs, now);
  }

  /** Extends a lease we still hold; false when it was lost (expired and taken). */
  async renew(job: string, holder: string, leaseMs: number, now: Date): Promise<boolean> {
    const affected = await this.execute(
      'UPDATE job_leases SET lease_until = ? WHERE job = ? AND holder = ?',
      [this.db.sqlDate(new Date(now.getTime() + leaseMs)), job, holder],
    );
    return affected > 0;
  }

  /**
   * Ends our run: records when and how it finished and frees the lease at once, so the
   * next tick does not wait for it to expire. False when the lease was no longer ours.
   */
  async release(job: string, holder: string, finishedAt: Date, error?: string): Promise<boolean> {
    const at = this.db.sqlDate(finishedAt);
    const affected = await this.execute(
      'UPDATE job_leases SET lease_until = ?, last_run_finished_at = ?, last_error = ? ' +
        'WHERE job = ? AND holder = ?',
      [at, at, error ?? null, job, holder],
    );
    return affected > 0;
  }

  async list(): Promise<JobLeaseRow[]> {
    const rows: RawLeaseRow[] = await this.db.run((m) =>
      m.query(
        'SELECT job, holder, lease_until, last_tick, last_run_started_at, ' +
          'last_run_finished_at, last_error FROM job_leases ORDER BY job',
      ),
    );
    return rows.map((r) => ({
      job: r.job,
      holder: r.holder,
      leaseUntil: fromSqlDate(r.lease_until) ?? NEVER,
      lastTick: fromSqlDate(r.last_tick),
      lastRunStartedAt: fromSqlDate(r.last_run_started_at),
      lastRunFinishedAt: fromSqlDate(r.last_run_finished_at),
      lastError: r.last_error,
    }));
  }

  private async acquireExisting(
    job: string,
    holder: string,
    tick: Date,
    leaseMs: number,
    now: Date,
  ): Promise<boolean> {
    const t = this.db.sqlDate(tick);
    const n = this.db.sqlDate(now);
    const affected = await this.execute(
      'UPDATE job_leases SET holder = ?, lease_until = ?, last_tick = ?, last_run_started_at = ? ' +
        'WHERE job = ? AND (last_tick IS NULL OR last_tick < ?) AND (lease_until < ? OR holder = ?)',
      [holder, this.db.sqlDate(new Date(now.getTime() + leaseMs)), t, n, job, t, n, holder],
    );
    return affected > 0;
  }

  private async exists(job: string): Promise<boolean> {
    const rows: unknown[] = await this.db.run((m) =>
      m.query('SELECT job FROM job_leases WHERE job = ?', [job]),
    );
    return rows.length > 0;
  }

  /**
   * A never-run row with an expired lease, so the UPDATE above decides every race. When
   * another replica inserts it first, its row is just as good: the clash is ignored.
   */
  private async insertPlaceholder(job: string): Promise<void> {
    try {
      await this.execute("INSERT INTO job_leases (job, holder, lease_until) VALUES (?, '', ?)", [
        job,
        this.db.sqlDate(NEVER),
      ]);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  /**
   * Raw statement returning the affected-row count (typeorm's structured result). mysql2
   * connects with FOUND_ROWS, so MySQL counts matched rows: a renew or release that writes
   * the value already stored still reports the row as ours.
   */
  private execute(sql: string, params: unknown[]): Promise<number> {
    return this.db.run((m: EntityManager) => affected(m, sql, params));
  }
}
