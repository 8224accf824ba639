import type { Change, Finding, Waiver } from '../../../src/model/index.js';
import { decideGate, type GateCandidate, type GateVerdict } from '../../../src/policy/gate.js';
import { aChange, at, plus } from './builders.js';

/** The deployment gate's decision (DESIGN §6, §8): allow, pending or deny, with reasons. */

const SHA = '0123456789abcdef0123456789abcdef01234567';
const QUERY = { sha: SHA, environment: 'production' };
/** Inside aChange()'s planned window 2026-11-03 09:00–11:00 UTC. */
const NOW = at('2026-11-03T10:00:00Z');
const START = at('2026-11-03T09:00:00Z');
const END = at('2026-11-03T11:00:00Z');

const WINDOW_REASON =
  'Change CHG0030001 may be implemented only between 2026-11-03 09:00 and 2026-11-03 11:00 UTC.';
const NO_WINDOW_REASON = 'Change CHG0030001 has no planned window; set its planned start and end.';
const WAITING = 'Change CHG0030001 is waiting for approval.';
const FREEZE = 'The planned window falls in the Year-end freeze.';

function finding(policy: string, over: Partial<Finding> = {}): Finding {
  return {
    id: `${policy}|11111111-1111-4111-8111-111111111111`,
    changeId: '11111111-1111-4111-8111-111111111111',
    subject: 'CHG0030001',
    policy,
    severity: 'high',
    blocking: true,
    status: 'open',
    message: `${policy} says no.`,
    evidence: {},
    firstSeenAt: NOW,
    lastSeenAt: NOW,
    resolvedAt: null,
    waiver: null,
    ...over,
  };
}

const waiver = (until: Date | null): Waiver => ({ by: 'person-cab', reason: 'Accepted', until });

const candidate = (change: Partial<Change> = {}, findings: Finding[] = []): GateCandidate => ({
  change: aChange(change),
  findings,
});

const allow = (change = 'CHG0030001'): GateVerdict => ({ decision: 'allow', change, reasons: [] });
const deny = (...reasons: string[]): GateVerdict => ({
  decision: 'deny',
  change: 'CHG0030001',
  reasons,
});
const pending = (...reasons: string[]): GateVerdict => ({
  decision: 'pending',
  change: 'CHG0030001',
  reasons,
});

