import { z } from 'zod';
import type { Finding, Waiver } from '../../../src/model/index.js';
import {
  activeFindings,
  diffFindings,
  evaluate,
  type FindingDiff,
} from '../../../src/policy/engine.js';
import {
  defineRule,
  type ConfiguredRule,
  type Rule,
  type RuleFinding,
  type RuleSet,
} from '../../../src/policy/types.js';
import { aChange, aContext, hours, plus, T0 } from './builders.js';

/** The policy engine (DESIGN §6): evaluation with fake rules, and the diff against stored findings. */

const CHANGE = aChange();
const CID = CHANGE.id;

/** A fake rule that raises exactly `raised`, whatever it is asked about. */
function fakeRule(id: string, raised: RuleFinding[], version = '1'): Rule<unknown> {
  return defineRule({
    id,
    version,
    description: `fake ${id}`,
    defaultSeverity: 'medium',
    defaultBlocking: false,
    params: z.strictObject({ limit: z.number().default(3) }),
    check: () => raised,
  }) as unknown as Rule<unknown>;
}

/** A fake rule that records its arguments. */
function recordingRule(calls: unknown[][], raised: RuleFinding[]): Rule<unknown> {
  return {
    ...fakeRule('alpha', raised),
    check: (...args: unknown[]) => {
      calls.push(args);
      return raised;
    },
  };
}

function configured(rule: Rule<unknown>, over: Partial<ConfiguredRule> = {}): ConfiguredRule {
  return { rule, enabled: true, severity: 'low', blocking: false, params: { limit: 3 }, ...over };
}

const set = (rules: ConfiguredRule[], name = 'default', version = '7'): RuleSet => ({
  name,
  version,
  rules,
});

