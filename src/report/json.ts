import type { ReportData, ReportIntegrity } from './model.js';

/** The JSON report: every field of the report, plus its integrity block, pretty-printed. */
export function renderJson(data: ReportData, integrity: ReportIntegrity): string {
  return `${JSON.stringify({ ...data, integrity }, null, 2)}\n`;
}
