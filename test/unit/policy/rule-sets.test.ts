import { CATALOGUE, RULE_IDS } from '../../../src/policy/catalogue.js';
import { buildRuleSet, RuleSets, type RuleSetInput } from '../../../src/policy/rule-sets.js';
import type { ConfiguredRule, RuleSet } from '../../../src/policy/types.js';

/** A tenant's rule set (DESIGN §6): every catalogue rule, defaults overridden by configuration. */

const ALL_IDS = [
  'required-fields',
  'approval-required',
  'approval-authority',
  'separation-of-duties',
  'approval-expiry',
  'freeze-window',
  'emergency-review',
  'linked-change',
  'incident-conflict',
  'change-related-incident',
  'risk-underestimated',
  'stale-approval',
  'closure-evidence',
];

const ruleOf = (set: RuleSet, id: string): ConfiguredRule => {
  const found = set.rules.find((r) => r.rule.id === id);
  if (!found) throw new Error(`no rule ${id} in the set`);
  return found;
};

/** id → [enabled, severity, blocking] for the whole set. */
const switches = (set: RuleSet) =>
  Object.fromEntries(set.rules.map((r) => [r.rule.id, [r.enabled, r.severity, r.blocking]]));

describe('buildRuleSet', () => {
  it('without configuration: every catalogue rule, on, with its defaults, version "default"', () => {
    const set = buildRuleSet('default', undefined);
    expect(set.name).toBe('default');
    expect(set.version).toBe('default');
    expect(set.rules.map((r) => r.rule.id)).toEqual(ALL_IDS);
    expect(RULE_IDS).toEqual(ALL_IDS);
    expect(switches(set)).toEqual({
      'required-fields': [true, 'medium', false],
      'approval-required': [true, 'high', true],
      'approval-authority': [true, 'high', true],
      'separation-of-duties': [true, 'high', true],
      'approval-expiry': [true, 'medium', true],
      'freeze-window': [true, 'high', true],
      'emergency-review': [true, 'medium', false],
      'linked-change': [true, 'high', true],
      'incident-conflict': [true, 'high', true],
      'change-related-incident': [true, 'medium', false],
      'risk-underestimated': [true, 'medium', false],
      'stale-approval': [true, 'medium', false],
      'closure-evidence': [true, 'low', false],
    });
    for (const configured of set.rules) {
      expect(configured.rule).toBe(CATALOGUE.find((r) => r.id === configured.rule.id));
      expect(configured.params).toEqual(configured.rule.params.parse({}));
    }
  });

  it('fills default parameters', () => {
    const set = buildRuleSet('default', undefined);
    expect(ruleOf(set, 'approval-required').params).toEqual({
      types: ['normal', 'emergency'],
      minApprovers: { low: 1, moderate: 1, high: 2, very_high: 2 },
      cabRequiredFrom: 'high',
      cabMembers: [],
    });
    expect(ruleOf(set, 'freeze-window').params).toEqual({ calendars: [], productionOnly: true });
  });

  it('an empty rules map gives the defaults under the configured version', () => {
    const set = buildRuleSet('retail', { version: '2026-11', rules: {} });
    expect([set.name, set.version]).toEqual(['retail', '2026-11']);
    expect(switches(set)).toEqual(switches(buildRuleSet('default', undefined)));
  });

  it('overrides enabled, severity, blocking and params of the rules it names, only those', () => {
    const input: RuleSetInput = {
      version: '3',
      rules: {
        'stale-approval': { enabled: false, params: {} },
        'approval-required': {
          enabled: true,
          severity: 'critical',
          blocking: false,
          params: { minApprovers: { high: 3 }, cabMembers: ['cab@example.com'] },
        },
        'closure-evidence': { enabled: true, blocking: true, params: {} },
        'risk-underestimated': { enabled: true, severity: 'info', params: {} },
        'freeze-window': { enabled: true, params: { calendars: ['retail'] } },
      },
    };
    const set = buildRuleSet('retail', input);
    expect(switches(set)).toEqual({
      ...switches(buildRuleSet('default', undefined)),
      'stale-approval': [false, 'medium', false],
      'approval-required': [true, 'critical', false],
      'closure-evidence': [true, 'low', true],
      'risk-underestimated': [true, 'info', false],
    });
    expect(ruleOf(set, 'approval-required').params).toEqual({
      types: ['normal', 'emergency'],
      minApprovers: { low: 1, moderate: 1, high: 3, very_high: 2 },
      cabRequiredFrom: 'high',
      cabMembers: ['cab@example.com'],
    });
    expect(ruleOf(set, 'freeze-window').params).toEqual({
      calendars: ['retail'],
      productionOnly: true,
    });
    // Rules not named keep their default parameters.
    expect(ruleOf(set, 'stale-approval').params).toEqual(
      ruleOf(buildRuleSet('default', undefined), 'stale-approval').params,
    );
  });

  it('a disabled rule keeps its configured severity and parsed parameters', () => {
    const set = buildRuleSet('x', {
      version: '1',
      rules: { 'linked-change': { enabled: false, severity: 'low', params: { graceMinutes: 15 } } },
    });
    expect(ruleOf(set, 'linked-change')).toMatchObject({
      enabled: false,
      severity: 'low',
      blocking: true,
      params: { mergesCount: true, allowStandard: true, graceMinutes: 15 },
    });
  });

  it('ignores names that are not catalogue rules (configuration already reported them)', () => {
    const set = buildRuleSet('x', {
      version: '1',
      rules: { 'no-such-rule': { enabled: false, params: {} } },
    });
    expect(set.rules.map((r) => r.rule.id)).toEqual(ALL_IDS);
  });

  it('throws on parameters the rule rejects (the config schema should have caught them)', () => {
    expect(() =>
      buildRuleSet('x', {
        version: '1',
        rules: { 'approval-required': { enabled: true, params: { minApprovers: { high: -1 } } } },
      }),
    ).toThrow();
  });
});

