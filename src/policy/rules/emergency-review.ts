import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { isProductionEnvironment, type Change } from '../../model/index.js';
import { defineRule, type ChangeSummary, type PolicyContext, type RuleFinding } from '../types.js';

/**
 * `emergency-review` (DESIGN §6), two checks on emergency changes:
 *
 * (a) Post-implementation review within `reviewHours`. Implementation end = the latest
 *     `finishedAt` of the change's production deployments, else `plannedEnd`; with neither
 *     there is nothing to measure from and no finding. The review counts as done when the
 *     change is closed (the `review` state is the review under way, not its end), so:
 *     closed with `closedAt` <= end + reviewHours → on time; closed later → "closed late";
 *     closed without `closedAt` → on time (we cannot prove otherwise); not closed and
 *     now > end + reviewHours → overdue. Exactly `reviewHours` is on time. Canceled
 *     changes are skipped. Discriminator `review`.
 * (b) Volume: more than `maxPerTeamPerMonth` emergency changes of one team in one calendar
 *     month (in `timeZone`). A change's team is the first configured team (in the order
 *     written) whose services intersect the change's, else its tenant. A change's month
 *     comes from `plannedStart`, else `createdAt` for history and `now` for the change
 *     itself (Change has no creation time). Canceled emergencies are not counted. Every
 *     emergency change of the team in that month carries the finding, discriminator
 *     `volume:<team>:<yyyy-mm>`.
 */
const params = z.strictObject({
  reviewHours: z.number().positive().default(24),
  maxPerTeamPerMonth: z.number().int().min(0).default(3),
  /** Team name → the services it owns. */
  teams: z.record(z.string(), z.array(z.string())).default({}),
  timeZone: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), { message: 'unknown IANA time zone' })
    .default('UTC'),
});
type Params = z.output<typeof params>;

export const emergencyReview = defineRule({
  id: 'emergency-review',
  version: '1',
  description:
    'Emergency changes get their post-implementation review in time, and teams do not raise too many of them.',
  defaultSeverity: 'medium',
  defaultBlocking: false,
  params,
  check(change, context, p, now) {
    if (change.type !== 'emergency' || change.state === 'canceled') return [];
    const findings: RuleFinding[] = [];
    const review = reviewFinding(change, context, p, now);
    if (review) findings.push(review);
    const volume = volumeFinding(change, context, p, now);
    if (volume) findings.push(volume);
    return findings;
  },
});

function implementationEnd(change: Change, context: PolicyContext) {
  let latest: Date | null = null;
  let deployment: string | null = null;
  for (const d of context.deployments) {
    if (!d.finishedAt) continue;
    if (!isProductionEnvironment(d.environment, context.org.productionEnvironments)) continue;
    if (!latest || d.finishedAt.getTime() > latest.getTime()) {
      latest = d.finishedAt;
      deployment = d.id;
    }
  }
  if (latest) return { end: latest, source: 'deployment' as const, deployment };
  if (change.plannedEnd)
    return { end: change.plannedEnd, source: 'plannedEnd' as const, deployment };
  return null;
}

function reviewFinding(
  change: Change,
  context: PolicyContext,
  p: Params,
  now: Date,
): RuleFinding | null {
  const impl = implementationEnd(change, context);
  if (!impl) return null;
  const deadline = new Date(impl.end.getTime() + p.reviewHours * 3_600_000);
  const evidence = {
    change: change.key,
    state: change.state,
    implementationEnd: impl.end.toISOString(),
    implementationEndFrom: impl.source,
    deployment: impl.deployment,
    reviewHours: p.reviewHours,
    deadline: deadline.toISOString(),
    closedAt: change.closedAt?.toISOString() ?? null,
  };
  const ended = `ended at ${utc(impl.end)}`;
  if (change.state === 'closed') {
    if (!change.closedAt || change.closedAt.getTime() <= deadline.getTime()) return null;
    return {
      discriminator: 'review',
      message: `Emergency change ${change.key} was closed at ${utc(change.closedAt)}, after its ${p.reviewHours}-hour post-implementation review deadline (implementation ${ended}); record in the change why the review was late.`,
      evidence: { ...evidence, status: 'late' },
    };
  }
  if (now.getTime() <= deadline.getTime()) return null;
  return {
    discriminator: 'review',
    message: `Emergency change ${change.key} has not been closed although its implementation ${ended} and its post-implementation review was due by ${utc(deadline)}; complete the review and close the change.`,
    evidence: { ...evidence, status: 'overdue' },
  };
}

function volumeFinding(
  change: Change,
  context: PolicyContext,
  p: Params,
  now: Date,
): RuleFinding | null {
  const team = teamOf(change, p.teams);
  const month = monthOf(change.plannedStart ?? now, p.timeZone);
  const counted = [change.key];
  for (const other of context.history) {
    if (other.id === change.id || other.type !== 'emergency' || other.state === 'canceled')
      continue;
    if (teamOf(other, p.teams) !== team) continue;
    const otherMonth = monthOf(other.plannedStart ?? other.createdAt, p.timeZone);
    if (otherMonth === month) counted.push(other.key);
  }
  if (counted.length <= p.maxPerTeamPerMonth) return null;
  const monthName = DateTime.fromISO(`${month}-01`, { zone: p.timeZone, locale: 'en' }).toFormat(
    'LLLL yyyy',
  );
  return {
    discriminator: `volume:${team}:${month}`,
    message: `Change ${change.key} is one of ${counted.length} emergency changes of ${team} in ${monthName}, more than the ${p.maxPerTeamPerMonth} allowed per month; review with the team why these could not go through the normal change process.`,
    evidence: {
      change: change.key,
      team,
      month,
      timeZone: p.timeZone,
      count: counted.length,
      max: p.maxPerTeamPerMonth,
      changes: counted.sort(),
    },
  };
}

/** First configured team owning one of the services, else the tenant. */
export function teamOf(
  change: Pick<Change | ChangeSummary, 'services' | 'tenant'>,
  teams: Readonly<Record<string, readonly string[]>>,
): string {
  for (const [team, services] of Object.entries(teams)) {
    if (services.some((s) => change.services.includes(s))) return team;
  }
  return change.tenant;
}

/** `yyyy-MM` of the instant in the zone. */
function monthOf(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM');
}

/** "2026-11-03 09:30 UTC". */
function utc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
