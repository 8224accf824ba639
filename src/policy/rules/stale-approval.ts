import { z } from 'zod';
import { isTerminal, type Person } from '../../model/index.js';
import { defineRule } from '../types.js';
import { displayName, findPerson, riskOf, sameHuman } from './approval-facts.js';

/**
 * `stale-approval` (DESIGN §6): an approval still pending (`requested`) longer than its SLA
 * escalates to a backup approver. The SLA depends on the change's risk (unassessed counts as
 * moderate); emergencies have their own, shorter SLA.
 */
const HOUR_MS = 3_600_000;
const hoursField = (n: number) => z.number().positive().default(n);

const params = z.strictObject({
  slaHours: z
    .strictObject({
      low: hoursField(72),
      moderate: hoursField(48),
      high: hoursField(24),
      very_high: hoursField(8),
    })
    .prefault({}),
  emergencySlaHours: hoursField(2),
  /** Approver (Person id or email, case-insensitive) → backup (Person id or email). */
  backupApprovers: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Backup for approvers without an entry; null = none. */
  defaultBackup: z.string().min(1).nullable().default(null),
});
type Params = z.output<typeof params>;

export const staleApproval = defineRule({
  id: 'stale-approval',
  version: '1',
  description: 'An approval pending longer than its SLA escalates to a backup approver.',
  defaultSeverity: 'medium',
  defaultBlocking: false,
  params,
  check(change, context, p, now) {
    if (isTerminal(change.state)) return [];
    const slaHours = change.type === 'emergency' ? p.emergencySlaHours : p.slaHours[riskOf(change)];
    return context.approvals.flatMap((approval) => {
      if (approval.decision !== 'requested') return [];
      // The model has no "requested at"; a pending approval's updatedAt is the last time its
      // source touched it, which for a row nobody has acted on is when it was requested. A
      // reminder that touches the row restarts the clock: we would rather under-escalate.
      const since = approval.updatedAt;
      const pendingMs = now.getTime() - since.getTime();
      if (pendingMs <= slaHours * HOUR_MS) return [];
      const name = displayName(approval.approver, context.people);
      const backup = backupFor(approval.approver, p, context.people);
      const ask = backup
        ? `ask the backup approver ${displayName(backup, context.people)} to decide`
        : `remind ${name} or reassign the approval`;
      return [
        {
          discriminator: approval.id,
          // Stable wording (no running duration): a changed message would re-announce the finding.
          message: `Approval of ${change.key} by ${name} has been pending since ${fmt(since)} UTC, past its ${slaHours} h SLA; ${ask}.`,
          evidence: {
            change: change.key,
            type: change.type,
            risk: change.risk,
            approval: approval.id,
            approver: approval.approver,
            pendingSince: since.toISOString(),
            slaHours,
            backup,
          },
        },
      ];
    });
  },
});

/**
 * The configured backup (as configured: Person id or email), or null. A backup that is the
 * approver themselves is no escalation, so it counts as none.
 */
function backupFor(
  approver: string,
  p: Params,
  people: ReadonlyMap<string, Person>,
): string | null {
  const email = people.get(approver)?.email ?? null;
  const keys = [approver.toLowerCase(), email].filter((k): k is string => !!k);
  const entry = Object.entries(p.backupApprovers).find(([k]) =>
    keys.includes(k.trim().toLowerCase()),
  );
  const backup = entry?.[1] ?? p.defaultBackup;
  if (!backup) return null;
  const backupId = findPerson(backup, people)?.id ?? backup;
  return sameHuman(backupId, approver, people) ? null : backup;
}

function fmt(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}
