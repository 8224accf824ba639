import type { Change, Deployment } from '../../../src/model/index.js';
import { emergencyReview } from '../../../src/policy/rules/emergency-review.js';
import type { ChangeSummary } from '../../../src/policy/types.js';
import { aChange, aContext, aDeployment, aSummary, at, hours, plus, T0 } from './builders.js';

const defaults = emergencyReview.params.parse({});
type Params = typeof defaults;

function run(
  change: Partial<Change>,
  records: { deployments?: Deployment[]; history?: ChangeSummary[] } = {},
  params: Partial<Params> = {},
  now = T0,
) {
  return emergencyReview.check(
    aChange({ type: 'emergency', ...change }),
    aContext({ deployments: records.deployments ?? [], history: records.history ?? [] }),
    { ...defaults, ...params },
    now,
  );
}

// The builder's deployment finished at 2026-11-03 10:05 UTC: review due 2026-11-04 10:05 UTC.
const END = at('2026-11-03T10:05:00Z');
const DUE = plus(END, hours(24));
const ONE_S = 1000;

describe('emergency-review: post-implementation review', () => {
  const review = (...args: Parameters<typeof run>) =>
    run(...args).filter((f) => f.discriminator === 'review');

  it.each([
    [
      'open, exactly 24 h after the deployment',
      { state: 'implement' as const },
      [aDeployment()],
      DUE,
      null,
    ],
    [
      'open, 24 h and 1 s after',
      { state: 'implement' as const },
      [aDeployment()],
      plus(DUE, ONE_S),
      'overdue',
    ],
    [
      'in review but past the deadline',
      { state: 'review' as const },
      [aDeployment()],
      plus(DUE, ONE_S),
      'overdue',
    ],
    [
      'closed exactly at the deadline',
      { state: 'closed' as const, closedAt: DUE },
      [aDeployment()],
      plus(DUE, hours(72)),
      null,
    ],
    [
      'closed 1 s late',
      { state: 'closed' as const, closedAt: plus(DUE, ONE_S) },
      [aDeployment()],
      plus(DUE, hours(72)),
      'late',
    ],
    [
      'closed with no closing time',
      { state: 'closed' as const, closedAt: null },
      [aDeployment()],
      plus(DUE, hours(72)),
      null,
    ],
    ['canceled', { state: 'canceled' as const }, [aDeployment()], plus(DUE, hours(72)), null],
    [
      'a normal change',
      { type: 'normal' as const, state: 'implement' as const },
      [aDeployment()],
      plus(DUE, hours(72)),
      null,
    ],
    [
      'no deployment: measured from the planned end (11:00)',
      { state: 'review' as const },
      [],
      at('2026-11-04T11:00:00Z'),
      null,
    ],
    [
      'no deployment: 1 s after planned end + 24 h',
      { state: 'review' as const },
      [],
      at('2026-11-04T11:00:01Z'),
      'overdue',
    ],
    [
      'no deployment and no planned end',
      { state: 'review' as const, plannedEnd: null },
      [],
      plus(DUE, hours(720)),
      null,
    ],
    [
      'a deployment still running does not end implementation',
      { state: 'review' as const },
      [aDeployment({ status: 'in_progress', finishedAt: null })],
      at('2026-11-04T11:00:01Z'),
      'overdue',
    ],
  ])('%s', (_name, change, deployments, now, status) => {
    const findings = review(change, { deployments }, {}, now);
    expect(findings.map((f) => f.evidence.status)).toEqual(status ? [status] : []);
  });

  it('measures from the latest production deployment, ignoring staging', () => {
    const deployments = [
      aDeployment({ id: 'd1', finishedAt: at('2026-11-03T10:05:00Z') }),
      aDeployment({ id: 'd2', finishedAt: at('2026-11-03T14:00:00Z') }),
      aDeployment({ id: 'd3', finishedAt: at('2026-11-03T20:00:00Z'), environment: 'staging' }),
    ];
    const [f] = review({ state: 'implement' }, { deployments }, {}, at('2026-11-04T14:00:01Z'));
    expect(f).toEqual({
      discriminator: 'review',
      message:
        'Emergency change CHG0030001 has not been closed although its implementation ended at 2026-11-03 14:00 UTC and its post-implementation review was due by 2026-11-04 14:00 UTC; complete the review and close the change.',
      evidence: {
        change: 'CHG0030001',
        state: 'implement',
        implementationEnd: '2026-11-03T14:00:00.000Z',
        implementationEndFrom: 'deployment',
        deployment: 'd2',
        reviewHours: 24,
        deadline: '2026-11-04T14:00:00.000Z',
        closedAt: null,
        status: 'overdue',
      },
    });
  });

  it('explains a late closure', () => {
    const [f] = review(
      { state: 'closed', closedAt: at('2026-11-05T09:00:00Z') },
      { deployments: [aDeployment()] },
    );
    expect(f?.message).toBe(
      'Emergency change CHG0030001 was closed at 2026-11-05 09:00 UTC, after its 24-hour post-implementation review deadline (implementation ended at 2026-11-03 10:05 UTC); record in the change why the review was late.',
    );
  });

  it('takes the review period from its parameters', () => {
    const now = plus(END, hours(30));
    expect(review({ state: 'review' }, { deployments: [aDeployment()] }, {}, now)).toHaveLength(1);
    expect(
      review({ state: 'review' }, { deployments: [aDeployment()] }, { reviewHours: 48 }, now),
    ).toEqual([]);
  });
});

