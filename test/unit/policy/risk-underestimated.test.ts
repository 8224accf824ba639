import type { Change } from '../../../src/model/index.js';
import {
  riskUnderestimated,
  scoreComponents,
} from '../../../src/policy/rules/risk-underestimated.js';
import type { PolicyContext } from '../../../src/policy/types.js';
import { aChange, aCodeChange, aContext, aSummary, at, plus, T0 } from './builders.js';

const defaults = riskUnderestimated.params.parse({});
type Params = typeof defaults;

const prs = (n: number) =>
  Array.from({ length: n }, (_, i) => aCodeChange({ id: `pr-${i}`, number: i + 1 }));
const failed = (n: number, closedAt: Date, o = {}) =>
  aSummary({ id: `f-${n}`, key: `CHG00100${n}`, closeCode: 'unsuccessful', closedAt, ...o });
const DAY = 86_400_000;
const SINCE = plus(T0, -90 * DAY); // now = T0, default lookback 90 days

function evaluate(
  change: Partial<Change>,
  context: Partial<PolicyContext>,
  params: Partial<Params>,
) {
  const c = aChange(change);
  const ctx = aContext(context);
  const p = { ...defaults, ...params };
  const components = scoreComponents(c, ctx, p, T0);
  return {
    points: Object.fromEntries(components.map((x) => [x.factor, x.points])),
    score: components.reduce((s, x) => s + x.points, 0),
    findings: riskUnderestimated.check(c, ctx, p, T0),
  };
}

const critical = { serviceCriticality: { 'payments-api': 'critical' as const } };

