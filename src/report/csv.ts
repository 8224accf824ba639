import type { ReportApproval, ReportData } from './model.js';

/**
 * The report as one spreadsheet (RFC 4180): a header row, then one row per change and one
 * per production deployment or protected-branch merge, told apart by `row_type`. Lines end
 * in CRLF, as the RFC says; a field is quoted when it holds a comma, a quote, CR or LF,
 * with quotes doubled. Everything else the report holds is in the JSON format.
 */
export const CSV_COLUMNS = [
  'row_type',
  'key',
  'title',
  'type',
  'state',
  'outcome',
  'approval',
  'approvers',
  'repo',
  'target',
  'sha',
  'at',
  'actor',
  'change',
  'authorised',
  'findings',
  'blocking_findings',
  'url',
] as const;

type Row = Record<(typeof CSV_COLUMNS)[number], string>;

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** "Jane Doe (servicenow, 2026-11-03T09:00:00.000Z); …" — approved or not, as recorded. */
export function approversText(approvals: readonly ReportApproval[]): string {
  return approvals
    .map(
      (a) => `${a.approver} (${a.system}, ${a.decision}${a.decidedAt ? `, ${a.decidedAt}` : ''})`,
    )
    .join('; ');
}

const empty: Row = Object.fromEntries(CSV_COLUMNS.map((c) => [c, ''])) as Row;

export function renderCsv(data: ReportData): string {
  const rows: Row[] = [];
  for (const c of data.changes) {
    const blocking = c.findings.filter((f) => f.blocking && f.status === 'open').length;
    rows.push({
      ...empty,
      row_type: 'change',
      key: c.key,
      title: c.title,
      type: c.type,
      state: c.state,
      outcome: c.outcome,
      approval: c.approval,
      approvers: approversText(c.approvals),
      at: c.plannedStart ?? '',
      findings: String(c.findings.length),
      blocking_findings: String(blocking),
      url: c.records.find((r) => r.url)?.url ?? '',
    });
  }
  for (const e of data.events) {
    const blocking = e.findings.filter((f) => f.blocking && f.status === 'open').length;
    rows.push({
      ...empty,
      row_type: e.kind,
      key: e.ref.key,
      title: e.change?.title ?? '',
      approvers: approversText(e.approvals),
      repo: e.repo,
      target: e.target,
      sha: e.sha ?? '',
      at: e.at ?? '',
      actor: e.actor ?? '',
      change: e.change?.key ?? '',
      authorised: e.authorised ? 'yes' : 'no',
      findings: String(e.findings.length),
      blocking_findings: String(blocking),
      url: e.ref.url ?? '',
    });
  }
  const lines = [
    CSV_COLUMNS.join(','),
    ...rows.map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
