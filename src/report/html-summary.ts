import { esc, hours, percent, table, words } from './html-format.js';
import type { ReportData, ReportIntegrity } from './model.js';
import { barChart, stackedBarChart, type ChartBar } from './svg-charts.js';

/** The report's opening sections: the integrity box, totals with charts, and metrics. */

const GREEN = '#2e7d32';
const AMBER = '#b7791f';
const RED = '#c62828';
const GREY = '#757575';
const BLUE = '#2f6fb2';

const TYPE_ORDER = ['standard', 'normal', 'emergency'];
const OUTCOME_ORDER = ['successful', 'successful_issues', 'unsuccessful', 'canceled', 'open'];
const OUTCOME_COLOR: Record<string, string> = {
  successful: GREEN,
  successful_issues: AMBER,
  unsuccessful: RED,
  canceled: GREY,
  open: BLUE,
};

/** Known keys in their natural order first, then anything else alphabetically. */
function ordered(keys: string[], order: string[]): string[] {
  const known = order.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !order.includes(k)).sort();
  return [...known, ...rest];
}

export function integritySection(integrity: ReportIntegrity): string {
  const { seq, hash } = integrity.auditHead;
  return `<dl class="integrity">
<dt>Audit chain head at generation</dt>
<dd>seq <span data-integrity="audit-seq">${esc(seq)}</span>, hash <code data-integrity="audit-hash">${esc(hash)}</code></dd>
<dt>SHA-256 of this report</dt>
<dd><code data-integrity="sha256">${esc(integrity.sha256)}</code></dd>
</dl>
<p class="muted">The report's SHA-256 is computed over this file with the value above replaced by 64 zeros.
Check it, and that the audit chain still contains the head above, with
<code>changebridge audit verify --report &lt;file&gt;</code>.</p>`;
}

function card(key: string, label: string, value: number, tone = ''): string {
  const cls = tone ? ` ${tone}` : '';
  return `<div class="card${cls}"><span class="num" data-total="${esc(key)}">${esc(value)}</span><span class="label">${esc(label)}</span></div>`;
}

export function totalsSection(data: ReportData): string {
  const t = data.totals;
  const cards = [
    card('changes', 'Changes', t.changes),
    card('deployments', 'Production deployments', t.deployments),
    card('merges', 'Protected-branch merges', t.merges),
    card('unauthorised', 'Unauthorised changes', t.unauthorised, t.unauthorised > 0 ? 'alert' : ''),
    card('open-findings', 'Open findings', t.openFindings),
    card('blocking-findings', 'Blocking findings', t.blockingFindings),
    card('emergencies', 'Emergency changes', data.metrics.emergencyChanges),
  ];
  const byType: ChartBar[] = ordered(Object.keys(t.byType), TYPE_ORDER).map((k) => ({
    label: k,
    value: t.byType[k as keyof typeof t.byType],
    color: k === 'emergency' ? RED : BLUE,
  }));
  const byOutcome: ChartBar[] = ordered(Object.keys(t.byOutcome), OUTCOME_ORDER).map((k) => ({
    label: words(k),
    value: t.byOutcome[k] ?? 0,
    color: OUTCOME_COLOR[k] ?? BLUE,
  }));
  const count = (kind: 'deployment' | 'merge', authorised: boolean) =>
    data.events.filter((e) => e.kind === kind && e.authorised === authorised).length;
  const authorisation = (['deployment', 'merge'] as const).map((kind) => ({
    label: kind === 'deployment' ? 'Deployments' : 'Merges',
    segments: [
      { label: 'authorised', value: count(kind, true), color: GREEN },
      { label: 'unauthorised', value: count(kind, false), color: RED },
    ],
  }));
  return `<div class="cards">\n${cards.join('\n')}\n</div>
<div class="charts">
<figure><figcaption>Changes by type</figcaption>${barChart('chart-types', 'Changes by type', byType)}</figure>
<figure><figcaption>Changes by outcome</figcaption>${barChart('chart-outcomes', 'Changes by outcome', byOutcome)}</figure>
<figure><figcaption>Authorised vs unauthorised deployments and merges</figcaption>${stackedBarChart('chart-authorised', 'Authorised vs unauthorised deployments and merges', authorisation)}</figure>
</div>`;
}

export function metricsSection(data: ReportData): string {
  const m = data.metrics;
  const cycle = ordered(Object.keys(m.approvalCycleHoursByType), TYPE_ORDER).map((type) => [
    `Approval cycle time — ${esc(type)}`,
    hours(m.approvalCycleHoursByType[type]),
    `Mean hours from the ${esc(type)} change's first record to its approval.`,
  ]);
  const rows = [
    [
      'Mean time to approve',
      hours(m.meanTimeToApproveHours),
      'Mean hours from approval requested to approved.',
    ],
    ...cycle,
    [
      'Change success rate',
      percent(m.changeSuccessRate),
      'Closed successful (incl. with issues) / closed, excluding canceled.',
    ],
    [
      'Change failure rate',
      percent(m.changeFailureRate),
      'Changes with a change-related incident / changes deployed.',
    ],
    ['Emergency change volume', esc(m.emergencyChanges), 'Emergency changes in the period.'],
    ['Rejection rate', percent(m.rejectionRate), 'Rejected / decided (approved + rejected).'],
  ].map(([name, value, def]) => [name ?? '', `<span class="num">${value}</span>`, def ?? '']);
  return table(['Metric', 'Value', 'Definition'], rows, 'metrics');
}
