import type { Finding } from '../model/index.js';
import type { ReportFinding, ReportWaiver } from './model.js';

/** Findings as the report shows them: plain JSON with the resolution said in words. */

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
const day = (d: Date): string => d.toISOString().slice(0, 10);

export function isDriftPolicy(policy: string): boolean {
  return policy.startsWith('drift-');
}

/**
 * How a finding ended, in words: `resolved <date>`, `waived by X: reason`; a drift
 * finding's own account (`evidence.resolution`, e.g. "corrective write to jira") first.
 */
export function resolutionText(f: Finding, personName: (id: string) => string): string | null {
  const own = f.evidence.resolution;
  if (isDriftPolicy(f.policy) && typeof own === 'string' && own.trim() !== '') return own;
  if (f.status === 'waived' && f.waiver) {
    const until = f.waiver.until ? ` (until ${day(f.waiver.until)})` : '';
    return `waived by ${personName(f.waiver.by)}: ${f.waiver.reason}${until}`;
  }
  if (f.status === 'resolved') return f.resolvedAt ? `resolved ${day(f.resolvedAt)}` : 'resolved';
  return null;
}

export function toReportFinding(
  f: Finding,
  changeKey: string | null,
  personName: (id: string) => string,
): ReportFinding {
  return {
    id: f.id,
    change: changeKey,
    policy: f.policy,
    severity: f.severity,
    blocking: f.blocking,
    status: f.status,
    message: f.message,
    firstSeenAt: f.firstSeenAt.toISOString(),
    resolvedAt: iso(f.resolvedAt),
    resolution: resolutionText(f, personName),
  };
}

export function toReportWaiver(
  f: Finding,
  changeKey: string | null,
  personName: (id: string) => string,
): ReportWaiver | null {
  if (!f.waiver) return null;
  return {
    finding: f.id,
    change: changeKey,
    policy: f.policy,
    by: personName(f.waiver.by),
    reason: f.waiver.reason,
    until: iso(f.waiver.until),
  };
}

/** Sort key: oldest first, then id, so every rendering lists findings in one order. */
export function byFirstSeen(a: ReportFinding, b: ReportFinding): number {
  return a.firstSeenAt.localeCompare(b.firstSeenAt) || a.id.localeCompare(b.id);
}
