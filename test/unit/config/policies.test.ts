import { RULE_IDS } from '../../../src/policy/catalogue.js';
import { RuleSets } from '../../../src/policy/rule-sets.js';
import { load, problems } from './helpers.js';

/** `policies:` through the real loader (DESIGN §6): rule sets, calendars, identity links. */

const F = 'config/changebridge.yaml';
const VALID_IDS = `one of ${RULE_IDS.join(', ')}`;

/** A `policies.sets.default.rules` body, indented for the YAML below. */
const rules = (body: string) => `policies:\n  sets:\n    default:\n      rules:\n${body}`;

describe('policies: a valid section', () => {
  const yaml = `policies:
  productionEnvironments: [prod, live]
  protectedBranches: [main, "release/*"]
  identities:
    - name: Bob Builder
      email: Bob@Example.com
      ids: ["github:bob", "jira:5b10ac8d82e05b22", "servicenow:sys_user:6816f79cc0a8016401c5a33be04be441"]
    - name: Carol Ops
      ids: ["gitlab:carol"]
  calendars:
    retail:
      timeZone: Europe/Berlin
      periods:
        - { from: "2026-12-18", to: "2026-12-31", reason: "Year-end freeze" }
      recurring:
        - { lastBusinessDays: 3, reason: "Month-end close" }
  sets:
    default:
      version: "2026-11"
      rules:
        freeze-window: { params: { calendars: [retail] } }
        approval-required:
          severity: critical
          blocking: false
          params: { minApprovers: { high: 3 } }
        stale-approval: { enabled: false }
    outlet:
      rules: {}
  gates: { enabled: false }
`;

  it('parses, keeping rule params as written and filling the rest of the defaults', () => {
    expect(load(yaml).config.policies).toEqual({
      productionEnvironments: ['prod', 'live'],
      protectedBranches: ['main', 'release/*'],
      identities: [
        {
          name: 'Bob Builder',
          email: 'Bob@Example.com',
          ids: [
            'github:bob',
            'jira:5b10ac8d82e05b22',
            'servicenow:sys_user:6816f79cc0a8016401c5a33be04be441',
          ],
        },
        { name: 'Carol Ops', ids: ['gitlab:carol'] },
      ],
      calendars: {
        retail: {
          timeZone: 'Europe/Berlin',
          periods: [{ from: '2026-12-18', to: '2026-12-31', reason: 'Year-end freeze' }],
          recurring: [{ lastBusinessDays: 3, reason: 'Month-end close' }],
          holidays: [],
        },
      },
      sets: {
        default: {
          version: '2026-11',
          rules: {
            'freeze-window': { enabled: true, params: { calendars: ['retail'] } },
            'approval-required': {
              enabled: true,
              severity: 'critical',
              blocking: false,
              params: { minApprovers: { high: 3 } },
            },
            'stale-approval': { enabled: false, params: {} },
          },
        },
        outlet: { version: '1', rules: {} },
      },
      gates: { enabled: false },
    });
  });

  it('feeds RuleSets: the configured set, its overrides and parsed params', () => {
    const sets = new RuleSets(load(yaml).config.policies.sets);
    const set = sets.forTenant('default');
    expect([set.name, set.version]).toEqual(['default', '2026-11']);
    const approval = set.rules.find((r) => r.rule.id === 'approval-required')!;
    expect(approval).toMatchObject({
      enabled: true,
      severity: 'critical',
      blocking: false,
      params: { minApprovers: { low: 1, moderate: 1, high: 3, very_high: 2 } },
    });
    expect(set.rules.filter((r) => !r.enabled).map((r) => r.rule.id)).toEqual(['stale-approval']);
    expect([sets.forTenant('outlet').name, sets.forTenant('outlet').version]).toEqual([
      'outlet',
      '1',
    ]);
  });

  it('an empty section gets the defaults', () => {
    expect(load('policies: {}\n').config.policies).toEqual({
      productionEnvironments: ['production', 'prod'],
      protectedBranches: ['main', 'master', 'release/*'],
      identities: [],
      calendars: {},
      sets: {},
      gates: { enabled: true },
    });
  });
});

describe('policies: rule sets', () => {
  it('names an unknown rule and lists the valid ids', () => {
    expect(problems(rules('        aproval-required: {}\n'))).toEqual([
      `${F}:5:9: policies.sets.default.rules["aproval-required"] names an unknown rule "aproval-required" (expected ${VALID_IDS})`,
    ]);
    expect(VALID_IDS).toContain('approval-required, approval-authority');
  });

  it.each<[string, string, string]>([
    [
      'a negative approver count',
      '        approval-required: {params: {minApprovers: {high: -1}}}\n',
      `${F}:5:59: policies.sets.default.rules["approval-required"].params.minApprovers.high: -1 is invalid: Too small: expected number to be >=0`,
    ],
    [
      'text where a list is due',
      '        approval-required: {params: {cabMembers: "alice"}}\n',
      `${F}:5:50: policies.sets.default.rules["approval-required"].params.cabMembers: "alice" is invalid: Invalid input: expected array, received string`,
    ],
    [
      'text where a number is due',
      '        stale-approval: {params: {slaHours: {high: "soon"}}}\n',
      `${F}:5:52: policies.sets.default.rules["stale-approval"].params.slaHours.high: "soon" is invalid: Invalid input: expected number, received string`,
    ],
    [
      'an unknown parameter',
      '        approval-required: {params: {minApprovrs: 2}}\n',
      `${F}:5:37: policies.sets.default.rules["approval-required"].params: a mapping is invalid: Unrecognized key: "minApprovrs"`,
    ],
  ])('reports a bad rule parameter through params: %s', (_name, body, expected) => {
    expect(problems(rules(body))).toEqual([expected]);
  });

  it.each<[string, string, string]>([
    [
      'an unknown key beside params',
      '        approval-required: {enabld: false}\n',
      `${F}:5:29: policies.sets.default.rules["approval-required"].enabld: unknown key "enabld" (did you mean \`enabled\`?)`,
    ],
    [
      'an unknown severity',
      '        approval-required: {severity: urgent}\n',
      `${F}:5:39: policies.sets.default.rules["approval-required"].severity: "urgent" is not one of the allowed values (expected one of: info, low, medium, high, critical)`,
    ],
  ])('reports %s', (_name, body, expected) => {
    expect(problems(rules(body))).toEqual([expected]);
  });

  it('reports every problem of a set in one go', () => {
    const yaml = rules(
      '        aproval-required: {}\n        stale-approval: {params: {slaHours: {high: "soon"}}}\n',
    );
    expect(problems(yaml)).toEqual([
      `${F}:5:9: policies.sets.default.rules["aproval-required"] names an unknown rule "aproval-required" (expected ${VALID_IDS})`,
      `${F}:6:52: policies.sets.default.rules["stale-approval"].params.slaHours.high: "soon" is invalid: Invalid input: expected number, received string`,
    ]);
  });
});

