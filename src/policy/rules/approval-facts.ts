import {
  isProductionEnvironment,
  rank,
  RISKS,
  type Approval,
  type Change,
  type ChangeState,
  type Deployment,
  type Person,
  type Risk,
} from '../../model/index.js';
import type { PolicyContext } from '../types.js';

/**
 * Facts shared by the approval rules (`approval-required`, `approval-authority`,
 * `separation-of-duties`, `approval-expiry`, `stale-approval`): who is the same human, how
 * risky a change is, which deployments count. Pure functions over the model only.
 */

type People = ReadonlyMap<string, Person>;

/** The change's risk; an unassessed change (null) is treated as `moderate`, the usual default. */
export function riskOf(change: Pick<Change, 'risk'>): Risk {
  return change.risk ?? 'moderate';
}

/** True when `risk` is at least `threshold`; a null threshold means "never". */
export function riskAtLeast(risk: Risk, threshold: Risk | null): boolean {
  return threshold !== null && rank(RISKS, risk) >= rank(RISKS, threshold);
}

/** States in which implementation has begun (or is over); `canceled` is not one of them. */
export function hasStartedImplementing(state: ChangeState): boolean {
  return state === 'implement' || state === 'review' || state === 'closed';
}

/**
 * A key that is equal for the same human. The engine already merges identities into one
 * Person id; two Person ids that share a (non-null) email are still one human, as belt and
 * braces against an identity link that was missed.
 */
export function humanKey(personId: string, people: People): string {
  const email = people.get(personId)?.email;
  return email ? `email:${email.toLowerCase()}` : `id:${personId}`;
}

export function sameHuman(a: string, b: string, people: People): boolean {
  return a === b || humanKey(a, people) === humanKey(b, people);
}

/**
 * Whether a configured list of Person ids or emails (case-insensitive) names this person.
 * A person missing from `people` has no known email, so only their id can match.
 */
export function matchesAny(personId: string, entries: readonly string[], people: People): boolean {
  const wanted = new Set(entries.map((e) => e.trim().toLowerCase()));
  if (wanted.has(personId.toLowerCase())) return true;
  const email = people.get(personId)?.email;
  return !!email && wanted.has(email.toLowerCase());
}

/** The Person a configured reference (Person id or email) points to, if known. */
export function findPerson(ref: string, people: People): Person | null {
  const direct = people.get(ref);
  if (direct) return direct;
  const email = ref.trim().toLowerCase();
  for (const person of people.values()) if (person.email === email) return person;
  return null;
}

/** Display name for messages; falls back to the reference itself when the person is unknown. */
export function displayName(ref: string, people: People): string {
  return findPerson(ref, people)?.displayName ?? ref;
}

/** Approval records whose decision is `approved` (whatever their validity). */
export function approvedApprovals(context: Pick<PolicyContext, 'approvals'>): Approval[] {
  return context.approvals.filter((a) => a.decision === 'approved');
}

/** One approval per human (the first seen), so one person approving twice counts once. */
export function distinctApprovers(approvals: readonly Approval[], people: People): Approval[] {
  const seen = new Set<string>();
  const out: Approval[] = [];
  for (const approval of approvals) {
    const key = humanKey(approval.approver, people);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(approval);
  }
  return out;
}

/**
 * Deployments to a production environment that are under way or happened: anything except a
 * deployment canceled before it ever started.
 */
export function productionDeployments(
  context: Pick<PolicyContext, 'deployments' | 'org'>,
): Deployment[] {
  return context.deployments.filter(
    (d) =>
      isProductionEnvironment(d.environment, context.org.productionEnvironments) &&
      (d.startedAt !== null || d.status !== 'canceled'),
  );
}

export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
