import { z } from 'zod';
import { cron, identifier, int, text } from './schema-helpers.js';

/**
 * `reports:` (docs/reports.md): the scheduled auditor's report — where it is written, when,
 * over how many days, in which formats, and for which tenant (null: all of them).
 */
export const reportsSchema = z
  .strictObject({
    dir: text('a folder for report files').default('./reports'),
    schedule: cron().default('0 6 * * 1'),
    periodDays: int(1, 366).default(7),
    formats: z
      .array(z.enum(['html', 'csv', 'json']))
      .min(1)
      .default(['html', 'json']),
    tenant: identifier().nullable().default(null),
  })
  .prefault({});

export type ReportsConfig = z.output<typeof reportsSchema>;
