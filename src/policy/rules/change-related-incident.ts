import { z } from 'zod';
import { isProductionEnvironment, type Deployment, type Incident } from '../../model/index.js';
import { defineRule, type RuleFinding } from '../types.js';

/**
 * `change-related-incident` (DESIGN §6): an incident on one of the change's services that
 * opened within `windowHours` after one of its production deployments (measured from the
 * deployment's `finishedAt`, else `startedAt`; both edges inclusive, so exactly
 * `windowHours` later still counts) should name the change as its cause. Linked
 * (`causedBy` = change key) is the desired state: no finding. An incident already
 * attributed to another change still gets a finding, worded so a human confirms which
 * change caused it. One finding per incident (discriminator: incident id), citing the
 * latest deployment before it.
 */
const params = z.strictObject({
  windowHours: z.number().positive().default(24),
});

interface Anchor {
  deployment: Deployment;
  at: Date;
  from: 'finishedAt' | 'startedAt';
}

export const changeRelatedIncident = defineRule({
  id: 'change-related-incident',
  version: '1',
  description:
    'An incident on an affected service soon after a production deployment is linked to the change.',
  defaultSeverity: 'medium',
  defaultBlocking: false,
  params,
  check(change, context, p) {
    const anchors: Anchor[] = [];
    for (const d of context.deployments) {
      if (!isProductionEnvironment(d.environment, context.org.productionEnvironments)) continue;
      if (d.finishedAt) anchors.push({ deployment: d, at: d.finishedAt, from: 'finishedAt' });
      else if (d.startedAt) anchors.push({ deployment: d, at: d.startedAt, from: 'startedAt' });
    }
    if (anchors.length === 0) return [];
    const windowMs = p.windowHours * 3_600_000;
    const findings: RuleFinding[] = [];
    for (const incident of context.incidents) {
      if (incident.causedBy === change.key) continue;
      const shared = incident.services.filter((s) => change.services.includes(s)).sort();
      if (shared.length === 0) continue;
      const anchor = latestBefore(anchors, incident, windowMs);
      if (!anchor) continue;
      const minutes = Math.floor((incident.openedAt.getTime() - anchor.at.getTime()) / 60_000);
      const when = `${formatDelay(minutes)} after ${change.key} was deployed to ${anchor.deployment.environment}`;
      const fix = incident.causedBy
        ? `is attributed to ${incident.causedBy}; confirm which change caused it and correct the incident's caused-by field`
        : `is not linked to it; set the incident's caused-by field to ${change.key}, or record why it is unrelated`;
      findings.push({
        discriminator: incident.id,
        message: `Incident ${incident.key} on ${shared.join(', ')} opened ${when} and ${fix}.`,
        evidence: {
          change: change.key,
          incident: incident.key,
          incidentId: incident.id,
          priority: incident.priority,
          services: shared,
          openedAt: incident.openedAt.toISOString(),
          causedBy: incident.causedBy,
          deployment: anchor.deployment.id,
          deploymentAt: anchor.at.toISOString(),
          deploymentTime: anchor.from,
          minutesAfter: minutes,
          windowHours: p.windowHours,
        },
      });
    }
    return findings;
  },
});

/** The latest anchor with anchor <= openedAt <= anchor + window. */
function latestBefore(anchors: readonly Anchor[], incident: Incident, windowMs: number) {
  const t = incident.openedAt.getTime();
  let best: Anchor | null = null;
  for (const a of anchors) {
    const start = a.at.getTime();
    if (t < start || t > start + windowMs) continue;
    if (!best || start > best.at.getTime()) best = a;
  }
  return best;
}

/** "25 minutes", "3 hours", "1 hour 5 minutes". */
function formatDelay(totalMinutes: number): string {
  const h = Math.floor(totalMinutes / 60);
  const m = totalMinutes % 60;
  const parts: string[] = [];
  if (h > 0) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m > 0 || h === 0) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  return parts.join(' ');
}
