import { z } from 'zod';
import type { Approval, Change, Person } from '../../model/index.js';
import { defineRule } from '../types.js';
import { approvedApprovals, displayName, matchesAny } from './approval-facts.js';
import { joinNames } from './required-fields.js';

/**
 * `approval-authority` (DESIGN §6): everyone who approved a change is in the authority
 * matrix for each affected service. The matrix maps a service name (case-insensitive) to
 * the Person ids or emails allowed to approve changes to it; the `'*'` entry names approvers
 * allowed for every service (it is added to each service's list, and alone constrains the
 * services with no entry of their own). A service with neither entry is unconstrained.
 */
const WILDCARD = '*';

const params = z.strictObject({
  matrix: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
  /**
   * When true, an approval delegated to someone outside the matrix still counts if the person
   * who delegated it (`delegatedFrom`) is authorised. Off by default: the approver acts.
   */
  allowDelegation: z.boolean().default(false),
});

type People = ReadonlyMap<string, Person>;

export const approvalAuthority = defineRule({
  id: 'approval-authority',
  version: '1',
  description: 'Each approver is in the authority matrix for every affected service.',
  defaultSeverity: 'high',
  defaultBlocking: true,
  params,
  check(change, context, p) {
    if (change.state === 'canceled') return [];
    const constraints = constraintsFor(change, p.matrix);
    if (constraints.length === 0) return [];
    return approvedApprovals(context).flatMap((approval) => {
      const services = constraints
        .filter(({ allowed }) => !authorised(approval, allowed, p.allowDelegation, context.people))
        .map(({ service }) => service);
      if (services.length === 0) return [];
      const name = displayName(approval.approver, context.people);
      const scope = services[0] === WILDCARD ? 'any service' : joinNames(services);
      return [
        {
          discriminator: approval.id,
          message: `${name} approved change ${change.key} but is not authorised to approve changes to ${scope}; have an approver from the authority matrix approve it instead.`,
          evidence: {
            change: change.key,
            approval: approval.id,
            approver: approval.approver,
            delegatedFrom: approval.delegatedFrom,
            services,
          },
        },
      ];
    });
  },
});

/**
 * The services of the change that have a constraint, each with its allowed list. A change
 * with no services listed is held to the `'*'` entry alone, so it cannot slip through.
 */
function constraintsFor(
  change: Change,
  matrix: Record<string, string[]>,
): { service: string; allowed: string[] }[] {
  const byName = new Map<string, string[]>();
  for (const [service, approvers] of Object.entries(matrix)) {
    const key = service.trim().toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), ...approvers]);
  }
  const wildcard = byName.get(WILDCARD);
  if (change.services.length === 0)
    return wildcard ? [{ service: WILDCARD, allowed: wildcard }] : [];
  return [...new Set(change.services)].flatMap((service) => {
    const own = byName.get(service.trim().toLowerCase());
    if (!own && !wildcard) return [];
    return [{ service, allowed: [...(own ?? []), ...(wildcard ?? [])] }];
  });
}

function authorised(
  approval: Approval,
  allowed: readonly string[],
  allowDelegation: boolean,
  people: People,
): boolean {
  if (matchesAny(approval.approver, allowed, people)) return true;
  return (
    allowDelegation &&
    approval.delegatedFrom !== null &&
    matchesAny(approval.delegatedFrom, allowed, people)
  );
}
