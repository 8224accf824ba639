import { z } from 'zod';
import { isEffectiveApproval, type Approval } from '../../model/index.js';
import { defineRule } from '../types.js';
import {
  approvedApprovals,
  displayName,
  hasStartedImplementing,
  iso,
  productionDeployments,
} from './approval-facts.js';

/**
 * `approval-expiry` (DESIGN §6): an approval is void if implementation has not started
 * within its validity window. Implementation has started when the change is in
 * implement/review/closed, or when a production deployment started by the end of the window
 * (inclusive, like `isEffectiveApproval`).
 */
const DAY_MS = 86_400_000;

const params = z.strictObject({
  /**
   * Validity applied from `decidedAt` when the approval has no `validUntil`; 0 = none. Days
   * are exact 24 h spans of UTC time: a window is a duration, so DST shifts do not move it.
   */
  defaultValidityDays: z.number().min(0).default(0),
});

export const approvalExpiry = defineRule({
  id: 'approval-expiry',
  version: '1',
  description: 'An approval lapses if implementation has not started within its validity window.',
  defaultSeverity: 'medium',
  defaultBlocking: true,
  params,
  check(change, context, p, now) {
    if (change.state === 'canceled' || hasStartedImplementing(change.state)) return [];
    const starts = productionDeployments(context).flatMap((d) =>
      d.startedAt ? [{ id: d.id, at: d.startedAt }] : [],
    );
    return approvedApprovals(context).flatMap((approval) => {
      const window = validityOf(approval, p.defaultValidityDays);
      if (!window) return [];
      const lapsed = { ...approval, validUntil: window.until };
      if (isEffectiveApproval(lapsed, now)) return [];
      const inTime = starts.find((s) => s.at.getTime() <= window.until.getTime());
      if (inTime) return [];
      const name = displayName(approval.approver, context.people);
      const until = window.until.toISOString();
      return [
        {
          discriminator: approval.id,
          message: `The approval of change ${change.key} by ${name} expired at ${until} before implementation started; ask for the change to be approved again.`,
          evidence: {
            change: change.key,
            state: change.state,
            approval: approval.id,
            approver: approval.approver,
            decidedAt: iso(approval.decidedAt),
            validUntil: until,
            validitySource: window.source,
            productionDeploymentsStarted: starts.map((s) => s.id),
          },
        },
      ];
    });
  },
});

function validityOf(
  approval: Approval,
  defaultDays: number,
): { until: Date; source: 'approval' | 'default' } | null {
  if (approval.validUntil) return { until: approval.validUntil, source: 'approval' };
  if (defaultDays <= 0 || !approval.decidedAt) return null;
  return {
    until: new Date(approval.decidedAt.getTime() + defaultDays * DAY_MS),
    source: 'default',
  };
}
