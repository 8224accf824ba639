import type { Change, Incident } from '../../../src/model/index.js';
import { incidentConflict } from '../../../src/policy/rules/incident-conflict.js';
import { aChange, aContext, anIncident, at, hours, plus, T0 } from './builders.js';

// The change is planned 2026-11-03 09:00–11:00 UTC; T0 (now) is 2026-11-02T10:00Z.
const START = at('2026-11-03T09:00:00Z');
const END = at('2026-11-03T11:00:00Z');
const defaults = incidentConflict.params.parse({});
const check = (change: Partial<Change>, incidents: Incident[], params = defaults) =>
  incidentConflict.check(aChange({ risk: 'high', ...change }), aContext({ incidents }), params, T0);
const keys = (change: Partial<Change>, incidents: Partial<Incident>[], params = defaults) =>
  check(
    change,
    incidents.map((i) => anIncident(i)),
    params,
  ).map((f) => f.discriminator);

describe('incident-conflict', () => {
  it.each([
    ['a high-risk change during an open P2', {}, [{}], ['INC0010001']],
    ['a very high risk change', { risk: 'very_high' as const }, [{}], ['INC0010001']],
    ['a moderate-risk change', { risk: 'moderate' as const }, [{}], []],
    ['a change of unknown risk', { risk: null }, [{}], []],
    ['a closed change', { state: 'closed' as const }, [{}], []],
    ['a canceled change', { state: 'canceled' as const }, [{}], []],
    ['a change in implementation', { state: 'implement' as const }, [{}], ['INC0010001']],
    ['a P3 incident', {}, [{ priority: 3 as const }], []],
    ['an incident opened exactly at the planned end', {}, [{ openedAt: END }], ['INC0010001']],
    ['an incident opened 1 ms after the planned end', {}, [{ openedAt: plus(END, 1) }], []],
    [
      'an incident opened days before and still open',
      {},
      [{ openedAt: plus(START, -hours(72)) }],
      ['INC0010001'],
    ],
    [
      'an incident resolved exactly at the planned start',
      {},
      [{ openedAt: plus(START, -hours(5)), resolvedAt: START }],
      [],
    ],
    [
      'an incident resolved 1 ms after the planned start',
      {},
      [{ openedAt: plus(START, -hours(5)), resolvedAt: plus(START, 1) }],
      ['INC0010001'],
    ],
    [
      'an incident opened and resolved inside the window',
      {},
      [{ openedAt: plus(START, 60_000), resolvedAt: plus(START, 120_000) }],
      ['INC0010001'],
    ],
    [
      'an incident caused by this change (its backout must not be blocked)',
      {},
      [{ causedBy: 'chg0030001' }],
      [],
    ],
    ['an incident caused by another change', {}, [{ causedBy: 'CHG0020001' }], ['INC0010001']],
    [
      'an incident on another service, any service counts',
      {},
      [{ services: ['ledger'] }],
      ['INC0010001'],
    ],
    [
      'one finding per incident',
      {},
      [{}, { id: 'servicenow:incident:sn:inc-2', key: 'INC0010002', priority: 1 as const }],
      ['INC0010001', 'INC0010002'],
    ],
    // Without a planned window the incident must be open now (T0).
    [
      'no window, an incident open now',
      { plannedStart: null, plannedEnd: null },
      [{ openedAt: plus(T0, -hours(1)) }],
      ['INC0010001'],
    ],
    [
      'no window, an incident opened exactly now',
      { plannedStart: null, plannedEnd: null },
      [{ openedAt: T0 }],
      ['INC0010001'],
    ],
    ['no window, an incident opened after now', { plannedStart: null, plannedEnd: null }, [{}], []],
    [
      'no window, an incident resolved exactly now',
      { plannedStart: null, plannedEnd: null },
      [{ openedAt: plus(T0, -hours(1)), resolvedAt: T0 }],
      [],
    ],
    [
      'no window, an incident resolved 1 ms after now',
      { plannedStart: null, plannedEnd: null },
      [{ openedAt: plus(T0, -hours(1)), resolvedAt: plus(T0, 1) }],
      ['INC0010001'],
    ],
    [
      'only a planned start: that instant counts',
      { plannedEnd: null },
      [{ openedAt: START }],
      ['INC0010001'],
    ],
    [
      'only a planned start, incident opened 1 ms later',
      { plannedEnd: null },
      [{ openedAt: plus(START, 1) }],
      [],
    ],
  ])('%s', (_name, change, incidents, expected) => {
    expect(keys(change, incidents)).toEqual(expected);
  });

  it.each([
    ['riskFrom very_high skips a high-risk change', { riskFrom: 'very_high' }, {}, [{}], []],
    [
      'riskFrom moderate checks a moderate change',
      { riskFrom: 'moderate' },
      { risk: 'moderate' as const },
      [{}],
      ['INC0010001'],
    ],
    [
      'P3 counts when configured major',
      { majorPriorities: [1, 2, 3] },
      {},
      [{ priority: 3 as const }],
      ['INC0010001'],
    ],
    [
      'same services only: another service',
      { sameServicesOnly: true },
      {},
      [{ services: ['ledger'] }],
      [],
    ],
    [
      'same services only: no services on the incident',
      { sameServicesOnly: true },
      {},
      [{ services: [] }],
      [],
    ],
    [
      'same services only: a shared service in another case',
      { sameServicesOnly: true },
      {},
      [{ services: ['Payments-API'] }],
      ['INC0010001'],
    ],
  ])('%s', (_name, params, change, incidents, expected) => {
    expect(keys(change, incidents, incidentConflict.params.parse(params))).toEqual(expected);
  });

  it('rejects priorities outside 1–4 and an empty list', () => {
    expect(() => incidentConflict.params.parse({ majorPriorities: [0] })).toThrow();
    expect(() => incidentConflict.params.parse({ majorPriorities: [] })).toThrow();
  });

  it('names the change, its risk and the incident, with the window as evidence', () => {
    const [f] = check({ risk: 'very_high' }, [
      anIncident({ priority: 1, resolvedAt: plus(END, hours(1)) }),
    ]);
    expect(f).toEqual({
      discriminator: 'INC0010001',
      message:
        'Change CHG0030001 (very high risk) is planned while major incident INC0010001 (priority 1) is open; reschedule it for after the incident is resolved.',
      evidence: {
        change: 'CHG0030001',
        risk: 'very_high',
        plannedStart: '2026-11-03T09:00:00.000Z',
        plannedEnd: '2026-11-03T11:00:00.000Z',
        basis: 'planned window',
        incident: 'servicenow:incident:sn:inc-1',
        incidentKey: 'INC0010001',
        priority: 1,
        openedAt: '2026-11-03T10:30:00.000Z',
        resolvedAt: '2026-11-03T12:00:00.000Z',
        sharedServices: ['payments-api'],
      },
    });
  });

  it('tells a change without a window to wait', () => {
    const [f] = check({ plannedStart: null, plannedEnd: null }, [
      anIncident({ openedAt: plus(T0, -hours(1)), services: ['ledger'] }),
    ]);
    expect([f?.message, f?.evidence.basis, f?.evidence.sharedServices]).toEqual([
      'Change CHG0030001 (high risk) has no planned window and major incident INC0010001 (priority 2) is open now; wait until the incident is resolved and plan a window.',
      'open now',
      [],
    ]);
  });
});