describe('risk-underestimated', () => {
  // points: [type, serviceCriticality, changeSize, pastFailures]
  it.each([
    ['the builder change (normal, unknown service = medium)', {}, {}, {}, [1, 1, 0, 0], 2, null],
    ['declared low', { risk: 'low' as const }, {}, {}, [1, 1, 0, 0], 2, 'moderate'],
    ['no declared risk counts as low', { risk: null }, {}, {}, [1, 1, 0, 0], 2, 'moderate'],
    ['an emergency', { type: 'emergency' as const }, {}, {}, [3, 1, 0, 0], 4, 'high'],
    [
      'standard on a low service',
      { type: 'standard' as const, risk: 'low' as const },
      {},
      { defaultCriticality: 'low' as const },
      [0, 0, 0, 0],
      0,
      null,
    ],
    ['a critical service', {}, {}, critical, [1, 3, 0, 0], 4, 'high'],
    [
      'highest criticality of several services',
      { services: ['payments-api', 'ledger'] },
      {},
      { serviceCriticality: { 'payments-api': 'low' as const, ledger: 'high' as const } },
      [1, 2, 0, 0],
      3,
      null,
    ],
    [
      'no services: default criticality',
      { services: [] },
      {},
      { defaultCriticality: 'high' as const },
      [1, 2, 0, 0],
      3,
      null,
    ],
    ['one PR', {}, { codeChanges: prs(1) }, {}, [1, 1, 0, 0], 2, null],
    ['three PRs', {}, { codeChanges: prs(3) }, {}, [1, 1, 1, 0], 3, null],
    ['four PRs', {}, { codeChanges: prs(4) }, {}, [1, 1, 2, 0], 4, 'high'],
    [
      'one past failure',
      {},
      { history: [failed(1, at('2026-10-01T12:00:00Z'))] },
      {},
      [1, 1, 0, 1],
      3,
      null,
    ],
    [
      'three past failures cap at 2',
      {},
      { history: [failed(1, SINCE), failed(2, SINCE), failed(3, T0)] },
      {},
      [1, 1, 0, 2],
      4,
      'high',
    ],
    [
      'a failure 90 days and 1 s ago is forgotten',
      {},
      { history: [failed(1, plus(SINCE, -1000)), failed(2, SINCE)] },
      {},
      [1, 1, 0, 1],
      3,
      null,
    ],
    [
      'an old caused incident is forgotten',
      {},
      { history: [aSummary({ causedIncident: true, closedAt: at('2026-07-01T00:00:00Z') })] },
      {},
      [1, 1, 0, 0],
      2,
      null,
    ],
    [
      'a recent caused incident counts as a failure',
      {},
      { history: [aSummary({ causedIncident: true, closedAt: at('2026-10-20T00:00:00Z') })] },
      {},
      [1, 1, 0, 1],
      3,
      null,
    ],
    [
      'a failure on another service does not count',
      {},
      { history: [failed(1, T0, { services: ['search'] })] },
      {},
      [1, 1, 0, 0],
      2,
      null,
    ],
    [
      'the change itself in history does not count',
      {},
      { history: [failed(1, T0, { id: '11111111-1111-4111-8111-111111111111' })] },
      {},
      [1, 1, 0, 0],
      2,
      null,
    ],
    [
      'no closing time: dated by planned start, then created at',
      {},
      {
        history: [
          failed(1, T0, {
            closedAt: null,
            plannedStart: null,
            createdAt: at('2026-10-30T00:00:00Z'),
          }),
          failed(2, T0, { closedAt: null, plannedStart: at('2026-01-01T00:00:00Z') }),
        ],
      },
      {},
      [1, 1, 0, 1],
      3,
      null,
    ],
    [
      'emergency on a critical service',
      { type: 'emergency' as const, risk: 'high' as const },
      {},
      critical,
      [3, 3, 0, 0],
      6,
      'very_high',
    ],
    [
      'the maximum score',
      { type: 'emergency' as const, risk: 'very_high' as const },
      { codeChanges: prs(5), history: [failed(1, T0), failed(2, T0)] },
      critical,
      [3, 3, 2, 2],
      10,
      null,
    ],
    [
      'a closed change is not assessed',
      { state: 'closed' as const, risk: 'low' as const },
      {},
      critical,
      [1, 3, 0, 0],
      4,
      null,
    ],
    [
      'a canceled change is not assessed',
      { state: 'canceled' as const, risk: 'low' as const },
      {},
      critical,
      [1, 3, 0, 0],
      4,
      null,
    ],
  ])('%s', (_name, change, context, params, [type, crit, size, past], score, computed) => {
    const r = evaluate(change, context, params);
    expect(r.points).toEqual({
      type,
      serviceCriticality: crit,
      changeSize: size,
      pastFailures: past,
    });
    expect(r.score).toBe(score);
    expect(r.findings.map((f) => f.evidence.computedRisk)).toEqual(computed ? [computed] : []);
  });

  it('explains the score with every component in the evidence', () => {
    const { findings } = evaluate(
      { risk: 'low' },
      { codeChanges: prs(2), history: [failed(1, at('2026-10-01T12:00:00Z'))] },
      critical,
    );
    expect(findings).toEqual([
      {
        message:
          'Change CHG0030001 is declared low risk but scores 6 points (very high) on type, service criticality, change size and past failures; review the risk assessment and raise the risk to very high or record why it is lower.',
        evidence: {
          change: 'CHG0030001',
          declaredRisk: 'low',
          computedRisk: 'very_high',
          score: 6,
          components: [
            { factor: 'type', value: 'normal', points: 1 },
            { factor: 'serviceCriticality', value: 'critical', points: 3 },
            { factor: 'changeSize', value: 2, points: 1 },
            { factor: 'pastFailures', value: ['CHG001001'], points: 1 },
          ],
          thresholds: { moderate: 2, high: 4, very_high: 6 },
        },
      },
    ]);
  });

  it('says when no risk is declared', () => {
    expect(evaluate({ risk: null }, {}, {}).findings[0]?.message).toMatch(
      /^Change CHG0030001 has no declared risk but scores 2 points \(moderate\);?/,
    );
  });

  it.each([
    [{ moderate: 3 }, 2, null],
    [{ moderate: 1, high: 2 }, 2, 'high'],
  ])('takes thresholds %j from its parameters', (thresholds, score, computed) => {
    const params = riskUnderestimated.params.parse({ thresholds });
    const r = evaluate({ risk: 'moderate' }, {}, params);
    expect(r.score).toBe(score);
    expect(r.findings.map((f) => f.evidence.computedRisk)).toEqual(computed ? [computed] : []);
  });

  it('has sensible defaults and rejects thresholds that do not rise', () => {
    expect(defaults).toEqual({
      serviceCriticality: {},
      defaultCriticality: 'medium',
      lookbackDays: 90,
      thresholds: { moderate: 2, high: 4, very_high: 6 },
    });
    expect(() => riskUnderestimated.params.parse({ thresholds: { high: 1 } })).toThrow();
    expect(() => riskUnderestimated.params.parse({ serviceCriticality: { x: 'huge' } })).toThrow();
  });
});
