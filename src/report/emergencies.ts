import type { Change, Deployment } from '../model/index.js';
import type { ReportInputs } from './build.js';
import type { ReportEmergency, ReportFinding } from './model.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** successful | successful_issues | unsuccessful (close code) | canceled | open | closed_no_code. */
export function outcomeOf(c: Pick<Change, 'state' | 'closeCode'>): string {
  if (c.state === 'canceled') return 'canceled';
  if (c.state !== 'closed') return 'open';
  return c.closeCode ?? 'closed_no_code';
}

export function emergencyOf(
  c: Change,
  deployments: readonly Deployment[],
  input: Pick<ReportInputs, 'emergencyReviewHours' | 'generatedAt'>,
  findings: ReportFinding[],
): ReportEmergency {
  // As `emergency-review`: implementation ends with the last production deployment's
  // finish, else the planned end; the review is the change's closure.
  let implemented: Date | null = null;
  for (const d of deployments)
    if (d.finishedAt && (!implemented || d.finishedAt > implemented)) implemented = d.finishedAt;
  implemented ??= c.plannedEnd;
  const due = implemented
    ? new Date(implemented.getTime() + input.emergencyReviewHours * 3_600_000)
    : null;
  let onTime: boolean | null = null;
  if (due && c.state !== 'canceled') {
    if (c.state === 'closed') onTime = !c.closedAt || c.closedAt.getTime() <= due.getTime();
    else if (input.generatedAt.getTime() > due.getTime()) onTime = false;
  }
  return {
    key: c.key,
    title: c.title,
    implementedAt: iso(implemented),
    closedAt: iso(c.closedAt),
    reviewDueAt: iso(due),
    reviewOnTime: onTime,
    findings,
  };
}
