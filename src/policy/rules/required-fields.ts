import { z } from 'zod';
import { type Change, type ChangeType } from '../../model/index.js';
import { defineRule } from '../types.js';

/**
 * `required-fields` (DESIGN §6): per change type, the fields that must be filled before
 * the change asks for approval. A standard change is pre-approved, so by default it only
 * needs its implementation plan.
 */
const FIELDS = [
  'justification',
  'implementationPlan',
  'backoutPlan',
  'testPlan',
  'impactAnalysis',
  'plannedStart',
  'plannedEnd',
  'services',
] as const satisfies readonly (keyof Change)[];
type RequiredField = (typeof FIELDS)[number];

const LABELS: Record<RequiredField, string> = {
  justification: 'justification',
  implementationPlan: 'implementation plan',
  backoutPlan: 'backout plan',
  testPlan: 'test plan',
  impactAnalysis: 'impact analysis',
  plannedStart: 'planned start',
  plannedEnd: 'planned end',
  services: 'affected services',
};

const fieldList = z.array(z.enum(FIELDS));

const params = z.strictObject({
  byType: z
    .strictObject({
      standard: fieldList.default(['implementationPlan']),
      normal: fieldList.default([
        'justification',
        'implementationPlan',
        'backoutPlan',
        'testPlan',
        'impactAnalysis',
      ]),
      emergency: fieldList.default(['justification', 'implementationPlan', 'backoutPlan']),
    })
    .prefault({}),
  /** Checked only from this state on, so a draft can be filled in peace. */
  fromState: z.enum(['new', 'assess', 'authorize', 'scheduled', 'implement']).default('assess'),
});

const STATE_ORDER = ['new', 'assess', 'authorize', 'scheduled', 'implement', 'review', 'closed'];

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

export const requiredFields = defineRule({
  id: 'required-fields',
  version: '1',
  description: 'Per change type, the fields that must be filled before approval.',
  defaultSeverity: 'medium',
  defaultBlocking: false,
  params,
  check(change, _context, p) {
    if (change.state === 'canceled') return [];
    if (STATE_ORDER.indexOf(change.state) < STATE_ORDER.indexOf(p.fromState)) return [];
    const required = p.byType[change.type as ChangeType] ?? [];
    const missing = required.filter((f) => isEmpty(change[f]));
    if (missing.length === 0) return [];
    const names = missing.map((f) => LABELS[f]);
    return [
      {
        message: `Change ${change.key} is missing its ${joinNames(names)}; fill ${missing.length === 1 ? 'it' : 'them'} in on the change request.`,
        evidence: { change: change.key, type: change.type, state: change.state, missing },
      },
    ];
  },
});

/** "a", "a and b", "a, b and c". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
