import type { Change } from '../../../src/model/index.js';
import { findUnauthorised, type Activity } from '../../../src/reconcile/index.js';
import { aChange, at, plus, T0 } from '../policy/builders.js';

/**
 * findUnauthorised (DESIGN §7): a deployment, protected-branch merge or direct push that no
 * approved (or standard) change covers with its planned window. aChange() is an approved
 * normal change planned 2026-11-03 09:00–11:00 UTC.
 */
const CHANGE_ID = '11111111-1111-4111-8111-111111111111';
const DEPLOY = 'github:deployment:gh:acme/payments/1001';
const START = at('2026-11-03T09:00:00Z');
const END = at('2026-11-03T11:00:00Z');
const INSIDE = at('2026-11-03T10:00:00Z');

function anActivity(overrides: Partial<Activity> = {}): Activity {
  return {
    recordId: DEPLOY,
    kind: 'deployment',
    system: 'github',
    repo: 'acme/payments',
    target: 'production',
    sha: 'b'.repeat(40),
    at: INSIDE,
    actor: 'person-deployer',
    key: 'acme/payments@bbbbbbb',
    url: 'https://github.com/acme/payments/deployments/1001',
    changes: [],
    ...overrides,
  };
}

const check = (overrides: Partial<Activity> = {}, now: Date = T0) =>
  findUnauthorised([anActivity(overrides)], now);
const linked = (...changes: Partial<Change>[]) => ({ changes: changes.map((c) => aChange(c)) });

describe('findUnauthorised: no change at all', () => {
  it('reports a deployment with no change as critical, with the record key as subject', () => {
    expect(check()).toEqual([
      {
        policy: 'unauthorised-change',
        changeId: null,
        subject: 'acme/payments@bbbbbbb',
        discriminator: DEPLOY,
        severity: 'critical',
        message:
          'acme/payments@bbbbbbb was deployed to production at 2026-11-03 10:00 UTC with no change at all.',
        evidence: {
          record: DEPLOY,
          kind: 'deployment',
          repo: 'acme/payments',
          target: 'production',
          sha: 'b'.repeat(40),
          at: '2026-11-03T10:00:00.000Z',
          actor: 'person-deployer',
          url: 'https://github.com/acme/payments/deployments/1001',
          changes: [],
        },
        correction: null,
      },
    ]);
  });

  it('returns nothing for no activity', () => {
    expect(findUnauthorised([], T0)).toEqual([]);
  });

  it('judges each activity on its own, in order', () => {
    const out = findUnauthorised(
      [
        anActivity({ recordId: 'a', key: 'k-a' }),
        anActivity({ recordId: 'b', key: 'k-b', ...linked({}) }),
        anActivity({ recordId: 'c', key: 'k-c' }),
      ],
      T0,
    );
    expect(out.map((d) => [d.discriminator, d.subject])).toEqual([
      ['a', 'k-a'],
      ['c', 'k-c'],
    ]);
  });
});

describe('findUnauthorised: covered by an approved change', () => {
  it.each<[string, Date]>([
    ['inside the window', INSIDE],
    ['exactly at the planned start', START],
    ['exactly at the planned end', END],
  ])('finds nothing for a deployment %s', (_, when) => {
    expect(check({ at: when, ...linked({}) })).toEqual([]);
  });

  it.each<[string, Date]>([
    ['1 ms before the planned start', plus(START, -1)],
    ['1 ms after the planned end', plus(END, 1)],
    ['a day later', at('2026-11-04T10:00:00Z')],
  ])('reports a deployment %s', (_, when) => {
    expect(check({ at: when, ...linked({}) }).map((d) => d.changeId)).toEqual([CHANGE_ID]);
  });

  it('is covered when any one of several linked changes covers it', () => {
    expect(
      check(
        linked(
          { id: 'c-1', key: 'CHG0030001', approval: 'requested' },
          { id: 'c-2', key: 'CHG0030002' },
        ),
      ),
    ).toEqual([]);
  });

  it('is not covered by an approved change with no planned window', () => {
    expect(check(linked({ plannedStart: null, plannedEnd: null }))).toHaveLength(1);
    expect(check(linked({ plannedEnd: null }))).toHaveLength(1);
  });
});

