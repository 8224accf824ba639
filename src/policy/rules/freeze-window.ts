import { z } from 'zod';
import { isProductionEnvironment, type Change, type Deployment } from '../../model/index.js';
import type { FreezeCalendar, FreezeHit } from '../calendar.js';
import { defineRule, type PolicyContext, type RuleFinding } from '../types.js';

/**
 * `freeze-window` (DESIGN §6): nothing is planned or deployed inside a freeze period.
 *
 * - The planned window [plannedStart, plannedEnd] (inclusive) is checked against every
 *   selected calendar; with only one of the two dates set, that instant is checked. A
 *   canceled change is not checked for its plan (nothing will be done), but its deployments
 *   are: they really happened.
 * - A deployment counts at `startedAt` (when production started to change), falling back to
 *   `finishedAt` and then `updatedAt` for records that never reported a start (a gate
 *   candidate should carry the time it is asked about in one of them). A canceled deployment
 *   that never started did not touch anything and is skipped.
 * - Calendar names in `calendars` that the organisation does not define are ignored here;
 *   configuration validation reports them, so a typo cannot turn every change red.
 * - An authorised emergency (type emergency, approved, with a justification) still gets its
 *   findings, as info and non-blocking, so the exception stays visible in reports.
 */
const params = z.strictObject({
  /** Names in `org.calendars`; empty means every calendar. */
  calendars: z.array(z.string().min(1)).default([]),
  /** Only deployments to production environments count. */
  productionOnly: z.boolean().default(true),
});
type Params = z.output<typeof params>;

function selectedCalendars(context: PolicyContext, p: Params): FreezeCalendar[] {
  const all = context.org.calendars;
  if (p.calendars.length === 0) return [...all.values()];
  return p.calendars.flatMap((name) => {
    const calendar = all.get(name);
    return calendar ? [calendar] : [];
  });
}

function isAuthorisedEmergency(change: Change): boolean {
  return (
    change.type === 'emergency' &&
    change.approval === 'approved' &&
    (change.justification ?? '').trim() !== ''
  );
}

/** The time a deployment counts at, and which field it came from. */
function deploymentTime(d: Deployment): { field: string; at: Date } {
  if (d.startedAt) return { field: 'startedAt', at: d.startedAt };
  if (d.finishedAt) return { field: 'finishedAt', at: d.finishedAt };
  return { field: 'updatedAt', at: d.updatedAt };
}

const hitEvidence = (hit: FreezeHit) => ({
  calendar: hit.calendar,
  period: hit.period,
  from: hit.from.toISOString(),
  to: hit.to.toISOString(),
});

export const freezeWindow = defineRule({
  id: 'freeze-window',
  version: '1',
  description:
    'Nothing is planned or deployed inside a freeze period, except authorised emergencies.',
  defaultSeverity: 'high',
  defaultBlocking: true,
  params,
  check(change, context, p) {
    const calendars = selectedCalendars(context, p);
    if (calendars.length === 0) return [];
    const emergency = isAuthorisedEmergency(change);
    const allowed = emergency ? { severity: 'info' as const, blocking: false } : {};
    const outcome = emergency
      ? 'it was allowed as an authorised emergency change, so make sure the post-implementation review covers it'
      : undefined;
    const findings: RuleFinding[] = [];

    const start = change.plannedStart ?? change.plannedEnd;
    const end = change.plannedEnd ?? change.plannedStart;
    if (start && end && change.state !== 'canceled') {
      const hits = calendars.flatMap((c) => c.overlapping(start, end) ?? []);
      const [first] = hits;
      if (first) {
        findings.push({
          discriminator: 'planned',
          message: `Change ${change.key} is planned inside the freeze "${first.period}"; ${
            outcome ??
            'move its planned window outside the freeze or raise it as an approved emergency change'
          }.`,
          evidence: {
            change: change.key,
            plannedStart: change.plannedStart?.toISOString() ?? null,
            plannedEnd: change.plannedEnd?.toISOString() ?? null,
            freezes: hits.map(hitEvidence),
            authorisedEmergency: emergency,
          },
          ...allowed,
        });
      }
    }

    for (const d of context.deployments) {
      if (d.status === 'canceled' && !d.startedAt) continue;
      if (
        p.productionOnly &&
        !isProductionEnvironment(d.environment, context.org.productionEnvironments)
      )
        continue;
      const time = deploymentTime(d);
      const hits = calendars.flatMap((c) => c.at(time.at) ?? []);
      const [first] = hits;
      if (!first) continue;
      const verb = d.status === 'pending' || d.status === 'in_progress' ? 'is being' : 'was';
      findings.push({
        discriminator: d.id,
        message: `Change ${change.key} ${verb} deployed to ${d.environment} from ${d.repo} inside the freeze "${first.period}"; ${
          outcome ??
          `deploy only after the freeze ends at ${first.to.toISOString()} or raise an approved emergency change`
        }.`,
        evidence: {
          change: change.key,
          deployment: d.id,
          repo: d.repo,
          sha: d.sha,
          environment: d.environment,
          status: d.status,
          timeField: time.field,
          at: time.at.toISOString(),
          freezes: hits.map(hitEvidence),
          authorisedEmergency: emergency,
        },
        ...allowed,
      });
    }
    return findings;
  },
});
