import { isAbsolute, join, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import type { ScheduledJob } from '../ingest/index.js';
import type { Clock, Logger } from '../runtime/index.js';
import type { Store } from '../store/index.js';
import { collectReport } from './collect.js';
import { reportSettings } from './options.js';
import { reportFileName, writeReport } from './write-report.js';

const DAY_MS = 86_400_000;

/** Like the daemon's other schedules: short, renewed every third while the job runs. */
const REPORT_LEASE_MS = 30_000;

export interface ReportJobDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'reports' | 'policies' | 'tenants'>;
  /** `reports.dir` is relative to this folder. */
  cwd: string;
}

/**
 * The scheduled report (docs/reports.md): at each `reports.schedule` tick, the last
 * `periodDays` whole UTC days — from midnight `periodDays` days ago to the end of
 * yesterday — in every configured format, written to `reports.dir` as
 * `changebridge-report-<from>-<to>.<ext>`. A rerun for the same period overwrites.
 */
export function reportJob(deps: ReportJobDeps): ScheduledJob {
  const r = deps.config.reports;
  return {
    name: 'report',
    cron: r.schedule,
    leaseMs: REPORT_LEASE_MS,
    run: async (signal) => {
      const now = deps.clock.now();
      const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
      const from = new Date(today - r.periodDays * DAY_MS);
      const to = new Date(today - 1);
      const settings = reportSettings(deps.config, r.tenant);
      const data = await collectReport(deps.store, {
        from,
        to,
        tenant: r.tenant,
        now,
        ...settings,
      });
      const dir = isAbsolute(r.dir) ? r.dir : resolve(deps.cwd, r.dir);
      for (const format of r.formats) {
        if (signal.aborted) return;
        const written = await writeReport(data, format, join(dir, reportFileName(data, format)));
        deps.logger.info('report.written', {
          path: written.path,
          format,
          sha256: written.sha256,
          auditSeq: data.auditHead.seq,
          changes: data.totals.changes,
          unauthorised: data.totals.unauthorised,
        });
      }
    },
  };
}