describe('evaluate', () => {
  it('turns a raised finding into an open Finding with id, subject, versions and times', () => {
    const rule = fakeRule('alpha', [{ message: 'Alpha is wrong.', evidence: { value: 1 } }], '4');
    expect(evaluate(set([configured(rule)], 'retail', '2026-11'), CHANGE, aContext(), T0)).toEqual([
      {
        id: `alpha|${CID}`,
        changeId: CID,
        subject: 'CHG0030001',
        policy: 'alpha',
        severity: 'low',
        blocking: false,
        status: 'open',
        message: 'Alpha is wrong.',
        evidence: { value: 1, ruleVersion: '4', ruleSet: 'retail@2026-11' },
        firstSeenAt: T0,
        lastSeenAt: T0,
        resolvedAt: null,
        waiver: null,
      },
    ]);
  });

  it('puts the discriminator into the id: policy|changeId|discriminator', () => {
    const rule = fakeRule('alpha', [
      { discriminator: 'deploy-2', message: 'two', evidence: {} },
      { discriminator: 'deploy-1', message: 'one', evidence: {} },
    ]);
    expect(evaluate(set([configured(rule)]), CHANGE, aContext(), T0).map((f) => f.id)).toEqual([
      `alpha|${CID}|deploy-1`,
      `alpha|${CID}|deploy-2`,
    ]);
  });

  it('runs nothing for a disabled rule', () => {
    const calls: unknown[][] = [];
    const rule = recordingRule(calls, [{ message: 'never', evidence: {} }]);
    expect(evaluate(set([configured(rule, { enabled: false })]), CHANGE, aContext(), T0)).toEqual(
      [],
    );
    expect(calls).toEqual([]);
  });

  it('passes the change, context, configured params and clock to the rule', () => {
    const calls: unknown[][] = [];
    const rule = recordingRule(calls, []);
    const context = aContext();
    const now = plus(T0, hours(5));
    evaluate(set([configured(rule, { params: { limit: 9 } })]), CHANGE, context, now);
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBe(CHANGE);
    expect(calls[0]![1]).toBe(context);
    expect(calls[0]![2]).toEqual({ limit: 9 });
    expect(calls[0]![3]).toBe(now);
  });

  it.each<[string, Partial<RuleFinding>, Partial<ConfiguredRule>, string, boolean]>([
    ['config severity and blocking', {}, { severity: 'high', blocking: true }, 'high', true],
    ['config non-blocking info', {}, { severity: 'info', blocking: false }, 'info', false],
    ['rule overrides severity', { severity: 'critical' }, { severity: 'low' }, 'critical', false],
    ['rule overrides blocking on', { blocking: true }, { blocking: false }, 'low', true],
    ['rule overrides blocking off', { blocking: false }, { blocking: true }, 'low', false],
    [
      'rule overrides both',
      { severity: 'info', blocking: false },
      { severity: 'high', blocking: true },
      'info',
      false,
    ],
  ])('%s', (_name, raised, conf, severity, blocking) => {
    const rule = fakeRule('alpha', [{ message: 'm', evidence: {}, ...raised }]);
    const [f] = evaluate(set([configured(rule, conf)]), CHANGE, aContext(), T0);
    expect([f!.severity, f!.blocking]).toEqual([severity, blocking]);
  });

  it('the engine stamps ruleVersion and ruleSet over evidence keys of the same name', () => {
    const rule = fakeRule(
      'alpha',
      [{ message: 'm', evidence: { ruleVersion: 'x', ruleSet: 'y', at: '2026-11-02' } }],
      '2',
    );
    const [f] = evaluate(set([configured(rule)]), CHANGE, aContext(), T0);
    expect(f!.evidence).toEqual({ ruleVersion: '2', ruleSet: 'default@7', at: '2026-11-02' });
  });

  it('returns findings sorted by id, whatever order the rules run in', () => {
    const rules = [
      configured(fakeRule('gamma', [{ message: 'g', evidence: {} }])),
      configured(fakeRule('alpha', [{ discriminator: 'z', message: 'a', evidence: {} }])),
      configured(fakeRule('beta', [{ message: 'b', evidence: {} }])),
      configured(fakeRule('alpha', [{ discriminator: 'b', message: 'a', evidence: {} }])),
    ];
    expect(evaluate(set(rules), CHANGE, aContext(), T0).map((f) => f.id)).toEqual([
      `alpha|${CID}|b`,
      `alpha|${CID}|z`,
      `beta|${CID}`,
      `gamma|${CID}`,
    ]);
  });

  it('returns nothing when no rule raises anything', () => {
    const rules = [configured(fakeRule('alpha', [])), configured(fakeRule('beta', []))];
    expect(evaluate(set(rules), CHANGE, aContext(), T0)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------

const NOW = plus(T0, hours(24));
const EARLIER = plus(T0, hours(-24));
const MANAGED = new Set(['alpha', 'beta']);

function finding(over: Partial<Finding> = {}): Finding {
  const policy = over.policy ?? 'alpha';
  return {
    id: `${policy}|${CID}`,
    changeId: CID,
    subject: 'CHG0030001',
    policy,
    severity: 'high',
    blocking: true,
    status: 'open',
    message: 'The change is not approved.',
    evidence: { approvals: 0, ruleVersion: '1', ruleSet: 'default@1' },
    firstSeenAt: NOW,
    lastSeenAt: NOW,
    resolvedAt: null,
    waiver: null,
    ...over,
  };
}

/** What is stored from an earlier evaluation. */
const stored = (over: Partial<Finding> = {}) =>
  finding({ firstSeenAt: EARLIER, lastSeenAt: EARLIER, ...over });

const waiver = (until: Date | null): Waiver => ({ by: 'person-cab', reason: 'Accepted', until });

const summary = (diff: FindingDiff) => ({
  upserts: diff.upserts,
  transitions: diff.transitions.map((t) => [t.finding.id, t.transition]),
  openSetChanged: diff.openSetChanged,
});

describe('diffFindings', () => {
  const A = `alpha|${CID}`;

  it.each<[string, Finding[], Finding[], ReturnType<typeof summary>]>([
    [
      'a new finding opens',
      [],
      [finding()],
      { upserts: [finding()], transitions: [[A, 'opened']], openSetChanged: true },
    ],
    [
      'a resolved finding raised again reopens and keeps its firstSeenAt',
      [stored({ status: 'resolved', resolvedAt: T0 })],
      [finding()],
      {
        upserts: [finding({ firstSeenAt: EARLIER })],
        transitions: [[A, 'reopened']],
        openSetChanged: true,
      },
    ],
    [
      'a resolved finding with an old waiver reopens without it',
      [stored({ status: 'resolved', resolvedAt: T0, waiver: waiver(null) })],
      [finding()],
      {
        upserts: [finding({ firstSeenAt: EARLIER })],
        transitions: [[A, 'reopened']],
        openSetChanged: true,
      },
    ],
    [
      'an open finding no longer raised resolves at now',
      [stored()],
      [],
      {
        upserts: [stored({ status: 'resolved', resolvedAt: NOW, lastSeenAt: NOW })],
        transitions: [[A, 'resolved']],
        openSetChanged: true,
      },
    ],
    [
      'an unchanged finding is not written',
      [stored()],
      [finding()],
      { upserts: [], transitions: [], openSetChanged: false },
    ],
    [
      'a changed message is written and changes the open set',
      [stored()],
      [finding({ message: 'Two approvers are missing.' })],
      {
        upserts: [finding({ message: 'Two approvers are missing.', firstSeenAt: EARLIER })],
        transitions: [],
        openSetChanged: true,
      },
    ],
    [
      'a changed severity is written and changes the open set',
      [stored()],
      [finding({ severity: 'critical' })],
      {
        upserts: [finding({ severity: 'critical', firstSeenAt: EARLIER })],
        transitions: [],
        openSetChanged: true,
      },
    ],
    [
      'a changed blocking flag is written and changes the open set',
      [stored()],
      [finding({ blocking: false })],
      {
        upserts: [finding({ blocking: false, firstSeenAt: EARLIER })],
        transitions: [],
        openSetChanged: true,
      },
    ],
    [
      'changed evidence alone is written but does not change the open set',
      [stored()],
      [finding({ evidence: { approvals: 1, ruleVersion: '1', ruleSet: 'default@1' } })],
      {
        upserts: [
          finding({
            evidence: { approvals: 1, ruleVersion: '1', ruleSet: 'default@1' },
            firstSeenAt: EARLIER,
          }),
        ],
        transitions: [],
        openSetChanged: false,
      },
    ],
    [
      'evidence with the same keys in another order counts as unchanged',
      [stored({ evidence: { a: 1, b: [1, 2] } })],
      [finding({ evidence: { b: [1, 2], a: 1 } })],
      { upserts: [], transitions: [], openSetChanged: false },
    ],
    [
      'a waived finding with its waiver in force stays waived and is not written',
      [stored({ status: 'waived', waiver: waiver(plus(NOW, 1)) })],
      [finding()],
      { upserts: [], transitions: [], openSetChanged: false },
    ],
    [
      'a permanently waived finding with a new message stays waived; open set unchanged',
      [stored({ status: 'waived', waiver: waiver(null) })],
      [finding({ message: 'New wording.' })],
      {
        upserts: [
          finding({
            message: 'New wording.',
            status: 'waived',
            waiver: waiver(null),
            firstSeenAt: EARLIER,
          }),
        ],
        transitions: [],
        openSetChanged: false,
      },
    ],
    [
      'a waived finding whose waiver expired re-opens',
      [stored({ status: 'waived', waiver: waiver(plus(NOW, -1)) })],
      [finding()],
      {
        upserts: [finding({ waiver: waiver(plus(NOW, -1)), firstSeenAt: EARLIER })],
        transitions: [[A, 'waiver_expired']],
        openSetChanged: true,
      },
    ],
    [
      'a waiver ending exactly now has expired',
      [stored({ status: 'waived', waiver: waiver(NOW) })],
      [finding()],
      {
        upserts: [finding({ waiver: waiver(NOW), firstSeenAt: EARLIER })],
        transitions: [[A, 'waiver_expired']],
        openSetChanged: true,
      },
    ],
    [
      'a waived finding that is no longer raised resolves; nobody saw it open',
      [stored({ status: 'waived', waiver: waiver(null) })],
      [],
      {
        upserts: [
          stored({
            status: 'resolved',
            waiver: waiver(null),
            resolvedAt: NOW,
            lastSeenAt: NOW,
          }),
        ],
        transitions: [[A, 'resolved']],
        openSetChanged: false,
      },
    ],
    [
      'a resolved finding still not raised is left alone',
      [stored({ status: 'resolved', resolvedAt: T0 })],
      [],
      { upserts: [], transitions: [], openSetChanged: false },
    ],
    [
      'findings of policies it does not manage are never resolved',
      [
        stored({ policy: 'sync-conflict', id: `sync-conflict|${CID}|title` }),
        stored({ policy: 'drift-field', id: `drift-field|${CID}|state` }),
      ],
      [],
      { upserts: [], transitions: [], openSetChanged: false },
    ],
  ])('%s', (_name, before, fresh, expected) => {
    expect(summary(diffFindings(before, fresh, MANAGED, NOW))).toEqual(expected);
  });

  it('handles several findings at once, in fresh order then resolutions', () => {
    const B = `beta|${CID}|d1`;
    const B2 = `beta|${CID}|d2`;
    const before = [
      stored(),
      stored({ policy: 'beta', id: B, message: 'Deployment 1 is unapproved.' }),
      stored({ policy: 'drift-field', id: `drift-field|${CID}|state` }),
    ];
    const fresh = [
      finding({ policy: 'beta', id: B2, message: 'Deployment 2 is unapproved.' }),
      finding(),
    ];
    const diff = diffFindings(before, fresh, MANAGED, NOW);
    expect(summary(diff)).toEqual({
      upserts: [
        finding({ policy: 'beta', id: B2, message: 'Deployment 2 is unapproved.' }),
        stored({
          policy: 'beta',
          id: B,
          message: 'Deployment 1 is unapproved.',
          status: 'resolved',
          resolvedAt: NOW,
          lastSeenAt: NOW,
        }),
      ],
      transitions: [
        [B2, 'opened'],
        [B, 'resolved'],
      ],
      openSetChanged: true,
    });
  });

  it('transitions carry the finding as written', () => {
    const diff = diffFindings([stored({ status: 'resolved' })], [finding()], MANAGED, NOW);
    expect(diff.transitions[0]!.finding).toBe(diff.upserts[0]);
  });
});

describe('activeFindings', () => {
  it('keeps open findings and waived ones whose waiver expired, in input order', () => {
    const open = finding({ id: 'open' });
    const expired = finding({ id: 'expired', status: 'waived', waiver: waiver(NOW) });
    const inForce = finding({ id: 'in-force', status: 'waived', waiver: waiver(plus(NOW, 1)) });
    const forever = finding({ id: 'forever', status: 'waived', waiver: waiver(null) });
    const resolved = finding({ id: 'resolved', status: 'resolved', resolvedAt: T0 });
    expect(
      activeFindings([expired, inForce, resolved, open, forever], NOW).map((f) => f.id),
    ).toEqual(['expired', 'open']);
  });

  it('returns nothing for nothing', () => {
    expect(activeFindings([], NOW)).toEqual([]);
  });
});
