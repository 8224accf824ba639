/** `policy replay` (DESIGN §6, §9): re-evaluation of history with the current rules. */
import { Between, In, MoreThan } from 'typeorm';
import type { Finding } from '../../model/index.js';
import { diffFindings, MANAGED_POLICIES, type FindingTransition } from '../../policy/index.js';
import type { Clock } from '../../runtime/index.js';
import { ChangeEntity, type Store } from '../../store/index.js';
import type { PolicyHook } from '../../sync/index.js';
import { withDates } from './finding-dates.js';

export interface ReplayEntry {
  finding: string;
  policy: string;
  severity: string;
  blocking: boolean;
  transition: FindingTransition;
  message: string;
}

export interface ReplayChange {
  change: string;
  key: string;
  updatedAt: Date;
  wouldOpen: ReplayEntry[];
  wouldResolve: ReplayEntry[];
}

export interface ReplayReport {
  from: Date;
  to: Date;
  /** The time the rules were evaluated at: `to`, or now when `to` is later. */
  evaluatedAt: Date;
  changesEvaluated: number;
  /** Only changes with a difference. */
  changes: ReplayChange[];
  totals: { wouldOpen: number; wouldResolve: number };
}

const REPLAY_PAGE = 100;

/**
 * Dry run of the current rules over history: for each change updated in [from, to], the
 * findings the engine would open (or re-open) and resolve if it evaluated the change now.
 * Reads only; the same diff the sync applies (diffFindings), never written.
 */
export async function replayPolicies(
  deps: { store: Store; policy: PolicyHook; clock: Clock },
  range: { from: Date; to: Date },
): Promise<ReplayReport> {
  const { store, policy } = deps;
  const now = deps.clock.now();
  const evaluatedAt = range.to.getTime() < now.getTime() ? range.to : now;
  const report: ReplayReport = {
    from: range.from,
    to: range.to,
    evaluatedAt,
    changesEvaluated: 0,
    changes: [],
    totals: { wouldOpen: 0, wouldResolve: 0 },
  };
  let after = '';
  for (;;) {
    const page = await store.db.with(undefined, async (m) => {
      const changes = await m.getRepository(ChangeEntity).find({
        where: { id: MoreThan(after), updatedAt: Between(range.from, range.to) },
        order: { id: 'ASC' },
        take: REPLAY_PAGE,
      });
      if (changes.length === 0) return changes;
      const fresh = await policy.assess({ store, m, now: evaluatedAt }, changes);
      const stored = (await store.findings.find({ changeId: In(changes.map((c) => c.id)) }, m)).map(
        withDates,
      );
      for (const change of changes) {
        const mine = stored.filter((f) => f.changeId === change.id);
        const diff = diffFindings(mine, fresh.get(change.id) ?? [], MANAGED_POLICIES, evaluatedAt);
        const entry = (t: { finding: Finding; transition: FindingTransition }): ReplayEntry => ({
          finding: t.finding.id,
          policy: t.finding.policy,
          severity: t.finding.severity,
          blocking: t.finding.blocking,
          transition: t.transition,
          message: t.finding.message,
        });
        const wouldOpen = diff.transitions.filter((t) => t.transition !== 'resolved').map(entry);
        const wouldResolve = diff.transitions.filter((t) => t.transition === 'resolved').map(entry);
        if (wouldOpen.length + wouldResolve.length === 0) continue;
        report.changes.push({
          change: change.id,
          key: change.key,
          updatedAt: change.updatedAt,
          wouldOpen,
          wouldResolve,
        });
        report.totals.wouldOpen += wouldOpen.length;
        report.totals.wouldResolve += wouldResolve.length;
      }
      return changes;
    });
    if (page.length === 0) break;
    report.changesEvaluated += page.length;
    after = page[page.length - 1]!.id;
  }
  report.changes.sort((a, b) => a.key.localeCompare(b.key));
  return report;
}
