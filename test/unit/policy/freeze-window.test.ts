import type { Change, Deployment } from '../../../src/model/index.js';
import {
  calendarSchema,
  compileCalendar,
  type FreezeCalendar,
} from '../../../src/policy/calendar.js';
import { freezeWindow } from '../../../src/policy/rules/freeze-window.js';
import { aChange, aContext, aDeployment, at, hours, plus, T0 } from './builders.js';

// Year-end freeze in Berlin: 2026-12-17T23:00Z (local 00:00) up to 2027-01-04T23:00Z (exclusive).
const retail = compileCalendar(
  'retail',
  calendarSchema.parse({
    timeZone: 'Europe/Berlin',
    periods: [{ from: '2026-12-18', to: '2027-01-04', reason: 'Year-end freeze' }],
  }),
);
const FREEZE_START = at('2026-12-17T23:00:00.000Z');
const FREEZE_END = at('2027-01-04T23:00:00.000Z');
// New York leaves daylight time on 2026-11-01: local 24:00 of that day is 2026-11-02T05:00Z.
const us = compileCalendar(
  'us',
  calendarSchema.parse({
    timeZone: 'America/New_York',
    periods: [{ from: '2026-10-30', to: '2026-11-01', reason: 'Election weekend' }],
    recurring: [{ weekly: { days: ['sat', 'sun'] }, reason: 'Weekend' }],
  }),
);

const defaults = freezeWindow.params.parse({});
const context = (deployments: Deployment[] = [], calendars: FreezeCalendar[] = [retail, us]) => {
  const base = aContext({ deployments });
  return { ...base, org: { ...base.org, calendars: new Map(calendars.map((c) => [c.name, c])) } };
};
const check = (change: Partial<Change>, deployments: Deployment[] = [], params = defaults) =>
  freezeWindow.check(aChange(change), context(deployments), params, T0);
const planned = (start: Date | null, end: Date | null) => ({
  plannedStart: start,
  plannedEnd: end,
});
const ids = (change: Partial<Change>, deployments: Deployment[] = [], params = defaults) =>
  check(change, deployments, params).map((f) => f.discriminator);
const DEPLOY = 'github:deployment:gh:acme/payments/1001';

describe('freeze-window: planned window', () => {
  it.each([
    ['a Tuesday window outside every freeze', {}, []],
    [
      'a window inside the year-end freeze',
      planned(at('2026-12-21T09:00:00Z'), at('2026-12-21T11:00:00Z')),
      ['planned'],
    ],
    [
      'a window ending exactly at the freeze start',
      planned(plus(FREEZE_START, -hours(2)), FREEZE_START),
      ['planned'],
    ],
    [
      'a window ending 1 ms before the freeze start',
      planned(plus(FREEZE_START, -hours(2)), plus(FREEZE_START, -1)),
      [],
    ],
    [
      'a window starting 1 ms before the freeze end',
      planned(plus(FREEZE_END, -1), plus(FREEZE_END, hours(2))),
      ['planned'],
    ],
    [
      'a window starting at the freeze end (Tuesday 00:00 Berlin)',
      planned(FREEZE_END, plus(FREEZE_END, hours(2))),
      [],
    ],
    [
      'a window spanning the whole freeze',
      planned(at('2026-12-01T00:00:00Z'), at('2027-01-20T00:00:00Z')),
      ['planned'],
    ],
    [
      'only a planned start inside the freeze',
      planned(at('2026-12-21T09:00:00Z'), null),
      ['planned'],
    ],
    [
      'only a planned end inside the freeze',
      planned(null, at('2026-12-21T09:00:00Z')),
      ['planned'],
    ],
    ['no planned window', planned(null, null), []],
    [
      'a canceled change planned inside the freeze',
      {
        ...planned(at('2026-12-21T09:00:00Z'), at('2026-12-21T11:00:00Z')),
        state: 'canceled' as const,
      },
      [],
    ],
    // New York: 23:30 EST on the 25-hour change day is still inside; local midnight is not.
    [
      'New York, 23:30 local on the DST change day',
      planned(at('2026-11-02T04:30:00Z'), at('2026-11-02T04:45:00Z')),
      ['planned'],
    ],
    [
      'New York, from local midnight after the DST change day',
      planned(at('2026-11-02T05:00:00Z'), at('2026-11-02T06:00:00Z')),
      [],
    ],
  ])('%s', (_name, change, expected) => {
    expect(ids(change)).toEqual(expected);
  });

  it('names the change and the freeze, with every overlapping calendar as evidence', () => {
    const [f] = check(planned(at('2026-12-19T09:00:00Z'), at('2026-12-19T11:00:00Z')));
    expect(f).toEqual({
      discriminator: 'planned',
      message:
        'Change CHG0030001 is planned inside the freeze "Year-end freeze (2026-12-18 to 2027-01-04, Europe/Berlin)"; move its planned window outside the freeze or raise it as an approved emergency change.',
      evidence: {
        change: 'CHG0030001',
        plannedStart: '2026-12-19T09:00:00.000Z',
        plannedEnd: '2026-12-19T11:00:00.000Z',
        freezes: [
          {
            calendar: 'retail',
            period: 'Year-end freeze (2026-12-18 to 2027-01-04, Europe/Berlin)',
            from: '2026-12-17T23:00:00.000Z',
            to: '2027-01-04T23:00:00.000Z',
          },
          {
            calendar: 'us',
            period: 'Weekend (every Saturday and Sunday, America/New_York)',
            from: '2026-12-19T05:00:00.000Z',
            to: '2026-12-21T05:00:00.000Z',
          },
        ],
        authorisedEmergency: false,
      },
    });
  });

  it.each([
    ['only the named calendar', ['us'], []],
    ['an unknown calendar name is ignored', ['retial'], []],
    ['the named calendar that has the freeze', ['retail'], ['planned']],
  ])('calendars: %s', (_name, calendars, expected) => {
    const params = freezeWindow.params.parse({ calendars });
    expect(
      ids(planned(at('2026-12-22T09:00:00Z'), at('2026-12-22T11:00:00Z')), [], params),
    ).toEqual(expected);
  });

  it('has nothing to check without calendars', () => {
    const change = aChange(planned(at('2026-12-21T09:00:00Z'), at('2026-12-21T11:00:00Z')));
    expect(freezeWindow.check(change, context([], []), defaults, T0)).toEqual([]);
  });
});

