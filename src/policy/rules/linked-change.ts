import { z } from 'zod';
import {
  isProductionEnvironment,
  withinPlannedWindow,
  type Change,
  type CodeChange,
  type Deployment,
} from '../../model/index.js';
import { isProtectedBranch } from '../branches.js';
import { defineRule, type RuleFinding } from '../types.js';

/**
 * `linked-change` (DESIGN §6): every merge to a protected branch and every production
 * deployment linked to the change must be covered by it, i.e. the change is approved
 * (`approval === 'approved'`, or a pre-approved standard change) and the event lies inside
 * the planned window (inclusive, widened by `graceMinutes` on both edges).
 *
 * Event time: a merge's `mergedAt`; a deployment's `startedAt`. A deployment without
 * `startedAt` uses, in order: `finishedAt` (it ran, we missed the start), `now` when it is
 * still `pending` (the gate asks about a deployment about to start), else its `updatedAt`
 * (an `in_progress` record with no times: when we learned it was running). A canceled
 * deployment that never started is not an event. One finding per uncovered event,
 * discriminated by the code change / deployment id.
 */
const params = z.strictObject({
  /** Check merges to protected branches (deployments are always checked). */
  mergesCount: z.boolean().default(true),
  /** A standard change is pre-approved: its approval state is not looked at. */
  allowStandard: z.boolean().default(true),
  /** Tolerance on both edges of the planned window, for clock skew and pipeline queues. */
  graceMinutes: z.number().int().min(0).default(0),
});
type Params = z.output<typeof params>;

type Problem = 'not_approved' | 'outside_window';

interface Event {
  id: string;
  at: Date;
  /** "Pull request acme/payments#12 was merged to main at …" */
  description: string;
  evidence: Record<string, unknown>;
}

export const linkedChange = defineRule({
  id: 'linked-change',
  version: '1',
  description:
    'Merges to protected branches and production deployments happen under an approved change, inside its window.',
  defaultSeverity: 'high',
  defaultBlocking: true,
  params,
  check(change, context, p, now) {
    const events: Event[] = [];
    if (p.mergesCount) {
      for (const cc of context.codeChanges) {
        if (cc.mergedAt && isProtectedBranch(cc.targetBranch, context.org.protectedBranches))
          events.push(mergeEvent(cc, cc.mergedAt));
      }
    }
    for (const d of context.deployments) {
      if (!isProductionEnvironment(d.environment, context.org.productionEnvironments)) continue;
      const event = deploymentEvent(d, now);
      if (event) events.push(event);
    }
    const findings: RuleFinding[] = [];
    for (const event of events) {
      const problems = problemsOf(change, event.at, p);
      if (problems.length === 0) continue;
      findings.push({
        discriminator: event.id,
        message: `${event.description}, ${problems.map((pr) => phrase(change, pr, problems)).join(' and ')}; ${fix(change, problems)}.`,
        evidence: {
          change: change.key,
          type: change.type,
          approval: change.approval,
          plannedStart: change.plannedStart?.toISOString() ?? null,
          plannedEnd: change.plannedEnd?.toISOString() ?? null,
          graceMinutes: p.graceMinutes,
          problems,
          ...event.evidence,
        },
      });
    }
    return findings;
  },
});

function problemsOf(change: Change, at: Date, p: Params): Problem[] {
  const problems: Problem[] = [];
  const approved =
    change.approval === 'approved' || (p.allowStandard && change.type === 'standard');
  if (!approved) problems.push('not_approved');
  const grace = p.graceMinutes * 60_000;
  const widened = {
    plannedStart: change.plannedStart && new Date(change.plannedStart.getTime() - grace),
    plannedEnd: change.plannedEnd && new Date(change.plannedEnd.getTime() + grace),
  };
  if (!withinPlannedWindow(widened, at)) problems.push('outside_window');
  return problems;
}

function phrase(change: Change, problem: Problem, all: readonly Problem[]): string {
  if (problem === 'not_approved') {
    return change.approval === 'rejected'
      ? `although ${change.key} was rejected`
      : `before ${change.key} was approved`;
  }
  if (!change.plannedStart || !change.plannedEnd)
    return `outside any planned window (${change.key} has none)`;
  const window = all.includes('not_approved') ? 'planned window' : 'approved window';
  return `outside the ${window} of ${change.key} (${formatWindow(change.plannedStart, change.plannedEnd)})`;
}

function fix(change: Change, problems: readonly Problem[]): string {
  return problems.includes('not_approved')
    ? `get ${change.key} approved or link the work to an approved change whose window covers it`
    : `correct the planned window of ${change.key} or link the work to an approved change whose window covers it`;
}

function mergeEvent(cc: CodeChange, mergedAt: Date): Event {
  const ref =
    cc.system === 'gitlab'
      ? `Merge request ${cc.repo}!${cc.number}`
      : `Pull request ${cc.repo}#${cc.number}`;
  return {
    id: cc.id,
    at: mergedAt,
    description: `${ref} was merged to ${cc.targetBranch} at ${formatUtc(mergedAt)}`,
    evidence: {
      event: 'merge',
      codeChange: cc.id,
      repo: cc.repo,
      number: cc.number,
      targetBranch: cc.targetBranch,
      mergedAt: mergedAt.toISOString(),
      mergeSha: cc.mergeSha,
    },
  };
}

function deploymentEvent(d: Deployment, now: Date): Event | null {
  let at: Date;
  let timeSource: 'startedAt' | 'finishedAt' | 'now' | 'updatedAt';
  if (d.startedAt) [at, timeSource] = [d.startedAt, 'startedAt'];
  else if (d.status === 'canceled') return null;
  else if (d.finishedAt) [at, timeSource] = [d.finishedAt, 'finishedAt'];
  else if (d.status === 'pending') [at, timeSource] = [now, 'now'];
  else [at, timeSource] = [d.updatedAt, 'updatedAt'];
  const what = `A deployment of ${d.repo} (${d.sha.slice(0, 7)}) to ${d.environment}`;
  const verb = timeSource === 'now' ? 'is about to start at' : 'started at';
  return {
    id: d.id,
    at,
    description: `${what} ${verb} ${formatUtc(at)}`,
    evidence: {
      event: 'deployment',
      deployment: d.id,
      repo: d.repo,
      sha: d.sha,
      environment: d.environment,
      status: d.status,
      eventAt: at.toISOString(),
      timeSource,
    },
  };
}

/** "2026-11-03 09:30 UTC". */
function formatUtc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2026-11-03 09:00–11:00 UTC", or both dates when the window spans days. */
function formatWindow(start: Date, end: Date): string {
  const s = formatUtc(start);
  const e = formatUtc(end);
  return s.slice(0, 10) === e.slice(0, 10) ? `${s.slice(0, 16)}–${e.slice(11)}` : `${s} – ${e}`;
}
