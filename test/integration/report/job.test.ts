import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportsSchema } from '../../../src/config/reports.js';
import { policiesSchema } from '../../../src/config/policies.js';
import { reportJob } from '../../../src/report/job.js';
import { createMemoryLogger, ManualClock } from '../../../src/runtime/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { seedReportWorld } from './seed.js';

describeEachDatabase('scheduled report job', (dialect) => {
  const handle = useTestDatabase(dialect);

  it('writes the last whole days in every configured format, named by period', async () => {
    const { store } = await seedReportWorld(handle.get());
    const cwd = mkdtempSync(join(tmpdir(), 'cb-report-job-'));
    const logger = createMemoryLogger();
    const job = reportJob({
      store,
      clock: new ManualClock('2026-11-09T06:00:00.000Z'),
      logger: logger.logger,
      cwd,
      config: {
        reports: reportsSchema.parse({ dir: 'out', formats: ['html', 'json', 'csv'] }),
        policies: policiesSchema.parse({ productionEnvironments: ['production'] }),
        tenants: { default: 'default' },
      },
    });
    expect(job).toMatchObject({ name: 'report', cron: '0 6 * * 1' });
    await job.run(new AbortController().signal);
    const base = 'changebridge-report-2026-11-02-2026-11-08';
    expect(readdirSync(join(cwd, 'out')).sort()).toEqual([
      `${base}.csv`,
      `${base}.csv.seal.json`,
      `${base}.html`,
      `${base}.json`,
    ]);
    const data = JSON.parse(readFileSync(join(cwd, 'out', `${base}.json`), 'utf8'));
    expect(data.period).toEqual({
      from: '2026-11-02T00:00:00.000Z',
      to: '2026-11-08T23:59:59.999Z',
    });
    expect(data.totals.changes).toBe(6);
    const written = logger.lines().filter((l) => l.event === 'report.written');
    expect(written.map((l) => l.format)).toEqual(['html', 'json', 'csv']);
  });
});
