import { approvalRequired } from '../../../src/policy/rules/approval-required.js';
import type { Change } from '../../../src/model/index.js';
import type { PolicyContext } from '../../../src/policy/types.js';
import { aChange, aContext, anApproval, aDeployment, aPerson, at, plus } from './builders.js';

const NOW = at('2026-11-03T12:00:00Z');
const DECIDED = at('2026-11-02T12:00:00Z'); // anApproval().decidedAt
const second = anApproval({ id: 'appr-2', approver: 'person-cab' });
const cabParams = { cabMembers: ['CAB@example.com'] };

function run(
  change: Partial<Change>,
  context: Partial<PolicyContext> = {},
  params: unknown = {},
  now = NOW,
) {
  const ctx = aContext(context);
  const people = new Map(ctx.people);
  people.set('person-cab', aPerson('person-cab'));
  return approvalRequired.check(
    aChange(change),
    { ...ctx, people: context.people ?? people },
    approvalRequired.params.parse(params),
    now,
  );
}

/** [counted approvals, required, deployments] of the single finding, or null. */
function summary(findings: ReturnType<typeof run>) {
  expect(findings.length).toBeLessThanOrEqual(1);
  const f = findings[0];
  if (!f) return null;
  const counted = f.evidence.approvalsCounted as { id: string }[];
  return [counted.map((a) => a.id), f.evidence.requiredApprovers, f.evidence.deployments];
}

const A1 = 'servicenow:sysapproval_approver:sn:appr-1';
const DEP = 'github:deployment:gh:acme/payments/1001';
const implementing = { state: 'implement' as const };