describe('emergency-review: emergencies per team and month', () => {
  const volume = (...args: Parameters<typeof run>) =>
    run(...args).filter((f) => f.discriminator?.startsWith('volume:'));
  const emergency = (n: number, o: Partial<ChangeSummary> = {}) =>
    aSummary({
      id: `id-${n}`,
      key: `CHG00400${n}`,
      type: 'emergency',
      plannedStart: at(`2026-11-1${n}T09:00:00Z`),
      ...o,
    });
  const three = [emergency(1), emergency(2), emergency(3)];
  const teams = { checkout: ['checkout-web'], payments: ['payments-api', 'ledger'] };

  it.each([
    ['3 in the month (at the limit)', [emergency(1), emergency(2)], {}, null],
    ['4 in the month', three, {}, 'volume:default:2026-11'],
    [
      'the change itself in history is not counted twice',
      [
        emergency(1),
        emergency(2),
        aSummary({
          id: '11111111-1111-4111-8111-111111111111',
          key: 'CHG0030001',
          type: 'emergency',
        }),
      ],
      {},
      null,
    ],
    [
      'normal changes do not count',
      [emergency(1), emergency(2), emergency(3, { type: 'normal' })],
      {},
      null,
    ],
    [
      'canceled emergencies do not count',
      [emergency(1), emergency(2), emergency(3, { state: 'canceled' })],
      {},
      null,
    ],
    [
      'another month does not count',
      [emergency(1), emergency(2), emergency(3, { plannedStart: at('2026-10-31T23:59:59Z') })],
      {},
      null,
    ],
    [
      'no planned start: created at counts',
      [
        emergency(1),
        emergency(2),
        emergency(3, { plannedStart: null, createdAt: at('2026-11-01T00:00:00Z') }),
      ],
      {},
      'volume:default:2026-11',
    ],
    ['teams: grouped by owned services', three, { teams }, 'volume:payments:2026-11'],
    [
      'teams: another team does not count',
      [emergency(1), emergency(2), emergency(3, { services: ['checkout-web'] })],
      { teams },
      null,
    ],
    [
      'teams: first matching team wins',
      three,
      { teams: { platform: ['ledger', 'payments-api'], ...teams } },
      'volume:platform:2026-11',
    ],
    ['a lower maximum', [emergency(1)], { maxPerTeamPerMonth: 1 }, 'volume:default:2026-11'],
  ])('%s', (_name, history, params, discriminator) => {
    const findings = volume({}, { history }, params);
    expect(findings.map((f) => f.discriminator)).toEqual(discriminator ? [discriminator] : []);
  });

  it('names the team, month, count and changes', () => {
    const [f] = volume({}, { history: three }, { teams });
    expect(f?.message).toBe(
      'Change CHG0030001 is one of 4 emergency changes of payments in November 2026, more than the 3 allowed per month; review with the team why these could not go through the normal change process.',
    );
    expect(f?.evidence).toEqual({
      change: 'CHG0030001',
      team: 'payments',
      month: '2026-11',
      timeZone: 'UTC',
      count: 4,
      max: 3,
      changes: ['CHG0030001', 'CHG004001', 'CHG004002', 'CHG004003'],
    });
  });

  it.each([
    // 2026-10-31 23:30 UTC is 2026-11-01 00:30 in Berlin (CET, after the 25 Oct DST end).
    ['UTC', at('2026-10-31T23:30:00Z'), null],
    ['Europe/Berlin', at('2026-10-31T23:30:00Z'), 'volume:default:2026-11'],
    // 2026-11-01 03:30 UTC is still 2026-10-31 23:30 EDT in New York (DST ends 06:00 UTC).
    ['UTC', at('2026-11-01T03:30:00Z'), 'volume:default:2026-11'],
    ['America/New_York', at('2026-11-01T03:30:00Z'), null],
  ])(
    'reads the month in %s for a change planned at %s',
    (timeZone, plannedStart, discriminator) => {
      const history = [emergency(1), emergency(2), emergency(3, { plannedStart })];
      const findings = volume({}, { history }, { timeZone });
      expect(findings.map((f) => f.discriminator)).toEqual(discriminator ? [discriminator] : []);
    },
  );

  it('uses now for the month of a change without planned start', () => {
    const history = [emergency(1), emergency(2), emergency(3)];
    expect(volume({ plannedStart: null }, { history }, {}, at('2026-12-01T00:00:00Z'))).toEqual([]);
    expect(
      volume({ plannedStart: null }, { history }, {}, at('2026-11-30T23:59:59Z')),
    ).toHaveLength(1);
  });

  it('has sensible defaults and rejects an unknown time zone', () => {
    expect(defaults).toEqual({
      reviewHours: 24,
      maxPerTeamPerMonth: 3,
      teams: {},
      timeZone: 'UTC',
    });
    expect(() => emergencyReview.params.parse({ timeZone: 'Mars/Olympus' })).toThrow();
  });
});
