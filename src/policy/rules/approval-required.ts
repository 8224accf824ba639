import { z } from 'zod';
import { isEffectiveApproval, RISKS, type Change, type Deployment } from '../../model/index.js';
import { defineRule, type PolicyContext } from '../types.js';
import {
  approvedApprovals,
  distinctApprovers,
  hasStartedImplementing,
  iso,
  matchesAny,
  productionDeployments,
  riskAtLeast,
  riskOf,
} from './approval-facts.js';
import { joinNames } from './required-fields.js';

/**
 * `approval-required` (DESIGN §6): a normal or emergency change is approved before
 * implementation starts or before any production deployment, with enough distinct approvers
 * for its risk and, from `cabRequiredFrom`, at least one CAB member among them. Standard
 * changes are pre-approved.
 */
const count = z.number().int().min(0);

const params = z.strictObject({
  types: z.array(z.enum(['normal', 'emergency'])).default(['normal', 'emergency']),
  /** Distinct effective approvers needed, by risk (an unassessed change counts as moderate). */
  minApprovers: z
    .strictObject({
      low: count.default(1),
      moderate: count.default(1),
      high: count.default(2),
      very_high: count.default(2),
    })
    .prefault({}),
  /** From this risk on, one approver must be a CAB member; null = never. */
  cabRequiredFrom: z.enum(RISKS).nullable().default('high'),
  /**
   * CAB members as Person ids or emails (case-insensitive). While empty there is no CAB to
   * ask, so only the approver count applies (a default set must not block every high-risk
   * change of a tenant that has not configured its CAB yet).
   */
  cabMembers: z.array(z.string().min(1)).default([]),
});
type Params = z.output<typeof params>;

const STATE_PHRASE: Partial<Record<Change['state'], string>> = {
  implement: 'is being implemented',
  review: 'is in review',
  closed: 'is closed',
};

/** A moment the change had to be approved by, and why. */
interface Checkpoint {
  trigger: 'state' | 'deployment';
  deployment: Deployment | null;
  at: Date;
}

interface Verdict {
  checkpoint: Checkpoint;
  counted: { id: string; approver: string }[];
  cabApproved: boolean;
}

export const approvalRequired = defineRule({
  id: 'approval-required',
  version: '1',
  description:
    'A normal or emergency change is approved, by enough approvers and the CAB for its risk, before implementation or a production deployment.',
  defaultSeverity: 'high',
  defaultBlocking: true,
  params,
  check(change, context, p, now) {
    if (change.state === 'canceled') return [];
    if (!(p.types as string[]).includes(change.type)) return [];
    const checkpoints = checkpointsOf(change, context, now);
    if (checkpoints.length === 0) return [];

    const risk = riskOf(change);
    const required = p.minApprovers[risk];
    // Without configured members there is no CAB to ask: only the approver count applies.
    const cabRequired = p.cabMembers.length > 0 && riskAtLeast(risk, p.cabRequiredFrom);
    const failing = checkpoints
      .map((cp) => verdict(cp, context, p))
      .filter(
        (v) =>
          change.approval !== 'approved' ||
          v.counted.length < required ||
          (cabRequired && !v.cabApproved),
      );
    const first = failing[0];
    if (!first) return [];

    const reasons: string[] = [];
    if (change.approval !== 'approved') reasons.push(`its approval is ${change.approval}`);
    if (first.counted.length < required)
      reasons.push(`it has ${first.counted.length} of ${required} required approvals`);
    if (cabRequired && !first.cabApproved) reasons.push('no CAB member approved it');
    const deployments = checkpoints.flatMap((cp) => (cp.deployment ? [cp.deployment.id] : []));
    const what =
      first.checkpoint.trigger === 'state'
        ? STATE_PHRASE[change.state]
        : `has a deployment to ${first.checkpoint.deployment?.environment ?? 'production'}`;
    return [
      {
        message: `Change ${change.key} ${what} but ${joinNames(reasons)}; get the change approved before implementing it.`,
        evidence: {
          change: change.key,
          type: change.type,
          risk: change.risk,
          state: change.state,
          approvalState: change.approval,
          requiredApprovers: required,
          cabRequired,
          approvalsCounted: first.counted,
          deployments,
          failing: failing.map((v) => ({
            trigger: v.checkpoint.trigger,
            deployment: v.checkpoint.deployment?.id ?? null,
            startedAt: iso(v.checkpoint.deployment?.startedAt ?? null),
            approvals: v.counted.map((a) => a.id),
            cabApproved: v.cabApproved,
          })),
        },
      },
    ];
  },
});

/**
 * The state checkpoint sits at the best known start of implementation: the first production
 * deployment, else the planned start if it has passed, else now. The state change itself is
 * not timed in the model, so an approval recorded late is given the benefit of the doubt
 * there; deployments have exact start times and approvals must predate them (an approval with
 * no decision time is taken as in time). A pending deployment not yet started is checked now.
 */
function checkpointsOf(change: Change, context: PolicyContext, now: Date): Checkpoint[] {
  const deployments = productionDeployments(context);
  const out: Checkpoint[] = deployments.map((d) => ({
    trigger: 'deployment',
    deployment: d,
    at: d.startedAt ?? now,
  }));
  if (hasStartedImplementing(change.state)) {
    const starts = deployments.flatMap((d) => (d.startedAt ? [d.startedAt.getTime()] : []));
    const planned = change.plannedStart?.getTime() ?? now.getTime();
    const at = new Date(Math.min(now.getTime(), planned, ...starts));
    out.unshift({ trigger: 'state', deployment: null, at });
  }
  return out;
}

function verdict(checkpoint: Checkpoint, context: PolicyContext, p: Params): Verdict {
  const atMs = checkpoint.at.getTime();
  const effective = approvedApprovals(context).filter(
    (a) =>
      isEffectiveApproval(a, checkpoint.at) &&
      (checkpoint.trigger === 'state' || a.decidedAt === null || a.decidedAt.getTime() <= atMs),
  );
  const counted = distinctApprovers(effective, context.people);
  return {
    checkpoint,
    counted: counted.map((a) => ({ id: a.id, approver: a.approver })),
    cabApproved: effective.some((a) => matchesAny(a.approver, p.cabMembers, context.people)),
  };
}
