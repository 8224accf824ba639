import { requiredFields } from '../../../src/policy/rules/required-fields.js';
import { aChange, aContext, T0 } from './builders.js';

const defaults = requiredFields.params.parse({});
const check = (overrides: Parameters<typeof aChange>[0], params = defaults) =>
  requiredFields.check(aChange(overrides), aContext(), params, T0);

describe('required-fields', () => {
  it.each([
    ['a complete normal change', {}, []],
    ['a normal change without backout plan', { backoutPlan: null }, ['backoutPlan']],
    ['blank text counts as missing', { testPlan: '   ' }, ['testPlan']],
    [
      'an emergency change needs justification, implementation and backout plan',
      { type: 'emergency' as const, justification: null, testPlan: null, impactAnalysis: null },
      ['justification'],
    ],
    [
      'a standard change needs only its implementation plan',
      { type: 'standard' as const, justification: null, backoutPlan: null },
      [],
    ],
    ['a draft is not checked yet', { state: 'new' as const, backoutPlan: null }, []],
    ['a canceled change is not checked', { state: 'canceled' as const, backoutPlan: null }, []],
  ])('%s', (_name, overrides, missing) => {
    const findings = check(overrides);
    expect(findings.map((f) => f.evidence.missing)).toEqual(missing.length ? [missing] : []);
  });

  it('names every missing field in one plain sentence', () => {
    const [f] = check({ backoutPlan: null, testPlan: '' });
    expect(f?.message).toBe(
      'Change CHG0030001 is missing its backout plan and test plan; fill them in on the change request.',
    );
  });

  it('takes the required fields per type from its parameters', () => {
    const params = requiredFields.params.parse({ byType: { normal: ['services'] } });
    expect(check({ services: [], backoutPlan: null }, params)[0]?.evidence.missing).toEqual([
      'services',
    ]);
  });

  it('rejects an unknown field name in its parameters', () => {
    expect(() => requiredFields.params.parse({ byType: { normal: ['colour'] } })).toThrow();
  });
});