describe('approval-required', () => {
  it.each<[string, Partial<Change>, Partial<PolicyContext>, unknown, unknown]>([
    ['scheduled with nothing deployed is not checked yet', {}, { approvals: [] }, {}, null],
    ['implementing with one approval at moderate risk', implementing, {}, {}, null],
    ['implementing with no approvals', implementing, { approvals: [] }, {}, [[], 1, []]],
    [
      'implementing while the change request is still requested',
      { ...implementing, approval: 'requested' },
      {},
      {},
      [[A1], 1, []],
    ],
    [
      'a rejected approval does not count',
      implementing,
      { approvals: [anApproval({ decision: 'rejected' })] },
      {},
      [[], 1, []],
    ],
    [
      'a standard change is pre-approved',
      { ...implementing, type: 'standard' },
      { approvals: [] },
      {},
      null,
    ],
    [
      'a canceled change is not checked',
      { state: 'canceled' },
      { approvals: [], deployments: [aDeployment()] },
      {},
      null,
    ],
    [
      'an emergency change is checked',
      { ...implementing, type: 'emergency' },
      { approvals: [] },
      {},
      [[], 1, []],
    ],
    [
      'emergency changes can be left out',
      { ...implementing, type: 'emergency' },
      { approvals: [] },
      { types: ['normal'] },
      null,
    ],
    [
      'high risk needs two approvers and the CAB',
      { ...implementing, risk: 'high' },
      {},
      cabParams,
      [[A1], 2, []],
    ],
    [
      'high risk with a CAB member matched by email (any case)',
      { ...implementing, risk: 'high' },
      { approvals: [anApproval(), second] },
      cabParams,
      null,
    ],
    [
      'high risk with no CAB configured needs only its approver count',
      { ...implementing, risk: 'high' },
      { approvals: [anApproval(), second] },
      {},
      null,
    ],
    [
      'CAB can be switched off',
      { ...implementing, risk: 'very_high' },
      { approvals: [anApproval(), second] },
      { cabRequiredFrom: null },
      null,
    ],
    [
      'the same person approving twice counts once',
      { ...implementing, risk: 'high' },
      { approvals: [anApproval(), anApproval({ id: 'appr-3' })] },
      { cabMembers: ['person-approver'] },
      [[A1], 2, []],
    ],
    [
      'an unassessed risk counts as moderate',
      { ...implementing, risk: null },
      {},
      { minApprovers: { moderate: 2 } },
      [[A1], 2, []],
    ],
    [
      'a production deployment before approval',
      {},
      { deployments: [aDeployment({ startedAt: plus(DECIDED, -1) })] },
      {},
      [[], 1, [DEP]],
    ],
    [
      'a production deployment exactly at the approval',
      {},
      { deployments: [aDeployment({ startedAt: DECIDED })] },
      {},
      null,
    ],
    [
      'an approval valid until exactly the deployment start counts',
      {},
      {
        approvals: [anApproval({ validUntil: at('2026-11-03T10:00:00Z') })],
        deployments: [aDeployment()],
      },
      {},
      null,
    ],
    [
      'an approval lapsed 1 ms before the deployment start does not',
      {},
      {
        approvals: [anApproval({ validUntil: at('2026-11-03T09:59:59.999Z') })],
        deployments: [aDeployment()],
      },
      {},
      [[], 1, [DEP]],
    ],
    [
      'a pending deployment not yet started is checked now',
      {},
      {
        approvals: [],
        deployments: [aDeployment({ status: 'pending', startedAt: null, finishedAt: null })],
      },
      {},
      [[], 1, [DEP]],
    ],
    [
      'a deployment canceled before it started is ignored',
      {},
      { approvals: [], deployments: [aDeployment({ status: 'canceled', startedAt: null })] },
      {},
      null,
    ],
    [
      'a staging deployment is ignored',
      {},
      { approvals: [], deployments: [aDeployment({ environment: 'staging' })] },
      {},
      null,
    ],
    [
      'production names match in any case',
      {},
      { approvals: [], deployments: [aDeployment({ environment: 'PROD' })] },
      {},
      [[], 1, [DEP]],
    ],
    [
      'a closed change is judged at its planned start, not now',
      { state: 'closed' },
      { approvals: [anApproval({ validUntil: at('2026-11-03T09:00:00Z') })] },
      {},
      null,
    ],
    [
      'implementation before the planned start is judged now',
      { ...implementing, plannedStart: at('2026-11-04T09:00:00Z') },
      { approvals: [anApproval({ validUntil: at('2026-11-03T11:59:59Z') })] },
      {},
      [[], 1, []],
    ],
  ])('%s', (_name, change, context, params, expected) => {
    expect(summary(run(change, context, params))).toEqual(expected);
  });

  it.each([
    ['an unknown CAB person is matched by id', ['person-ghost'], 0],
    ['an unknown person cannot be matched by email', ['ghost@example.com'], 1],
  ])('%s', (_name, cabMembers, findings) => {
    const approvals = [anApproval(), anApproval({ id: 'appr-9', approver: 'person-ghost' })];
    expect(run({ ...implementing, risk: 'high' }, { approvals }, { cabMembers })).toHaveLength(
      findings,
    );
  });

  it('names the change, the trigger and every shortfall in one sentence', () => {
    const [f] = run(
      { risk: 'high', approval: 'requested' },
      { deployments: [aDeployment({ startedAt: plus(DECIDED, -1) })] },
      cabParams,
    );
    expect(f?.message).toBe(
      'Change CHG0030001 has a deployment to production but its approval is requested, it has 0 of 2 required approvals and no CAB member approved it; get the change approved before implementing it.',
    );
    expect(f?.evidence.failing).toEqual([
      {
        trigger: 'deployment',
        deployment: DEP,
        startedAt: '2026-11-02T11:59:59.999Z',
        approvals: [],
        cabApproved: false,
      },
    ]);
  });

  it('says when the change is being implemented', () => {
    expect(run(implementing, { approvals: [] })[0]?.message).toBe(
      'Change CHG0030001 is being implemented but it has 0 of 1 required approvals; get the change approved before implementing it.',
    );
  });

  it('rejects an unknown risk in its parameters', () => {
    expect(() => approvalRequired.params.parse({ cabRequiredFrom: 'extreme' })).toThrow();
  });
});