describe('decideGate: one candidate', () => {
  it('denies when no change is linked, naming the short sha', () => {
    expect(decideGate(QUERY, [], NOW)).toEqual({
      decision: 'deny',
      change: null,
      reasons: [
        'No change is linked to commit 0123456789ab: name an approved change (e.g. CHG0030001) in the pull request or the deployment.',
      ],
    });
  });

  it.each<[string, Partial<Change>, Finding[], Date, GateVerdict]>([
    ['approved, inside the window, nothing blocking', {}, [], NOW, allow()],
    ['the window start is inclusive', {}, [], START, allow()],
    ['the window end is inclusive', {}, [], END, allow()],
    ['1 ms before the window', {}, [], plus(START, -1), deny(WINDOW_REASON)],
    ['1 ms after the window', {}, [], plus(END, 1), deny(WINDOW_REASON)],
    ['a day after the window', {}, [], at('2026-11-04T10:00:00Z'), deny(WINDOW_REASON)],
    [
      'approved without a window',
      { plannedStart: null, plannedEnd: null },
      [],
      NOW,
      deny(NO_WINDOW_REASON),
    ],
    ['approved with only a planned start', { plannedEnd: null }, [], NOW, deny(NO_WINDOW_REASON)],
    ['approved with only a planned end', { plannedStart: null }, [], NOW, deny(NO_WINDOW_REASON)],
    ['rejected', { approval: 'rejected' }, [], NOW, deny('Change CHG0030001 was rejected.')],
    [
      'rejected and outside the window: only the rejection (no window for an unapproved change)',
      { approval: 'rejected' },
      [],
      plus(END, 1),
      deny('Change CHG0030001 was rejected.'),
    ],
    [
      'not requested',
      { approval: 'not_requested' },
      [],
      NOW,
      deny('Change CHG0030001 has not been submitted for approval.'),
    ],
    ['requested, nothing blocking', { approval: 'requested' }, [], NOW, pending(WAITING)],
    [
      'requested with approval-required blocking',
      { approval: 'requested' },
      [finding('approval-required')],
      NOW,
      pending(WAITING),
    ],
    [
      'requested with approval-required and linked-change blocking',
      { approval: 'requested' },
      [finding('approval-required'), finding('linked-change')],
      NOW,
      pending(WAITING),
    ],
    [
      'requested with a freeze-window blocking finding',
      { approval: 'requested' },
      [finding('approval-required'), finding('freeze-window', { message: FREEZE })],
      NOW,
      deny(FREEZE),
    ],
    [
      'approved with approval-required blocking (approvers missing) denies',
      {},
      [finding('approval-required', { message: 'A CAB member must approve.' })],
      NOW,
      deny('A CAB member must approve.'),
    ],
    [
      'standard change not approved, inside its window',
      { type: 'standard', approval: 'not_requested' },
      [],
      NOW,
      allow(),
    ],
    [
      'standard change outside its window',
      { type: 'standard', approval: 'not_requested' },
      [],
      plus(END, 1),
      deny(WINDOW_REASON),
    ],
    [
      'standard change that was rejected',
      { type: 'standard', approval: 'rejected' },
      [],
      NOW,
      deny('Change CHG0030001 was rejected.'),
    ],
    [
      'closed',
      { state: 'closed' },
      [],
      NOW,
      deny('Change CHG0030001 is closed; nothing more may be deployed under it.'),
    ],
    [
      'canceled',
      { state: 'canceled' },
      [],
      NOW,
      deny('Change CHG0030001 is canceled; nothing more may be deployed under it.'),
    ],
    [
      'requested but closed denies instead of waiting',
      { approval: 'requested', state: 'closed' },
      [],
      NOW,
      deny('Change CHG0030001 is closed; nothing more may be deployed under it.'),
    ],
    [
      'another environment',
      { environment: 'staging' },
      [],
      NOW,
      deny('Change CHG0030001 covers the staging environment, not production.'),
    ],
    ['environment compared case-insensitively', { environment: ' PRODUCTION' }, [], NOW, allow()],
    ['a change without environment covers all', { environment: null }, [], NOW, allow()],
    [
      'a non-blocking open finding does not matter',
      {},
      [finding('risk-underestimated', { blocking: false })],
      NOW,
      allow(),
    ],
    [
      'a blocking finding waived until later is ignored',
      {},
      [finding('freeze-window', { status: 'waived', waiver: waiver(plus(NOW, 1)) })],
      NOW,
      allow(),
    ],
    [
      'a blocking finding waived for good is ignored',
      {},
      [finding('freeze-window', { status: 'waived', waiver: waiver(null) })],
      NOW,
      allow(),
    ],
    [
      'a blocking finding whose waiver expired counts',
      {},
      [finding('freeze-window', { status: 'waived', waiver: waiver(NOW), message: FREEZE })],
      NOW,
      deny(FREEZE),
    ],
    [
      'a resolved blocking finding is ignored',
      {},
      [finding('freeze-window', { status: 'resolved', resolvedAt: NOW })],
      NOW,
      allow(),
    ],
    [
      'every reason, in order, each once',
      { approval: 'approved', state: 'closed', environment: 'staging' },
      [
        finding('freeze-window', { message: FREEZE }),
        finding('closure-evidence', { message: FREEZE }),
        finding('linked-change', { message: 'Deploy 1 is not covered.' }),
      ],
      plus(END, 1),
      deny(
        'Change CHG0030001 is closed; nothing more may be deployed under it.',
        'Change CHG0030001 covers the staging environment, not production.',
        WINDOW_REASON,
        FREEZE,
        'Deploy 1 is not covered.',
      ),
    ],
  ])('%s', (_name, change, findings, now, expected) => {
    expect(decideGate(QUERY, [candidate(change, findings)], now)).toEqual(expected);
  });

  it('asks about the environment case-insensitively on the query side too', () => {
    expect(decideGate({ sha: SHA, environment: 'Production ' }, [candidate()], NOW)).toEqual(
      allow(),
    );
  });

  // A standard change is pre-approved (DESIGN §6): the gate itself treats it as approved and
  // the pull request status (codeChangeVerdict) says success, but an approval field that reads
  // `requested` still makes decideOne answer `pending` (src/policy/gate.ts, `waiting || !approved`).
  it('a standard change whose approval field reads requested is allowed', () => {
    expect(
      decideGate(QUERY, [candidate({ type: 'standard', approval: 'requested' })], NOW),
    ).toEqual(allow());
  });
});

describe('decideGate: several candidates', () => {
  const other = (over: Partial<Change> = {}) =>
    candidate({
      id: '33333333-3333-4333-8333-333333333333',
      key: 'CHG0030002',
      ...over,
    });

  it('any allowing candidate wins, with its own key and no reasons', () => {
    expect(decideGate(QUERY, [candidate({ approval: 'rejected' }), other()], NOW)).toEqual(
      allow('CHG0030002'),
    );
  });

  it('pending beats deny and carries the reasons of all', () => {
    expect(
      decideGate(
        QUERY,
        [candidate({ approval: 'rejected' }), other({ approval: 'requested' })],
        NOW,
      ),
    ).toEqual({
      decision: 'pending',
      change: 'CHG0030002',
      reasons: ['Change CHG0030001 was rejected.', 'Change CHG0030002 is waiting for approval.'],
    });
  });

  it('all denying: the first candidate, with the reasons of all deduplicated', () => {
    const freeze = [finding('freeze-window', { message: FREEZE })];
    expect(
      decideGate(
        QUERY,
        [
          candidate({}, freeze),
          other({ approval: 'rejected' }),
          candidate({ id: '44444444-4444-4444-8444-444444444444', key: 'CHG0030003' }, freeze),
        ],
        NOW,
      ),
    ).toEqual({
      decision: 'deny',
      change: 'CHG0030001',
      reasons: [FREEZE, 'Change CHG0030002 was rejected.'],
    });
  });

  it('the order of candidates does not change an allow', () => {
    expect(decideGate(QUERY, [other(), candidate({ state: 'closed' })], NOW)).toEqual(
      allow('CHG0030002'),
    );
  });
});
