import {
  approvalList,
  esc,
  findingList,
  link,
  NONE,
  orDash,
  refLink,
  shortSha,
  table,
  when,
  words,
  yesNo,
} from './html-format.js';
import type { ReportData } from './model.js';

/**
 * The HTML report's sections in the order the issue lists the contents. `REPORT_SECTIONS`
 * is the table of contents and the order; tests use it to check every heading is there.
 * The record tables are here, one pure function each; the opening ones in html-summary.ts.
 */
export const REPORT_SECTIONS = [
  { id: 'integrity', title: 'Integrity' },
  { id: 'totals', title: 'Totals' },
  { id: 'metrics', title: 'Metrics' },
  { id: 'events', title: 'Production deployments and protected-branch merges' },
  { id: 'unauthorised', title: 'Unauthorised changes' },
  { id: 'drift', title: 'Drift findings and resolution' },
  { id: 'waivers', title: 'Waivers' },
  { id: 'emergencies', title: 'Emergency changes and reviews' },
  { id: 'changes', title: 'Changes' },
  { id: 'reconciliations', title: 'Reconciliation runs' },
] as const;

export type SectionId = (typeof REPORT_SECTIONS)[number]['id'];

export function eventsSection(data: ReportData): string {
  if (data.events.length === 0) return NONE;
  const rows = data.events.map((e) => [
    esc(e.kind),
    when(e.at),
    `${esc(e.repo)}<br><span class="muted">${e.kind === 'deployment' ? 'env' : 'branch'}</span> ${esc(e.target)}`,
    `${refLink(e.ref)}<br>${shortSha(e.sha)}`,
    orDash(e.actor),
    e.change
      ? `${link(e.change.key, e.change.url)}<br><span class="muted">${esc(e.change.title)}</span>`
      : '<span class="bad">no change</span>',
    approvalList(e.approvals),
    findingList(e.findings),
    yesNo(e.authorised),
  ]);
  const headers = ['Kind', 'When', 'Repository / target', 'Record', 'Actor', 'Change'];
  return table([...headers, 'Approval evidence', 'Findings', 'Authorised'], rows, 'records');
}

export function unauthorisedSection(data: ReportData): string {
  if (data.unauthorised.length === 0) return NONE;
  const rows = data.unauthorised.map((u) => [
    esc(u.kind),
    when(u.at),
    refLink(u.ref),
    esc(u.repo),
    esc(u.target),
    shortSha(u.sha),
    orDash(u.actor),
    esc(u.reason),
  ]);
  const headers = ['Kind', 'When', 'Record', 'Repository', 'Target', 'Commit', 'Actor', 'Reason'];
  return table(headers, rows, 'records');
}

export function driftSection(data: ReportData): string {
  if (data.drift.length === 0) return NONE;
  const open = data.drift.filter((f) => f.resolvedAt === null).length;
  const rows = data.drift.map((f) => [
    `<code>${esc(f.id)}</code>`,
    orDash(f.change),
    `<code>${esc(f.policy)}</code>`,
    `${esc(f.severity)}${f.blocking ? '<br><strong class="bad">blocking</strong>' : ''}`,
    esc(f.message),
    when(f.firstSeenAt),
    f.resolvedAt ? when(f.resolvedAt) : `<span class="bad">${esc(f.status)}</span>`,
    orDash(f.resolution),
  ]);
  const headers = ['Finding', 'Change', 'Policy', 'Severity', 'Drift', 'First seen', 'Resolved'];
  return (
    `<p>${data.drift.length} drift finding(s): ${data.drift.length - open} resolved, ${open} open.</p>\n` +
    table([...headers, 'Resolution'], rows, 'records')
  );
}

export function waiversSection(data: ReportData): string {
  if (data.waivers.length === 0) return NONE;
  const rows = data.waivers.map((w) => [
    `<code>${esc(w.finding)}</code>`,
    orDash(w.change),
    `<code>${esc(w.policy)}</code>`,
    esc(w.by),
    esc(w.reason),
    w.until ? when(w.until) : 'no expiry',
  ]);
  return table(['Finding', 'Change', 'Policy', 'Waived by', 'Reason', 'Until'], rows, 'records');
}

function review(onTime: boolean | null): string {
  if (onTime === null) return '<span class="muted">not reviewed yet</span>';
  return onTime ? '<span class="ok">on time</span>' : '<strong class="bad">late</strong>';
}

export function emergenciesSection(data: ReportData): string {
  if (data.emergencies.length === 0) return NONE;
  const urls = new Map(data.changes.map((c) => [c.key, c.records.find((r) => r.url)?.url]));
  const rows = data.emergencies.map((e) => [
    link(e.key, urls.get(e.key)),
    esc(e.title),
    when(e.implementedAt),
    when(e.closedAt),
    when(e.reviewDueAt),
    review(e.reviewOnTime),
    findingList(e.findings),
  ]);
  const headers = ['Change', 'Title', 'Implemented', 'Closed', 'Review due', 'Review'];
  return table([...headers, 'Findings'], rows, 'records');
}

export function changesSection(data: ReportData): string {
  if (data.changes.length === 0) return NONE;
  const rows = data.changes.map((c) => [
    `<strong>${esc(c.key)}</strong><br>${esc(c.title)}`,
    `${esc(c.type)}<br><span class="muted">risk</span> ${orDash(c.risk)}`,
    `${esc(c.state)}<br><span class="muted">approval</span> ${esc(c.approval)}<br><span class="muted">outcome</span> ${esc(words(c.outcome))}`,
    `${when(c.plannedStart)}<br>→ ${when(c.plannedEnd)}`,
    when(c.closedAt),
    c.records.length
      ? `<ul class="plain">${c.records.map((r) => `<li>${refLink(r)}</li>`).join('')}</ul>`
      : '<span class="muted">none</span>',
    approvalList(c.approvals),
    findingList(c.findings),
  ]);
  const headers = ['Change', 'Type / risk', 'State', 'Planned window', 'Closed', 'Records'];
  return table([...headers, 'Approval evidence', 'Findings'], rows, 'records');
}

export function reconciliationsSection(data: ReportData): string {
  if (data.reconciliations.length === 0) return NONE;
  const rows = data.reconciliations.map((r) => [
    `<code>${esc(r.id)}</code>`,
    when(r.startedAt),
    r.finishedAt ? when(r.finishedAt) : '<span class="muted">unfinished</span>',
    esc(r.scope),
    `<span class="num">${esc(r.checked)}</span>`,
    `<span class="num">${esc(r.opened)}</span>`,
    `<span class="num">${esc(r.resolved)}</span>`,
  ]);
  const headers = ['Run', 'Started', 'Finished', 'Scope', 'Checked', 'Findings opened'];
  return table([...headers, 'Findings resolved'], rows, 'records');
}
