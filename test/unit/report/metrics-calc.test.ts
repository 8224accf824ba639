import {
  approvalCycleHoursByType,
  approvalTimes,
  changeFailureRate,
  changeSuccessRate,
  computeMetrics,
  meanTimeToApproveHours,
  rejectionRate,
  type ChangeFacts,
} from '../../../src/report/metrics-calc.js';

const T = (h: number) => new Date(Date.UTC(2026, 10, 2, 0, 0, 0) + h * 3_600_000);

function fact(over: Partial<ChangeFacts> = {}): ChangeFacts {
  return {
    type: 'normal',
    approval: 'not_requested',
    state: 'new',
    closeCode: null,
    createdAt: null,
    approvalRequestedAt: null,
    approvedAt: null,
    deployed: false,
    causedIncident: false,
    ...over,
  };
}

describe('approvalTimes', () => {
  const a = (id: string, decision: string, decidedAt: Date | null, updatedAt = T(100)) => ({
    id,
    decision: decision as 'approved',
    decidedAt,
    updatedAt,
  });
  it.each([
    ['no records', [], new Map(), null, null],
    [
      'one approval, seen when requested',
      [a('a1', 'approved', T(5))],
      new Map([['a1', T(1)]]),
      T(1),
      T(5),
    ],
    [
      'backfilled: first seen after the decision',
      [a('a1', 'approved', T(5))],
      new Map([['a1', T(9)]]),
      T(5),
      T(5),
    ],
    [
      'two approvers: first request to last approval',
      [a('a1', 'approved', T(3)), a('a2', 'approved', T(8))],
      new Map([
        ['a1', T(2)],
        ['a2', T(2.5)],
      ]),
      T(2),
      T(8),
    ],
    [
      'still waiting: updatedAt, no approval',
      [a('a1', 'requested', null, T(4))],
      new Map(),
      T(4),
      null,
    ],
    ['rejected: no approval time', [a('a1', 'rejected', T(6))], new Map(), T(6), null],
  ])('%s', (_name, approvals, seen, requestedAt, approvedAt) => {
    expect(approvalTimes(approvals, seen)).toEqual({ requestedAt, approvedAt });
  });
});

describe('metrics', () => {
  it.each([
    ['none approved', [fact()], null],
    ['one, 4h', [fact({ approval: 'approved', approvalRequestedAt: T(0), approvedAt: T(4) })], 4],
    [
      'mean of 1h and 2h; unapproved and incomplete ignored',
      [
        fact({ approval: 'approved', approvalRequestedAt: T(0), approvedAt: T(1) }),
        fact({ approval: 'approved', approvalRequestedAt: T(1), approvedAt: T(3) }),
        fact({ approval: 'rejected', approvalRequestedAt: T(0), approvedAt: T(50) }),
        fact({ approval: 'approved', approvalRequestedAt: null, approvedAt: T(3) }),
      ],
      1.5,
    ],
    [
      'negative spans count as 0',
      [fact({ approval: 'approved', approvalRequestedAt: T(5), approvedAt: T(4) })],
      0,
    ],
    [
      'rounded to 0.01 h',
      [fact({ approval: 'approved', approvalRequestedAt: T(0), approvedAt: T(1 / 3) })],
      0.33,
    ],
  ])('mean time to approve: %s', (_n, facts, expected) => {
    expect(meanTimeToApproveHours(facts)).toBe(expected);
  });

  it('approval cycle by type: every type a key, null when none', () => {
    expect(
      approvalCycleHoursByType([
        fact({ type: 'normal', approval: 'approved', createdAt: T(0), approvedAt: T(10) }),
        fact({ type: 'normal', approval: 'approved', createdAt: T(0), approvedAt: T(20) }),
        fact({ type: 'emergency', approval: 'approved', createdAt: T(1), approvedAt: T(2) }),
        fact({ type: 'standard', approval: 'not_requested', createdAt: T(0) }),
      ]),
    ).toEqual({ standard: null, normal: 15, emergency: 1 });
  });

  it.each([
    ['nothing closed', [fact({ state: 'implement' })], null],
    [
      'successful and with issues count; canceled does not',
      [
        fact({ state: 'closed', closeCode: 'successful' }),
        fact({ state: 'closed', closeCode: 'successful_issues' }),
        fact({ state: 'closed', closeCode: 'unsuccessful' }),
        fact({ state: 'closed', closeCode: null }),
        fact({ state: 'canceled' }),
      ],
      0.5,
    ],
  ])('change success rate: %s', (_n, facts, expected) => {
    expect(changeSuccessRate(facts)).toBe(expected);
  });

  it.each([
    ['nothing deployed', [fact({ causedIncident: true })], null],
    [
      'one of three deployed changes caused an incident',
      [
        fact({ deployed: true, causedIncident: true }),
        fact({ deployed: true }),
        fact({ deployed: true }),
        fact({ causedIncident: true }),
      ],
      0.3333,
    ],
  ])('change failure rate: %s', (_n, facts, expected) => {
    expect(changeFailureRate(facts)).toBe(expected);
  });

  it.each([
    ['nothing decided', [fact({ approval: 'requested' })], null],
    [
      'one rejected of four decided',
      [
        fact({ approval: 'rejected' }),
        fact({ approval: 'approved' }),
        fact({ approval: 'approved' }),
        fact({ approval: 'approved' }),
        fact({ approval: 'requested' }),
      ],
      0.25,
    ],
  ])('rejection rate: %s', (_n, facts, expected) => {
    expect(rejectionRate(facts)).toBe(expected);
  });

  it('computeMetrics puts them together and counts emergencies', () => {
    expect(computeMetrics([fact({ type: 'emergency' }), fact()])).toEqual({
      meanTimeToApproveHours: null,
      approvalCycleHoursByType: { standard: null, normal: null, emergency: null },
      changeSuccessRate: null,
      changeFailureRate: null,
      emergencyChanges: 1,
      rejectionRate: null,
    });
  });
});
