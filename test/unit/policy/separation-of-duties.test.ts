import { separationOfDuties } from '../../../src/policy/rules/separation-of-duties.js';
import type { Change, Person } from '../../../src/model/index.js';
import type { PolicyContext } from '../../../src/policy/types.js';
import {
  aChange,
  aCodeChange,
  aContext,
  anApproval,
  aDeployment,
  aPerson,
  at,
  T0,
} from './builders.js';

const CC = 'github:pull_request:gh:acme/payments#12';
const DEP = 'github:deployment:gh:acme/payments/1001';

/** Extra people: a second identity of the requester and author, and two without email. */
const EXTRA: Person[] = [
  aPerson('person-requester-jira', { email: 'requester@example.com' }),
  aPerson('person-author-gitlab', { email: 'author@example.com' }),
  aPerson('person-noemail-1', { email: null }),
  aPerson('person-noemail-2', { email: null }),
];

function run(change: Partial<Change>, context: Partial<PolicyContext>, params: unknown = {}) {
  const ctx = aContext({ codeChanges: [aCodeChange()], deployments: [aDeployment()], ...context });
  const people = new Map(ctx.people);
  for (const p of EXTRA) people.set(p.id, p);
  return separationOfDuties.check(
    aChange(change),
    { ...ctx, people },
    separationOfDuties.params.parse(params),
    T0,
  );
}

const by = (approver: string, extra = {}) => [anApproval({ approver, ...extra })];
const high = { risk: 'high' as const };
const selfReviewed = aCodeChange({
  reviewers: [{ reviewer: 'person-author', verdict: 'approved', at: at('2026-11-03T08:00:00Z') }],
});

