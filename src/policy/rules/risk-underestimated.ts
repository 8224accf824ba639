import { z } from 'zod';
import { isTerminal, rank, RISKS, type Change, type Risk } from '../../model/index.js';
import { defineRule, type PolicyContext } from '../types.js';

/**
 * `risk-underestimated` (DESIGN §6): the declared risk is lower than a computed score.
 * The score is the sum of four components (0–10 points):
 *
 * | component           | points                                                             |
 * |---------------------|--------------------------------------------------------------------|
 * | type                | standard 0, normal 1, emergency 3                                  |
 * | service criticality | highest over the change's services: low 0, medium 1, high 2,       |
 * |                     | critical 3 (`serviceCriticality`; unknown or no service →          |
 * |                     | `defaultCriticality`)                                              |
 * | change size         | linked pull/merge requests: 0–1 → 0, 2–3 → 1, 4+ → 2               |
 * | past failures       | other changes sharing a service, closed `unsuccessful` or named as |
 * |                     | an incident's cause, dated (closedAt, else plannedStart, else      |
 * |                     | createdAt) within `lookbackDays` before now: 0 → 0, 1 → 1, 2+ → 2  |
 *
 * Computed risk = the highest level whose threshold the score reaches (`thresholds`,
 * default moderate 2, high 4, very_high 6), else low. A finding when the declared risk
 * (none declared counts as low) ranks below the computed one. Closed and canceled changes
 * are not assessed. Change size counts linked code changes because the model carries no
 * line counts; a single huge PR scores like a small one.
 */
const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
type Criticality = (typeof CRITICALITIES)[number];

const TYPE_POINTS = { standard: 0, normal: 1, emergency: 3 } as const;
const CRITICALITY_POINTS: Record<Criticality, number> = { low: 0, medium: 1, high: 2, critical: 3 };

const params = z.strictObject({
  /** Service name → criticality. */
  serviceCriticality: z.record(z.string(), z.enum(CRITICALITIES)).default({}),
  defaultCriticality: z.enum(CRITICALITIES).default('medium'),
  lookbackDays: z.number().positive().default(90),
  thresholds: z
    .strictObject({
      moderate: z.number().int().min(0).default(2),
      high: z.number().int().min(0).default(4),
      very_high: z.number().int().min(0).default(6),
    })
    .refine((t) => t.moderate <= t.high && t.high <= t.very_high, {
      message: 'thresholds must rise: moderate <= high <= very_high',
    })
    .prefault({}),
});
type Params = z.output<typeof params>;

export interface ScoreComponent {
  factor: 'type' | 'serviceCriticality' | 'changeSize' | 'pastFailures';
  value: string | number | string[];
  points: number;
}

export const riskUnderestimated = defineRule({
  id: 'risk-underestimated',
  version: '1',
  description:
    'The declared risk is not lower than the score from type, service criticality, change size and past failures.',
  defaultSeverity: 'medium',
  defaultBlocking: false,
  params,
  check(change, context, p, now) {
    if (isTerminal(change.state)) return [];
    const components = scoreComponents(change, context, p, now);
    const score = components.reduce((sum, c) => sum + c.points, 0);
    const computed = computedRisk(score, p.thresholds);
    const declared: Risk = change.risk ?? 'low';
    if (rank(RISKS, declared) >= rank(RISKS, computed)) return [];
    const declaredText = change.risk
      ? `is declared ${label(change.risk)} risk`
      : 'has no declared risk';
    return [
      {
        message: `Change ${change.key} ${declaredText} but scores ${score} points (${label(computed)}) on type, service criticality, change size and past failures; review the risk assessment and raise the risk to ${label(computed)} or record why it is lower.`,
        evidence: {
          change: change.key,
          declaredRisk: change.risk,
          computedRisk: computed,
          score,
          components,
          thresholds: p.thresholds,
        },
      },
    ];
  },
});

export function scoreComponents(
  change: Change,
  context: PolicyContext,
  p: Params,
  now: Date,
): ScoreComponent[] {
  const criticality = change.services.length
    ? change.services
        .map((s) => p.serviceCriticality[s] ?? p.defaultCriticality)
        .reduce((a, b) => (CRITICALITY_POINTS[b] > CRITICALITY_POINTS[a] ? b : a))
    : p.defaultCriticality;
  const prs = context.codeChanges.length;
  const since = now.getTime() - p.lookbackDays * 86_400_000;
  const failures = context.history
    .filter((h) => h.id !== change.id && h.services.some((s) => change.services.includes(s)))
    .filter((h) => h.closeCode === 'unsuccessful' || h.causedIncident)
    .filter((h) => {
      const t = (h.closedAt ?? h.plannedStart ?? h.createdAt).getTime();
      return t >= since && t <= now.getTime();
    })
    .map((h) => h.key)
    .sort();
  return [
    { factor: 'type', value: change.type, points: TYPE_POINTS[change.type] },
    { factor: 'serviceCriticality', value: criticality, points: CRITICALITY_POINTS[criticality] },
    { factor: 'changeSize', value: prs, points: prs >= 4 ? 2 : prs >= 2 ? 1 : 0 },
    { factor: 'pastFailures', value: failures, points: Math.min(failures.length, 2) },
  ];
}

function computedRisk(score: number, t: Params['thresholds']): Risk {
  if (score >= t.very_high) return 'very_high';
  if (score >= t.high) return 'high';
  if (score >= t.moderate) return 'moderate';
  return 'low';
}

function label(risk: Risk): string {
  return risk.replace('_', ' ');
}