describe('policies: calendars', () => {
  it.each<[string, string, string]>([
    [
      'lists the defined calendars',
      'policies:\n  calendars:\n    retail: { timeZone: UTC }\n    eoy: { timeZone: UTC }\n  sets:\n    default:\n      rules:\n        freeze-window: {params: {calendars: [retail, xmas]}}\n',
      `${F}:8:54: policies.sets.default.rules["freeze-window"].params.calendars[1]: "xmas" names calendar "xmas", which policies.calendars does not define (expected one of retail, eoy)`,
    ],
    [
      'says where to define one when there are none',
      rules('        freeze-window: {params: {calendars: [xmas]}}\n'),
      `${F}:5:46: policies.sets.default.rules["freeze-window"].params.calendars[0]: "xmas" names calendar "xmas", which policies.calendars does not define (expected a calendar defined under policies.calendars)`,
    ],
    [
      'checks every tenant set',
      'policies:\n  calendars:\n    retail: { timeZone: UTC }\n  sets:\n    default: {}\n    outlet:\n      rules:\n        freeze-window: {params: {calendars: [xmas]}}\n',
      `${F}:8:46: policies.sets.outlet.rules["freeze-window"].params.calendars[0]: "xmas" names calendar "xmas", which policies.calendars does not define (expected one of retail)`,
    ],
  ])('an unknown calendar name in freeze-window params %s', (_name, yaml, expected) => {
    expect(problems(yaml)).toEqual([expected]);
  });

  it('rejects an invalid time zone, naming the calendar', () => {
    expect(problems('policies:\n  calendars:\n    retail: { timeZone: Mars/Olympus }\n')).toEqual([
      `${F}:3:25: policies.calendars.retail.timeZone: "Mars/Olympus" is not valid: unknown time zone "Mars/Olympus"; write an IANA name such as Europe/Berlin or America/New_York`,
    ]);
  });

  // The calendar schema (src/policy/calendar.ts) words its own errors ("unknown time zone …;
  // write an IANA name such as Europe/Berlin …", "period starts (…) after it ends (…)"), but
  // they reach the operator as a bare `is not valid`: fromZodIssue (src/config/errors.ts, case
  // 'custom') reads only `params.problem` and drops `issue.message`, and calendar.ts's refine()
  // sets no params. The fix that names the problem without a hint is lost.
  it('keeps the calendar schema’s own wording for a bad time zone', () => {
    expect(problems('policies:\n  calendars:\n    retail: { timeZone: Mars/Olympus }\n')).toEqual([
      expect.stringContaining(
        'unknown time zone "Mars/Olympus"; write an IANA name such as Europe/Berlin or America/New_York',
      ),
    ]);
  });

  it('keeps the calendar schema’s own wording for a period that ends before it starts', () => {
    const yaml =
      'policies:\n  calendars:\n    retail:\n      timeZone: UTC\n      periods:\n        - { from: "2026-12-31", to: "2026-12-18", reason: "Year-end" }\n';
    expect(problems(yaml)).toEqual([
      expect.stringContaining('period starts (2026-12-31) after it ends (2026-12-18)'),
    ]);
  });
});

describe('policies: identities', () => {
  it('rejects one identity listed under two people', () => {
    const yaml =
      'policies:\n  identities:\n    - { name: Bob, ids: ["github:bob"] }\n    - { name: Robert, ids: ["jira:123", "github:bob"] }\n';
    expect(problems(yaml)).toEqual([
      `${F}:4:28: policies.identities[1].ids: a list repeats identity "github:bob", already listed under identities[0] (expected each identity under exactly one person)`,
    ]);
  });

  it.each<[string, string]>([
    ['slack:bob', '3:26'],
    ['github:', '3:26'],
    ['servicenow:bob', '3:26'],
    ['jira:has space', '3:26'],
  ])('rejects the identity %s, listing the expected forms', (id, position) => {
    expect(problems(`policies:\n  identities:\n    - { name: Bob, ids: ["${id}"] }\n`)).toEqual([
      `${F}:${position}: policies.identities[0].ids[0]: "${id}" is not valid (expected "servicenow:sys_user:<sys_id>", "jira:<accountId>", "github:<login>" or "gitlab:<username>")`,
    ]);
  });

  it('rejects a person without identities', () => {
    expect(problems('policies:\n  identities:\n    - { name: Bob, ids: [] }\n')).toEqual([
      `${F}:3:20: policies.identities[0].ids is empty`,
    ]);
  });
});
