import { approvalExpiry } from '../../../src/policy/rules/approval-expiry.js';
import type { Approval, Change, Deployment } from '../../../src/model/index.js';
import { aChange, aContext, anApproval, aDeployment, at, hours, plus } from './builders.js';

const A1 = 'servicenow:sysapproval_approver:sn:appr-1';
const V = at('2026-11-05T12:00:00Z');
const DECIDED = at('2026-11-02T12:00:00Z'); // anApproval().decidedAt
const timed = [anApproval({ validUntil: V })];

function run(
  change: Partial<Change>,
  approvals: Approval[],
  now: Date,
  deployments: Deployment[] = [],
  params: unknown = {},
) {
  return approvalExpiry.check(
    aChange(change),
    aContext({ approvals, deployments }),
    approvalExpiry.params.parse(params),
    now,
  );
}

const ids = (findings: ReturnType<typeof run>) => findings.map((f) => f.discriminator);
const d30 = { defaultValidityDays: 30 };

describe('approval-expiry', () => {
  it.each<[string, Partial<Change>, Approval[], Date, Deployment[], unknown, string[]]>([
    [
      'an approval without validity never lapses',
      {},
      [anApproval()],
      plus(V, hours(10_000)),
      [],
      {},
      [],
    ],
    ['within its window', {}, timed, plus(V, -1), [], {}, []],
    ['exactly at the end of its window it is still valid', {}, timed, V, [], {}, []],
    ['1 ms after its window it is void', {}, timed, plus(V, 1), [], {}, [A1]],
    [
      'implementation started: state implement',
      { state: 'implement' },
      timed,
      plus(V, 1),
      [],
      {},
      [],
    ],
    ['implementation started: state review', { state: 'review' }, timed, plus(V, 1), [], {}, []],
    ['implementation started: state closed', { state: 'closed' }, timed, plus(V, 1), [], {}, []],
    ['a canceled change is not checked', { state: 'canceled' }, timed, plus(V, 1), [], {}, []],
    ['a draft with a lapsed approval', { state: 'authorize' }, timed, plus(V, 1), [], {}, [A1]],
    [
      'a production deployment started exactly at the end',
      {},
      timed,
      plus(V, 1),
      [aDeployment({ startedAt: V })],
      {},
      [],
    ],
    [
      'a production deployment started 1 ms late',
      {},
      timed,
      plus(V, 2),
      [aDeployment({ startedAt: plus(V, 1) })],
      {},
      [A1],
    ],
    [
      'a staging deployment does not start implementation',
      {},
      timed,
      plus(V, 1),
      [aDeployment({ environment: 'staging', startedAt: DECIDED })],
      {},
      [A1],
    ],
    [
      'a pending deployment that never started does not either',
      {},
      timed,
      plus(V, 1),
      [aDeployment({ status: 'pending', startedAt: null })],
      {},
      [A1],
    ],
    [
      'only approved decisions lapse',
      {},
      [anApproval({ validUntil: V, decision: 'requested' })],
      plus(V, 1),
      [],
      {},
      [],
    ],
    [
      'one finding per lapsed approval',
      {},
      [anApproval({ validUntil: V }), anApproval({ id: 'appr-2', validUntil: plus(V, hours(1)) })],
      plus(V, 1),
      [],
      {},
      [A1],
    ],
    [
      'the default window ends 30 days after the decision',
      {},
      [anApproval()],
      plus(DECIDED, hours(30 * 24)),
      [],
      d30,
      [],
    ],
    [
      'and is void 1 ms later',
      {},
      [anApproval()],
      plus(DECIDED, hours(30 * 24) + 1),
      [],
      d30,
      [A1],
    ],
    [
      'no default window without a decision time',
      {},
      [anApproval({ decidedAt: null })],
      plus(V, hours(10_000)),
      [],
      d30,
      [],
    ],
    [
      'an explicit validUntil wins over the default',
      {},
      [anApproval({ validUntil: plus(DECIDED, hours(24 * 40)) })],
      plus(DECIDED, hours(24 * 31)),
      [],
      d30,
      [],
    ],
  ])('%s', (_name, change, approvals, now, deployments, params, expected) => {
    expect(ids(run(change, approvals, now, deployments, params))).toEqual(expected);
  });

  it('counts default days as exact 24 h spans across a DST change', () => {
    // Europe's clocks go back on 2026-10-25; the window is still 30 × 24 h of UTC time.
    const decided = at('2026-10-20T12:00:00Z');
    const approvals = [anApproval({ decidedAt: decided })];
    const [f] = run({}, approvals, at('2026-11-19T12:00:00.001Z'), [], d30);
    expect(f?.evidence.validUntil).toBe('2026-11-19T12:00:00.000Z');
    expect(run({}, approvals, at('2026-11-19T12:00:00Z'), [], d30)).toEqual([]);
  });

  it('names the approver and the expiry in one sentence with its evidence', () => {
    const late = aDeployment({ startedAt: plus(V, hours(1)) });
    const [f] = run({}, timed, plus(V, hours(2)), [late]);
    expect(f?.message).toBe(
      'The approval of change CHG0030001 by Approver expired at 2026-11-05T12:00:00.000Z before implementation started; ask for the change to be approved again.',
    );
    expect(f?.evidence).toEqual({
      change: 'CHG0030001',
      state: 'scheduled',
      approval: A1,
      approver: 'person-approver',
      decidedAt: '2026-11-02T12:00:00.000Z',
      validUntil: '2026-11-05T12:00:00.000Z',
      validitySource: 'approval',
      productionDeploymentsStarted: ['github:deployment:gh:acme/payments/1001'],
    });
  });

  it('falls back to the Person id for an unknown approver', () => {
    const [f] = run({}, [anApproval({ approver: 'person-ghost', validUntil: V })], plus(V, 1));
    expect(f?.message).toContain('by person-ghost expired');
  });

  it('rejects a negative default validity', () => {
    expect(() => approvalExpiry.params.parse({ defaultValidityDays: -1 })).toThrow();
  });
});