describe('RuleSets.forTenant', () => {
  const inputs: Record<string, RuleSetInput> = {
    default: { version: '1', rules: { 'stale-approval': { enabled: false, params: {} } } },
    retail: { version: '2026-11', rules: { 'freeze-window': { enabled: false, params: {} } } },
  };

  it.each<[string, string, string, string]>([
    ['retail', 'retail', '2026-11', 'freeze-window'],
    ['default', 'default', '1', 'stale-approval'],
    ['wholesale', 'default', '1', 'stale-approval'],
    ['Retail', 'default', '1', 'stale-approval'],
  ])('tenant %s uses set %s@%s (with %s off)', (tenant, name, version, off) => {
    const set = new RuleSets(inputs).forTenant(tenant);
    expect([set.name, set.version]).toEqual([name, version]);
    expect(set.rules.filter((r) => !r.enabled).map((r) => r.rule.id)).toEqual([off]);
  });

  it('falls back to the built-in defaults when no default set is configured', () => {
    const set = new RuleSets({}).forTenant('retail');
    expect([set.name, set.version]).toEqual(['default', 'default']);
    expect(set.rules.every((r) => r.enabled)).toBe(true);
  });

  it('builds each set once and hands out the same instance', () => {
    const sets = new RuleSets(inputs);
    const retail = sets.forTenant('retail');
    expect(sets.forTenant('retail')).toBe(retail);
    const fallback = sets.forTenant('wholesale');
    expect(sets.forTenant('default')).toBe(fallback);
    expect(sets.forTenant('outlet')).toBe(fallback);
    expect(fallback).not.toBe(retail);
  });

  // Tenant names come from source data (the canonical `tenant` field is mapped). `inputs[tenant]`
  // (src/policy/rule-sets.ts, forTenant) also finds inherited Object.prototype members, so a
  // tenant named `constructor` or `toString` picks a "set" that is a function and buildRuleSet
  // throws `Cannot read properties of undefined (reading 'required-fields')`.
  it('a tenant named like an Object.prototype member falls back to default', () => {
    const sets = new RuleSets(inputs);
    for (const tenant of ['constructor', 'toString', '__proto__']) {
      const set = sets.forTenant(tenant);
      expect([set.name, set.version]).toEqual(['default', '1']);
    }
  });
});