describe('findUnauthorised: linked to a change that does not cover it', () => {
  it.each<Change['approval']>(['not_requested', 'requested', 'rejected'])(
    'reports a deployment under a %s normal change, naming the change',
    (approval) => {
      const [d] = check(linked({ approval }));
      expect(d).toMatchObject({
        policy: 'unauthorised-change',
        changeId: CHANGE_ID,
        subject: 'acme/payments@bbbbbbb',
        discriminator: DEPLOY,
        severity: 'critical',
      });
      expect(d!.message).toBe(
        `acme/payments@bbbbbbb was deployed to production at 2026-11-03 10:00 UTC, but CHG0030001 did not cover it (${approval.replace(/_/g, ' ')}, scheduled, window 2026-11-03 09:00–2026-11-03 11:00 UTC).`,
      );
      expect(d!.evidence.changes).toEqual([{ key: 'CHG0030001', approval, state: 'scheduled' }]);
    },
  );

  it('says "window none" for a change without a planned window', () => {
    const [d] = check(linked({ approval: 'requested', plannedStart: null, plannedEnd: null }));
    expect(d!.message).toBe(
      'acme/payments@bbbbbbb was deployed to production at 2026-11-03 10:00 UTC, but CHG0030001 did not cover it (requested, scheduled, window none).',
    );
  });

  it('names the first linked change and lists all of them in evidence', () => {
    const [d] = check(
      linked(
        { id: 'c-1', key: 'CHG0030001', approval: 'requested' },
        { id: 'c-2', key: 'CHG0030002', approval: 'rejected', state: 'canceled' },
      ),
    );
    expect(d!.changeId).toBe('c-1');
    expect(d!.message).toContain('but CHG0030001 did not cover it (requested,');
    expect(d!.evidence.changes).toEqual([
      { key: 'CHG0030001', approval: 'requested', state: 'scheduled' },
      { key: 'CHG0030002', approval: 'rejected', state: 'canceled' },
    ]);
  });
});

describe('findUnauthorised: standard changes are pre-approved', () => {
  it.each<Change['approval']>(['not_requested', 'requested'])(
    'a standard change (%s) covers a deployment inside its window',
    (approval) => {
      expect(check(linked({ type: 'standard', approval }))).toEqual([]);
    },
  );

  it('a standard change does not cover a deployment outside its window', () => {
    expect(
      check({ at: plus(END, 1), ...linked({ type: 'standard', approval: 'not_requested' }) }),
    ).toHaveLength(1);
  });

  it.each<Change['type']>(['normal', 'emergency'])(
    'a %s change that is not approved does not cover it',
    (type) => {
      expect(check(linked({ type, approval: 'requested' }))).toHaveLength(1);
    },
  );
});

describe('findUnauthorised: activity without a time', () => {
  it('judges it at `now`: covered when now is inside the window', () => {
    expect(check({ at: null, ...linked({}) }, INSIDE)).toEqual([]);
  });

  it('judges it at `now`: reported when now is outside, with no time in the message', () => {
    const [d] = check({ at: null, ...linked({}) }, T0);
    expect(d!.evidence.at).toBeNull();
    expect(d!.message).toBe(
      'acme/payments@bbbbbbb was deployed to production, but CHG0030001 did not cover it (approved, scheduled, window 2026-11-03 09:00–2026-11-03 11:00 UTC).',
    );
  });

  it('reports it with no change at all without a time', () => {
    expect(check({ at: null }, INSIDE)[0]!.message).toBe(
      'acme/payments@bbbbbbb was deployed to production with no change at all.',
    );
  });

  it('uses the activity time, not `now`, when it has one', () => {
    // now is inside the window, the activity is not.
    expect(check({ at: plus(END, 1), ...linked({}) }, INSIDE)).toHaveLength(1);
    // now is outside the window, the activity is inside.
    expect(check({ at: INSIDE, ...linked({}) }, T0)).toEqual([]);
  });
});

describe('findUnauthorised: merges and pushes', () => {
  it.each<[Activity['kind'], string, string]>([
    [
      'merge',
      'acme/payments#12',
      'acme/payments#12 was merged to main at 2026-11-03 12:00 UTC with no change at all.',
    ],
    [
      'push',
      'acme/payments@1a2b3c4',
      'acme/payments@1a2b3c4 was pushed straight to main at 2026-11-03 12:00 UTC with no change at all.',
    ],
    [
      'deployment',
      'acme/payments@1a2b3c4',
      'acme/payments@1a2b3c4 was deployed to main at 2026-11-03 12:00 UTC with no change at all.',
    ],
  ])('%s wording', (kind, key, message) => {
    const [d] = check({
      kind,
      key,
      recordId: `github:${kind}:gh:x`,
      target: 'main',
      at: at('2026-11-03T12:00:00Z'),
    });
    expect(d).toMatchObject({
      subject: key,
      discriminator: `github:${kind}:gh:x`,
      message,
      evidence: { kind, target: 'main', at: '2026-11-03T12:00:00.000Z' },
    });
  });

  it('a merge under an approved change outside its window names the change', () => {
    const [d] = check({
      kind: 'merge',
      key: 'acme/payments#12',
      target: 'release/2026.11',
      at: at('2026-11-03T12:00:00Z'),
      ...linked({}),
    });
    expect(d!.message).toBe(
      'acme/payments#12 was merged to release/2026.11 at 2026-11-03 12:00 UTC, but CHG0030001 did not cover it (approved, scheduled, window 2026-11-03 09:00–2026-11-03 11:00 UTC).',
    );
  });

  it('a push covered by an approved change is fine', () => {
    expect(check({ kind: 'push', target: 'main', ...linked({}) })).toEqual([]);
  });
});
