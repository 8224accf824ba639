import { withinPlannedWindow, type Change } from '../model/index.js';
import type { Activity, Discrepancy } from './types.js';

/**
 * Unauthorised change (DESIGN §7): a production deployment, a merge to a protected branch
 * or a direct push to one that no approved change covers, i.e. no linked change that is
 * approved (or standard, pre-approved) and whose planned window contains the event. The
 * runner has already picked production environments, protected branches and direct pushes.
 */
export function findUnauthorised(activity: readonly Activity[], now: Date): Discrepancy[] {
  const out: Discrepancy[] = [];
  for (const a of activity) {
    const at = a.at ?? now;
    if (a.changes.some((c) => covers(c, at))) continue;
    const linked = a.changes[0] ?? null;
    out.push({
      policy: 'unauthorised-change',
      changeId: linked?.id ?? null,
      subject: a.key,
      discriminator: a.recordId,
      severity: 'critical',
      message: sentence(a, linked),
      evidence: {
        record: a.recordId,
        kind: a.kind,
        repo: a.repo,
        target: a.target,
        sha: a.sha,
        at: a.at?.toISOString() ?? null,
        actor: a.actor,
        url: a.url,
        changes: a.changes.map((c) => ({ key: c.key, approval: c.approval, state: c.state })),
      },
      correction: null,
    });
  }
  return out;
}

/** Approved (a standard change is pre-approved unless rejected), not canceled, in window. */
function covers(change: Change, at: Date): boolean {
  if (change.state === 'canceled') return false;
  const approved =
    change.approval === 'approved' ||
    (change.type === 'standard' && change.approval !== 'rejected');
  return approved && withinPlannedWindow(change, at);
}

function sentence(a: Activity, linked: Change | null): string {
  const when = a.at ? ` at ${a.at.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  const what =
    a.kind === 'deployment'
      ? `${a.key} was deployed to ${a.target}${when}`
      : a.kind === 'merge'
        ? `${a.key} was merged to ${a.target}${when}`
        : `${a.key} was pushed straight to ${a.target}${when}`;
  if (!linked) return `${what} with no change at all.`;
  return `${what}, but ${linked.key} did not cover it (${linked.approval.replace(/_/g, ' ')}, ${linked.state}, window ${window(linked)}).`;
}

function window(c: Change): string {
  if (!c.plannedStart || !c.plannedEnd) return 'none';
  const f = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
  return `${f(c.plannedStart)}–${f(c.plannedEnd)} UTC`;
}
