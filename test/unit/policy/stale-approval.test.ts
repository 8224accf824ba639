import { staleApproval } from '../../../src/policy/rules/stale-approval.js';
import type { Approval, Change } from '../../../src/model/index.js';
import { aChange, aContext, anApproval, at, hours, plus, T0 } from './builders.js';

const A1 = 'servicenow:sysapproval_approver:sn:appr-1';
const pending = (overrides: Partial<Approval> = {}) =>
  anApproval({ decision: 'requested', decidedAt: null, updatedAt: T0, ...overrides });

function run(change: Partial<Change>, approvals: Approval[], now: Date, params: unknown = {}) {
  return staleApproval.check(
    aChange(change),
    aContext({ approvals }),
    staleApproval.params.parse(params),
    now,
  );
}

const ids = (findings: ReturnType<typeof run>) => findings.map((f) => f.discriminator);

describe('stale-approval', () => {
  it.each<[string, Partial<Change>, Approval[], number, unknown, string[]]>([
    ['moderate risk: exactly at the 48 h SLA is not yet stale', {}, [pending()], hours(48), {}, []],
    ['moderate risk: 1 ms past the SLA', {}, [pending()], hours(48) + 1, {}, [A1]],
    ['low risk waits 72 h', { risk: 'low' }, [pending()], hours(72), {}, []],
    ['low risk past 72 h', { risk: 'low' }, [pending()], hours(72) + 1, {}, [A1]],
    ['high risk past 24 h', { risk: 'high' }, [pending()], hours(24) + 1, {}, [A1]],
    ['very high risk at 8 h', { risk: 'very_high' }, [pending()], hours(8), {}, []],
    ['very high risk past 8 h', { risk: 'very_high' }, [pending()], hours(8) + 1, {}, [A1]],
    ['an unassessed risk counts as moderate', { risk: null }, [pending()], hours(48) + 1, {}, [A1]],
    ['an unassessed risk within 48 h', { risk: null }, [pending()], hours(47), {}, []],
    ['an emergency at 2 h', { type: 'emergency', risk: 'low' }, [pending()], hours(2), {}, []],
    [
      'an emergency past 2 h',
      { type: 'emergency', risk: 'low' },
      [pending()],
      hours(2) + 1,
      {},
      [A1],
    ],
    [
      'SLAs come from the parameters',
      {},
      [pending()],
      hours(5) + 1,
      { slaHours: { moderate: 5 } },
      [A1],
    ],
    ['a closed change does not escalate', { state: 'closed' }, [pending()], hours(100), {}, []],
    ['a canceled change does not escalate', { state: 'canceled' }, [pending()], hours(100), {}, []],
    [
      'decided approvals are not pending',
      {},
      [anApproval(), pending({ id: 'c', decision: 'cancelled' })],
      hours(100),
      {},
      [],
    ],
    [
      'one finding per pending approval',
      {},
      [pending(), pending({ id: 'appr-2', updatedAt: plus(T0, hours(10)) })],
      hours(50),
      {},
      [A1],
    ],
  ])('%s', (_name, change, approvals, elapsed, params, expected) => {
    expect(ids(run(change, approvals, plus(T0, elapsed), params))).toEqual(expected);
  });

  it('measures hours of UTC time across a DST change', () => {
    // Europe's clocks go back on 2026-10-25: 48 h of UTC time are 49 h on a Berlin wall clock.
    const approvals = [pending({ updatedAt: at('2026-10-24T12:00:00Z') })];
    expect(run({}, approvals, at('2026-10-26T12:00:00Z'))).toEqual([]);
    expect(ids(run({}, approvals, at('2026-10-26T12:00:00.001Z')))).toEqual([A1]);
  });

  it.each([
    [
      'a backup by Person id',
      { backupApprovers: { 'person-approver': 'person-cab' } },
      'ask the backup approver person-cab to decide',
      'person-cab',
    ],
    [
      'a backup keyed by email, naming a known person by email',
      { backupApprovers: { 'APPROVER@example.com': 'requester@example.com' } },
      'ask the backup approver Requester to decide',
      'requester@example.com',
    ],
    [
      'the default backup',
      { defaultBackup: 'person-implementer' },
      'ask the backup approver Implementer to decide',
      'person-implementer',
    ],
    [
      'an entry wins over the default',
      {
        backupApprovers: { 'person-approver': 'person-requester' },
        defaultBackup: 'person-implementer',
      },
      'ask the backup approver Requester to decide',
      'person-requester',
    ],
    ['no backup', {}, 'remind Approver or reassign the approval', null],
    [
      'a backup who is the approver is no backup',
      { defaultBackup: 'approver@example.com' },
      'remind Approver or reassign the approval',
      null,
    ],
  ])('escalates to %s', (_name, params, ask, backup) => {
    const [f] = run({}, [pending()], plus(T0, hours(72) + 1), params);
    expect(f?.message).toBe(
      `Approval of CHG0030001 by Approver has been pending since 2026-11-02 10:00 UTC, past its 48 h SLA; ${ask}.`,
    );
    expect(f?.evidence).toEqual({
      change: 'CHG0030001',
      type: 'normal',
      risk: 'moderate',
      approval: A1,
      approver: 'person-approver',
      pendingSince: T0.toISOString(),
      slaHours: 48,
      backup,
    });
  });

  it('keeps its wording while time passes, so the finding is announced once', () => {
    const later = (h: number) => run({}, [pending()], plus(T0, hours(h)), {})[0]?.message;
    expect(later(49)).toBe(later(200));
  });

  it('falls back to the Person id for an unknown approver', () => {
    const [f] = run({}, [pending({ approver: 'person-ghost' })], plus(T0, hours(49)), {
      backupApprovers: { 'ghost@example.com': 'person-cab' },
    });
    expect(f?.message).toBe(
      'Approval of CHG0030001 by person-ghost has been pending since 2026-11-02 10:00 UTC, past its 48 h SLA; remind person-ghost or reassign the approval.',
    );
  });

  it('rejects a non-positive SLA', () => {
    expect(() => staleApproval.params.parse({ emergencySlaHours: 0 })).toThrow();
  });
});
