import { z } from 'zod';
import { independentApprovers, RISKS, type Approval, type Person } from '../../model/index.js';
import { defineRule, type RuleFinding } from '../types.js';
import {
  approvedApprovals,
  displayName,
  productionDeployments,
  riskAtLeast,
  riskOf,
  sameHuman,
} from './approval-facts.js';

/**
 * `separation-of-duties` (DESIGN §6): the requester, the PR/MR authors and the production
 * deployers are not among the approvers, compared as humans (Person id, or the same email on
 * two Person ids); from `highRiskFrom`, every merged PR/MR has an approving reviewer other
 * than its author. One finding per conflicting record, so fixing one resolves just that one.
 */
const params = z.strictObject({
  /** From this risk on, merged code needs an independent reviewer; null = never. */
  highRiskFrom: z.enum(RISKS).nullable().default('high'),
});

type People = ReadonlyMap<string, Person>;

export const separationOfDuties = defineRule({
  id: 'separation-of-duties',
  version: '1',
  description:
    'Requester, PR authors and deployers are not approvers; high-risk code has an independent reviewer.',
  defaultSeverity: 'high',
  defaultBlocking: true,
  params,
  check(change, context, p) {
    if (change.state === 'canceled') return [];
    const approvals = approvedApprovals(context);
    const people = context.people;
    const findings: RuleFinding[] = [];

    const conflict = (
      role: string,
      person: string | null,
      discriminator: string,
      record: Record<string, unknown>,
    ): void => {
      if (person === null) return;
      const own = approvals.filter((a) => sameHuman(a.approver, person, people));
      if (own.length === 0) return;
      findings.push({
        discriminator,
        message: `Change ${change.key} was approved by ${names(own, people)}, who also ${role}; have someone independent approve it instead.`,
        evidence: {
          change: change.key,
          ...record,
          person,
          approvals: own.map((a) => ({ id: a.id, approver: a.approver })),
        },
      });
    };

    const requester = change.requestedBy;
    conflict('requested it', requester, `requester:${requester}`, { role: 'requester' });
    for (const cc of context.codeChanges)
      conflict(`wrote ${ref(cc)}`, cc.author, `author:${cc.id}`, {
        role: 'author',
        codeChange: cc.id,
      });
    for (const d of productionDeployments(context))
      conflict(`deployed it to ${d.environment}`, d.actor, `deployer:${d.id}`, {
        role: 'deployer',
        deployment: d.id,
      });

    if (riskAtLeast(riskOf(change), p.highRiskFrom)) {
      for (const cc of context.codeChanges) {
        if (cc.mergedAt === null) continue;
        const author = cc.author;
        const reviewers = independentApprovers(cc).filter(
          (r) => author === null || !sameHuman(r, author, people),
        );
        if (reviewers.length > 0) continue;
        findings.push({
          discriminator: `review:${cc.id}`,
          message: `Change ${change.key} is ${riskOf(change).replace('_', ' ')} risk but its ${ref(cc)} was merged without an approving review from someone other than its author; have another engineer review and approve it.`,
          evidence: {
            change: change.key,
            risk: change.risk,
            role: 'reviewer',
            codeChange: cc.id,
            author,
            mergedAt: cc.mergedAt.toISOString(),
            reviewers: cc.reviewers.map((r) => ({ reviewer: r.reviewer, verdict: r.verdict })),
          },
        });
      }
    }
    return findings;
  },
});

/** "pull request acme/payments#12" or "merge request group/app!12". */
function ref(cc: { system: string; repo: string; number: number }): string {
  return `${cc.system === 'gitlab' ? 'merge request' : 'pull request'} ${cc.repo}${cc.system === 'gitlab' ? '!' : '#'}${cc.number}`;
}

function names(approvals: readonly Approval[], people: People): string {
  return [...new Set(approvals.map((a) => displayName(a.approver, people)))].join(' and ');
}
