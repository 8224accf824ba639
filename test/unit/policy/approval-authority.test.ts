import { approvalAuthority } from '../../../src/policy/rules/approval-authority.js';
import type { Approval, Change } from '../../../src/model/index.js';
import { aChange, aContext, anApproval, T0 } from './builders.js';

const A1 = 'servicenow:sysapproval_approver:sn:appr-1';

function run(change: Partial<Change>, approvals: Approval[], params: unknown) {
  return approvalAuthority.check(
    aChange(change),
    aContext({ approvals }),
    approvalAuthority.params.parse(params),
    T0,
  );
}

const approver = [anApproval()];
const both = ['payments-api', 'ledger'];

describe('approval-authority', () => {
  it.each<[string, Partial<Change>, Approval[], unknown, [string, string[]][]]>([
    ['no matrix, no constraint', {}, approver, {}, []],
    [
      'approver listed by Person id',
      {},
      approver,
      { matrix: { 'payments-api': ['person-approver'] } },
      [],
    ],
    [
      'approver listed by email in any case',
      {},
      approver,
      { matrix: { 'payments-api': ['APPROVER@Example.com'] } },
      [],
    ],
    [
      'approver not listed',
      {},
      approver,
      { matrix: { 'payments-api': ['person-cab'] } },
      [[A1, ['payments-api']]],
    ],
    [
      'service names match in any case',
      {},
      approver,
      { matrix: { 'Payments-API': ['person-approver'] } },
      [],
    ],
    [
      'a service without an entry is unconstrained',
      {},
      approver,
      { matrix: { ledger: ['person-cab'] } },
      [],
    ],
    [
      'every affected service with an entry must authorise the approver',
      { services: both },
      approver,
      { matrix: { 'payments-api': ['person-approver'], ledger: ['person-cab'] } },
      [[A1, ['ledger']]],
    ],
    [
      'the wildcard constrains services without an entry',
      { services: both },
      approver,
      { matrix: { 'payments-api': ['person-approver'], '*': ['person-cab'] } },
      [[A1, ['ledger']]],
    ],
    [
      'the wildcard authorises for every service',
      {},
      approver,
      { matrix: { 'payments-api': ['person-cab'], '*': ['person-approver'] } },
      [],
    ],
    [
      'a change without services is held to the wildcard',
      { services: [] },
      approver,
      { matrix: { '*': ['person-cab'] } },
      [[A1, ['*']]],
    ],
    [
      'a change without services and no wildcard is unconstrained',
      { services: [] },
      approver,
      { matrix: { 'payments-api': ['person-cab'] } },
      [],
    ],
    [
      'an unknown person is matched by id',
      {},
      [anApproval({ approver: 'person-ghost' })],
      { matrix: { 'payments-api': ['person-ghost'] } },
      [],
    ],
    [
      'an unknown person cannot be matched by email',
      {},
      [anApproval({ approver: 'person-ghost' })],
      { matrix: { 'payments-api': ['ghost@example.com'] } },
      [[A1, ['payments-api']]],
    ],
    [
      'only approved decisions are judged',
      {},
      [anApproval({ decision: 'requested' }), anApproval({ id: 'r', decision: 'rejected' })],
      { matrix: { 'payments-api': ['person-cab'] } },
      [],
    ],
    [
      'one finding per unauthorised approval',
      {},
      [anApproval(), anApproval({ id: 'appr-2', approver: 'person-cab' })],
      { matrix: { 'payments-api': ['person-cab'] } },
      [[A1, ['payments-api']]],
    ],
    [
      'a delegated approval needs the delegate to be authorised by default',
      {},
      [anApproval({ delegatedFrom: 'person-cab' })],
      { matrix: { 'payments-api': ['person-cab'] } },
      [[A1, ['payments-api']]],
    ],
    [
      'delegation from an authorised person can be allowed',
      {},
      [anApproval({ delegatedFrom: 'person-cab' })],
      { matrix: { 'payments-api': ['person-cab'] }, allowDelegation: true },
      [],
    ],
    [
      'a canceled change is not checked',
      { state: 'canceled' },
      approver,
      { matrix: { '*': [] } },
      [],
    ],
  ])('%s', (_name, change, approvals, params, expected) => {
    const findings = run(change, approvals, params);
    expect(findings.map((f) => [f.discriminator, f.evidence.services])).toEqual(expected);
  });

  it('names the approver, the change and the services in one sentence', () => {
    const [f] = run({ services: both }, approver, { matrix: { '*': [] } });
    expect(f?.message).toBe(
      'Approver approved change CHG0030001 but is not authorised to approve changes to payments-api and ledger; have an approver from the authority matrix approve it instead.',
    );
    expect(f?.evidence).toEqual({
      change: 'CHG0030001',
      approval: A1,
      approver: 'person-approver',
      delegatedFrom: null,
      services: both,
    });
  });

  it('falls back to the Person id when the approver is unknown', () => {
    const [f] = run({}, [anApproval({ approver: 'person-ghost' })], { matrix: { '*': [] } });
    expect(f?.message).toMatch(/^person-ghost approved change CHG0030001 but/);
  });
});