describe('separation-of-duties', () => {
  it.each<[string, Partial<Change>, Partial<PolicyContext>, unknown, string[]]>([
    ['independent approver, author, reviewer and deployer', high, {}, {}, []],
    [
      'the requester approves',
      {},
      { approvals: by('person-requester') },
      {},
      ['requester:person-requester'],
    ],
    [
      'the requester approves under another Person id with the same email',
      {},
      { approvals: by('person-requester-jira') },
      {},
      ['requester:person-requester'],
    ],
    [
      'an unknown person is the same human only by id',
      { requestedBy: 'person-ghost' },
      { approvals: by('person-ghost') },
      {},
      ['requester:person-ghost'],
    ],
    [
      'two unknown people are different humans',
      { requestedBy: 'person-ghost' },
      { approvals: by('person-ghost-2') },
      {},
      [],
    ],
    [
      'two people without email are different humans',
      { requestedBy: 'person-noemail-1' },
      { approvals: by('person-noemail-2') },
      {},
      [],
    ],
    ['no requester recorded', { requestedBy: null }, { approvals: by('person-requester') }, {}, []],
    [
      'a pending approval by the requester is not a conflict',
      {},
      { approvals: by('person-requester', { decision: 'requested' }) },
      {},
      [],
    ],
    [
      'a rejected approval by the requester is not a conflict',
      {},
      { approvals: by('person-requester', { decision: 'rejected' }) },
      {},
      [],
    ],
    ['the PR author approves', {}, { approvals: by('person-author') }, {}, [`author:${CC}`]],
    [
      'the PR author approves under another identity',
      {},
      { approvals: by('person-author-gitlab') },
      {},
      [`author:${CC}`],
    ],
    [
      'a PR without a known author',
      {},
      { approvals: by('person-author'), codeChanges: [aCodeChange({ author: null })] },
      {},
      [],
    ],
    [
      'the production deployer approves',
      {},
      { approvals: by('person-deployer') },
      {},
      [`deployer:${DEP}`],
    ],
    [
      'a staging deployer may approve',
      {},
      { approvals: by('person-deployer'), deployments: [aDeployment({ environment: 'staging' })] },
      {},
      [],
    ],
    [
      'one approver in every role gets one finding per role',
      { requestedBy: 'person-author' },
      { approvals: by('person-author'), deployments: [aDeployment({ actor: 'person-author' })] },
      {},
      ['requester:person-author', `author:${CC}`, `deployer:${DEP}`],
    ],
    [
      'high risk code reviewed only by its author',
      high,
      { codeChanges: [selfReviewed] },
      {},
      [`review:${CC}`],
    ],
    [
      'a reviewer who is the author under another identity is not independent',
      high,
      {
        codeChanges: [
          aCodeChange({
            reviewers: [{ reviewer: 'person-author-gitlab', verdict: 'approved', at: null }],
          }),
        ],
      },
      {},
      [`review:${CC}`],
    ],
    [
      'a review later changed to changes requested does not count',
      high,
      {
        codeChanges: [
          aCodeChange({
            reviewers: [
              { reviewer: 'person-reviewer', verdict: 'approved', at: at('2026-11-03T08:00:00Z') },
              {
                reviewer: 'person-reviewer',
                verdict: 'changes_requested',
                at: at('2026-11-03T08:00:01Z'),
              },
            ],
          }),
        ],
      },
      {},
      [`review:${CC}`],
    ],
    [
      'unmerged code is not judged yet',
      high,
      { codeChanges: [aCodeChange({ reviewers: [], mergedAt: null })] },
      {},
      [],
    ],
    ['moderate risk code needs no independent review', {}, { codeChanges: [selfReviewed] }, {}, []],
    [
      'very high risk is at least high',
      { risk: 'very_high' },
      { codeChanges: [selfReviewed] },
      {},
      [`review:${CC}`],
    ],
    [
      'the review check can start from moderate',
      {},
      { codeChanges: [selfReviewed] },
      { highRiskFrom: 'moderate' },
      [`review:${CC}`],
    ],
    [
      'the review check can be switched off',
      high,
      { codeChanges: [selfReviewed] },
      { highRiskFrom: null },
      [],
    ],
    [
      'a canceled change is not checked',
      { state: 'canceled' },
      { approvals: by('person-requester') },
      {},
      [],
    ],
  ])('%s', (_name, change, context, params, expected) => {
    expect(run(change, context, params).map((f) => f.discriminator)).toEqual(expected);
  });

  it('names the approver and the conflicting role in one sentence', () => {
    const [f] = run({}, { approvals: by('person-requester-jira') });
    expect(f?.message).toBe(
      'Change CHG0030001 was approved by Requester-jira, who also requested it; have someone independent approve it instead.',
    );
    expect(f?.evidence).toEqual({
      change: 'CHG0030001',
      role: 'requester',
      person: 'person-requester',
      approvals: [
        { id: 'servicenow:sysapproval_approver:sn:appr-1', approver: 'person-requester-jira' },
      ],
    });
  });

  it('says which pull request lacks an independent review', () => {
    const [f] = run(high, { codeChanges: [selfReviewed] });
    expect(f?.message).toBe(
      'Change CHG0030001 is high risk but its pull request acme/payments#12 was merged without an approving review from someone other than its author; have another engineer review and approve it.',
    );
    expect(f?.evidence).toMatchObject({
      codeChange: CC,
      author: 'person-author',
      mergedAt: '2026-11-03T09:30:00.000Z',
    });
  });

  it('names a GitLab merge request and the deployer role', () => {
    const mr = aCodeChange({
      id: 'gitlab:merge_request:gl:acme/app!7',
      system: 'gitlab',
      repo: 'acme/app',
      number: 7,
    });
    const messages = run(
      {},
      {
        approvals: by('person-author'),
        codeChanges: [mr],
        deployments: [aDeployment({ actor: 'person-author' })],
      },
    ).map((f) => f.message);
    expect(messages).toEqual([
      'Change CHG0030001 was approved by Author, who also wrote merge request acme/app!7; have someone independent approve it instead.',
      'Change CHG0030001 was approved by Author, who also deployed it to production; have someone independent approve it instead.',
    ]);
  });
});
