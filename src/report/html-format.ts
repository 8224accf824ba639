import type { ReportApproval, ReportFinding, ReportRef } from './model.js';

/**
 * Small pure formatters shared by the HTML report's sections and charts. Every string that
 * comes from the report data goes through `esc` before it is placed in markup: titles,
 * names and messages are copied from ServiceNow, Jira and Git hosts and are not ours.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** HTML-escapes text for element content and attribute values alike. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Only absolute http(s) URLs become links; anything else (`javascript:`, relative) is text. */
export function isSafeUrl(url: string | null | undefined): url is string {
  return typeof url === 'string' && /^https?:\/\/[^\s]/i.test(url);
}

/** A link when the URL is safe, otherwise the label as plain text. */
export function link(label: string, url: string | null | undefined): string {
  if (!isSafeUrl(url)) return esc(label);
  return `<a href="${esc(url)}" rel="noopener noreferrer">${esc(label)}</a>`;
}

/** A record in its own system: "ServiceNow CHG0030001" linked to the record. */
export function refLink(ref: ReportRef): string {
  const label = `${ref.system} ${ref.key}`;
  const unsafe =
    ref.url && !isSafeUrl(ref.url) ? ` <span class="muted">(${esc(ref.url)})</span>` : '';
  return link(label, ref.url) + unsafe;
}

/**
 * ISO 8601 → "2026-03-14 02:40 UTC" inside a <time> element. Always UTC, so the same
 * data renders the same bytes wherever the report is generated. Unparseable text is
 * shown as given rather than hidden.
 */
export function when(iso: string | null | undefined): string {
  if (!iso) return '<span class="muted">—</span>';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return esc(iso);
  const text = d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  return `<time datetime="${esc(iso)}">${text}</time>`;
}

/** A rate in [0, 1] as a percentage with one decimal; "n/a" for null. */
export function percent(rate: number | null): string {
  return rate === null || !Number.isFinite(rate) ? 'n/a' : `${(rate * 100).toFixed(1)}%`;
}

/** Hours with one decimal; "n/a" for null. */
export function hours(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? 'n/a'
    : `${value.toFixed(1)} h`;
}

export function yesNo(value: boolean): string {
  return value ? '<span class="ok">yes</span>' : '<span class="bad">no</span>';
}

/** Approval evidence as the auditor reads it: "name — decision — time — system". */
export function approvalList(approvals: ReportApproval[]): string {
  if (approvals.length === 0) return '<span class="muted">no approval recorded</span>';
  const items = approvals.map((a) => {
    const at = a.decidedAt ? when(a.decidedAt) : '<span class="muted">undecided</span>';
    return `<li>${esc(a.approver)} — ${esc(a.decision)} — ${at} — ${esc(a.system)}</li>`;
  });
  return `<ul class="plain">${items.join('')}</ul>`;
}

/** Findings in a cell: "[blocking] high drift-window: message (open)". */
export function findingList(findings: ReportFinding[]): string {
  if (findings.length === 0) return '<span class="muted">none</span>';
  const items = findings.map((f) => {
    const blocking = f.blocking ? '<strong class="bad">blocking</strong> ' : '';
    return (
      `<li>${blocking}<span class="sev">${esc(f.severity)}</span> ` +
      `<code>${esc(f.policy)}</code>: ${esc(f.message)} <span class="muted">(${esc(f.status)})</span></li>`
    );
  });
  return `<ul class="plain">${items.join('')}</ul>`;
}

/** A commit sha shortened to 12 characters, the full value in a tooltip. */
export function shortSha(sha: string | null): string {
  if (!sha) return '<span class="muted">—</span>';
  return `<code class="sha" title="${esc(sha)}">${esc(sha.slice(0, 12))}</code>`;
}

export function orDash(value: string | null | undefined): string {
  return value ? esc(value) : '<span class="muted">—</span>';
}

/** A table with a header row; `rows` are already-rendered cell markup. */
export function table(headers: string[], rows: string[][], className = ''): string {
  const head = headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  const cls = className ? ` class="${esc(className)}"` : '';
  return `<table${cls}>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** `successful_issues` → `successful issues`. */
export const words = (key: string): string => key.replace(/_/g, ' ');

export const NONE = '<p class="none">None in this period.</p>';