describe('freeze-window: deployments', () => {
  const inFreeze = at('2026-12-21T10:00:00Z');
  it.each([
    ['a production deployment outside the freeze', {}, defaults, []],
    ['a production deployment inside the freeze', { startedAt: inFreeze }, defaults, [DEPLOY]],
    [
      'production named in another case',
      { startedAt: inFreeze, environment: 'PROD' },
      defaults,
      [DEPLOY],
    ],
    [
      'a staging deployment, production only',
      { startedAt: inFreeze, environment: 'staging' },
      defaults,
      [],
    ],
    [
      'a staging deployment, every environment',
      { startedAt: inFreeze, environment: 'staging' },
      freezeWindow.params.parse({ productionOnly: false }),
      [DEPLOY],
    ],
    ['started 1 ms before the freeze', { startedAt: plus(FREEZE_START, -1) }, defaults, []],
    ['started at the freeze start', { startedAt: FREEZE_START }, defaults, [DEPLOY]],
    ['started 1 ms before the freeze end', { startedAt: plus(FREEZE_END, -1) }, defaults, [DEPLOY]],
    ['started at the freeze end', { startedAt: FREEZE_END }, defaults, []],
    [
      'started before, finished inside: start counts',
      { startedAt: plus(FREEZE_START, -hours(1)), finishedAt: plus(FREEZE_START, hours(1)) },
      defaults,
      [],
    ],
    ['no start, finished inside', { startedAt: null, finishedAt: inFreeze }, defaults, [DEPLOY]],
    [
      'no start or finish, updated inside',
      { startedAt: null, finishedAt: null, updatedAt: inFreeze },
      defaults,
      [DEPLOY],
    ],
    [
      'canceled before it started',
      { startedAt: null, finishedAt: null, updatedAt: inFreeze, status: 'canceled' as const },
      defaults,
      [],
    ],
    [
      'canceled after it started inside',
      { startedAt: inFreeze, status: 'canceled' as const },
      defaults,
      [DEPLOY],
    ],
  ])('%s', (_name, deployment, params, expected) => {
    expect(ids({}, [aDeployment(deployment)], params)).toEqual(expected);
  });

  it('gives one finding per deployment with the time it counted at', () => {
    const second = aDeployment({
      id: 'gitlab:deployment:gl:acme/web/7',
      repo: 'acme/web',
      startedAt: null,
      finishedAt: null,
      updatedAt: inFreeze,
      status: 'pending',
    });
    const findings = check({}, [aDeployment({ startedAt: inFreeze }), second]);
    expect(findings.map((f) => [f.discriminator, f.evidence.timeField, f.evidence.at])).toEqual([
      [DEPLOY, 'startedAt', '2026-12-21T10:00:00.000Z'],
      ['gitlab:deployment:gl:acme/web/7', 'updatedAt', '2026-12-21T10:00:00.000Z'],
    ]);
    expect(findings[1]?.message).toBe(
      'Change CHG0030001 is being deployed to production from acme/web inside the freeze "Year-end freeze (2026-12-18 to 2027-01-04, Europe/Berlin)"; deploy only after the freeze ends at 2027-01-04T23:00:00.000Z or raise an approved emergency change.',
    );
  });
});

describe('freeze-window: emergencies', () => {
  const inside = {
    ...planned(at('2026-12-21T09:00:00Z'), at('2026-12-21T11:00:00Z')),
    type: 'emergency' as const,
  };
  it.each([
    [
      'an approved emergency with a justification',
      {},
      { severity: 'info', blocking: false, authorised: true },
    ],
    [
      'an emergency not yet approved',
      { approval: 'requested' as const },
      { severity: undefined, blocking: undefined, authorised: false },
    ],
    [
      'an approved emergency without justification',
      { justification: '  ' },
      { severity: undefined, blocking: undefined, authorised: false },
    ],
    [
      'an approved normal change',
      { type: 'normal' as const },
      { severity: undefined, blocking: undefined, authorised: false },
    ],
  ])('%s', (_name, overrides, expected) => {
    const findings = check({ ...inside, ...overrides }, [
      aDeployment({ startedAt: inside.plannedStart }),
    ]);
    expect(
      findings.map((f) => [
        f.discriminator,
        f.severity,
        f.blocking,
        f.evidence.authorisedEmergency,
      ]),
    ).toEqual(
      ['planned', DEPLOY].map((id) => [
        id,
        expected.severity,
        expected.blocking,
        expected.authorised,
      ]),
    );
  });

  it('says the emergency was allowed', () => {
    expect(check(inside)[0]?.message).toBe(
      'Change CHG0030001 is planned inside the freeze "Year-end freeze (2026-12-18 to 2027-01-04, Europe/Berlin)"; it was allowed as an authorised emergency change, so make sure the post-implementation review covers it.',
    );
  });
});
