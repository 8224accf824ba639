import { z } from 'zod';
import { isOpenIncident, isTerminal, rank, RISKS, type Incident } from '../../model/index.js';
import { defineRule } from '../types.js';

/**
 * `incident-conflict` (DESIGN §6): a high-risk change is not scheduled while a major incident
 * is open. With a planned window, an incident conflicts when it is open at any moment of it
 * (opened by the planned end, not resolved by the planned start); without one, when it is
 * open at `now`. A change of unknown risk is left to `required-fields`/`risk-underestimated`.
 * An incident the change itself caused is left to `change-related-incident`: this rule must
 * not stand in the way of that change's own backout.
 */
const params = z.strictObject({
  /** Lowest declared risk that is checked. */
  riskFrom: z.enum(RISKS).default('high'),
  /** Incident priorities that count as major (1 = critical). */
  majorPriorities: z.array(z.number().int().min(1).max(4)).min(1).default([1, 2]),
  /** Only incidents on one of the change's services count (case-insensitive names). */
  sameServicesOnly: z.boolean().default(false),
});

const norm = (s: string) => s.trim().toLowerCase();

function openDuring(incident: Incident, start: Date, end: Date): boolean {
  return (
    incident.openedAt.getTime() <= end.getTime() &&
    (incident.resolvedAt === null || incident.resolvedAt.getTime() > start.getTime())
  );
}

export const incidentConflict = defineRule({
  id: 'incident-conflict',
  version: '1',
  description: 'High-risk changes are not scheduled during an open major incident.',
  defaultSeverity: 'high',
  defaultBlocking: true,
  params,
  check(change, context, p, now) {
    if (isTerminal(change.state) || change.risk === null) return [];
    if (rank(RISKS, change.risk) < rank(RISKS, p.riskFrom)) return [];
    const services = new Set(change.services.map(norm));
    // With one planned date only, that instant stands for the window.
    const start = change.plannedStart ?? change.plannedEnd;
    const end = change.plannedEnd ?? change.plannedStart;
    const risk = change.risk.replace('_', ' ');

    return context.incidents.flatMap((incident) => {
      if (!p.majorPriorities.includes(incident.priority)) return [];
      if (incident.causedBy !== null && norm(incident.causedBy) === norm(change.key)) return [];
      const shared = incident.services.filter((s) => services.has(norm(s)));
      if (p.sameServicesOnly && shared.length === 0) return [];
      const conflict =
        start && end ? openDuring(incident, start, end) : isOpenIncident(incident, now);
      if (!conflict) return [];
      const what = `major incident ${incident.key} (priority ${incident.priority})`;
      const message =
        start && end
          ? `Change ${change.key} (${risk} risk) is planned while ${what} is open; reschedule it for after the incident is resolved.`
          : `Change ${change.key} (${risk} risk) has no planned window and ${what} is open now; wait until the incident is resolved and plan a window.`;
      return [
        {
          discriminator: incident.key,
          message,
          evidence: {
            change: change.key,
            risk: change.risk,
            plannedStart: change.plannedStart?.toISOString() ?? null,
            plannedEnd: change.plannedEnd?.toISOString() ?? null,
            basis: start && end ? 'planned window' : 'open now',
            incident: incident.id,
            incidentKey: incident.key,
            priority: incident.priority,
            openedAt: incident.openedAt.toISOString(),
            resolvedAt: incident.resolvedAt?.toISOString() ?? null,
            sharedServices: shared,
          },
        },
      ];
    });
  },
});
