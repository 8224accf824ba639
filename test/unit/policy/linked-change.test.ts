import type { Change, CodeChange, Deployment } from '../../../src/model/index.js';
import { linkedChange } from '../../../src/policy/rules/linked-change.js';
import { aChange, aCodeChange, aContext, aDeployment, at, T0 } from './builders.js';

const defaults = linkedChange.params.parse({});
type Params = typeof defaults;

function run(
  change: Partial<Change>,
  records: { codeChanges?: CodeChange[]; deployments?: Deployment[] },
  params: Partial<Params> = {},
  now = T0,
) {
  return linkedChange.check(
    aChange(change),
    aContext({ codeChanges: records.codeChanges ?? [], deployments: records.deployments ?? [] }),
    { ...defaults, ...params },
    now,
  );
}

const merged = (mergedAt: string, o: Partial<CodeChange> = {}) =>
  aCodeChange({ mergedAt: at(mergedAt), ...o });
const deployed = (startedAt: string | null, o: Partial<Deployment> = {}) =>
  aDeployment({ startedAt: startedAt === null ? null : at(startedAt), ...o });

// The builder's window is 2026-11-03 09:00–11:00 UTC.
describe('linked-change', () => {
  describe('merges to protected branches', () => {
    it.each([
      ['inside the window', merged('2026-11-03T09:30:00Z'), {}, []],
      ['exactly at the window start', merged('2026-11-03T09:00:00Z'), {}, []],
      ['exactly at the window end', merged('2026-11-03T11:00:00Z'), {}, []],
      ['one second before the window', merged('2026-11-03T08:59:59Z'), {}, ['outside_window']],
      ['one second after the window', merged('2026-11-03T11:00:01Z'), {}, ['outside_window']],
      [
        'to a release/* branch',
        merged('2026-11-03T12:00:00Z', { targetBranch: 'release/2.1' }),
        {},
        ['outside_window'],
      ],
      [
        'as a full ref',
        merged('2026-11-03T12:00:00Z', { targetBranch: 'refs/heads/main' }),
        {},
        ['outside_window'],
      ],
      [
        'to an unprotected branch',
        merged('2026-11-03T12:00:00Z', { targetBranch: 'feature/x' }),
        {},
        [],
      ],
      ['not merged yet', aCodeChange({ mergedAt: null }), {}, []],
      [
        'before approval',
        merged('2026-11-03T09:30:00Z'),
        { approval: 'requested' as const },
        ['not_approved'],
      ],
      [
        'while rejected and late',
        merged('2026-11-03T12:00:00Z'),
        { approval: 'rejected' as const },
        ['not_approved', 'outside_window'],
      ],
      [
        'with no planned window',
        merged('2026-11-03T09:30:00Z'),
        { plannedEnd: null },
        ['outside_window'],
      ],
      [
        'under a pre-approved standard change',
        merged('2026-11-03T09:30:00Z'),
        { type: 'standard' as const, approval: 'not_requested' as const },
        [],
      ],
    ])('%s', (_name, cc, change, problems) => {
      const findings = run(change, { codeChanges: [cc] });
      expect(findings.map((f) => f.evidence.problems)).toEqual(problems.length ? [problems] : []);
    });

    it('says what happened and what is wrong in one sentence', () => {
      const [f] = run({}, { codeChanges: [merged('2026-11-03T11:30:00Z')] });
      expect(f).toEqual({
        discriminator: 'github:pull_request:gh:acme/payments#12',
        message:
          'Pull request acme/payments#12 was merged to main at 2026-11-03 11:30 UTC, outside the approved window of CHG0030001 (2026-11-03 09:00–11:00 UTC); correct the planned window of CHG0030001 or link the work to an approved change whose window covers it.',
        evidence: {
          change: 'CHG0030001',
          type: 'normal',
          approval: 'approved',
          plannedStart: '2026-11-03T09:00:00.000Z',
          plannedEnd: '2026-11-03T11:00:00.000Z',
          graceMinutes: 0,
          problems: ['outside_window'],
          event: 'merge',
          codeChange: 'github:pull_request:gh:acme/payments#12',
          repo: 'acme/payments',
          number: 12,
          targetBranch: 'main',
          mergedAt: '2026-11-03T11:30:00.000Z',
          mergeSha: 'b'.repeat(40),
        },
      });
    });

    it.each([
      [
        { approval: 'requested' as const },
        'before CHG0030001 was approved; get CHG0030001 approved',
      ],
      [
        { approval: 'rejected' as const },
        'although CHG0030001 was rejected; get CHG0030001 approved',
      ],
      [{ plannedStart: null }, 'outside any planned window (CHG0030001 has none); correct'],
      [
        {
          plannedEnd: at('2026-11-04T01:00:00Z'),
          approval: 'not_requested' as const,
          plannedStart: at('2026-11-03T23:00:00Z'),
        },
        'before CHG0030001 was approved and outside the planned window of CHG0030001 (2026-11-03 23:00 UTC – 2026-11-04 01:00 UTC);',
      ],
    ])('explains %j', (change, phrase) => {
      const [f] = run(change, { codeChanges: [merged('2026-11-03T09:30:00Z')] });
      expect(f?.message).toContain(phrase);
    });

    it('names a GitLab merge request with !', () => {
      const cc = merged('2026-11-03T12:00:00Z', { system: 'gitlab', repo: 'acme/web', number: 7 });
      expect(run({}, { codeChanges: [cc] })[0]?.message).toMatch(
        /^Merge request acme\/web!7 was merged/,
      );
    });

    it('ignores merges when mergesCount is off', () => {
      expect(
        run({}, { codeChanges: [merged('2026-11-03T12:00:00Z')] }, { mergesCount: false }),
      ).toEqual([]);
    });

    it.each([
      ['2026-11-03T08:45:00Z', 15, 0],
      ['2026-11-03T08:44:59Z', 15, 1],
      ['2026-11-03T11:15:00Z', 15, 0],
      ['2026-11-03T11:15:01Z', 15, 1],
    ])('merge at %s with %i grace minutes → %i findings', (time, graceMinutes, count) => {
      expect(run({}, { codeChanges: [merged(time)] }, { graceMinutes })).toHaveLength(count);
    });

    it('compares instants, so a window across a DST change is exact', () => {
      // Europe/Berlin falls back on 2026-10-25 03:00 local (01:00 UTC).
      const change = {
        plannedStart: at('2026-10-25T00:30:00Z'),
        plannedEnd: at('2026-10-25T01:30:00Z'),
      };
      expect(run(change, { codeChanges: [merged('2026-10-25T01:30:00Z')] })).toEqual([]);
      expect(run(change, { codeChanges: [merged('2026-10-25T01:30:01Z')] })).toHaveLength(1);
    });
  });

  describe('production deployments', () => {
    it.each([
      ['inside the window', deployed('2026-11-03T10:00:00Z'), T0, null],
      ['started after the window', deployed('2026-11-03T11:00:01Z'), T0, 'startedAt'],
      [
        'to a non-production environment',
        deployed('2026-11-03T12:00:00Z', { environment: 'staging' }),
        T0,
        null,
      ],
      [
        'to PROD (case-insensitive)',
        deployed('2026-11-03T12:00:00Z', { environment: 'PROD' }),
        T0,
        'startedAt',
      ],
      [
        'failed after the window',
        deployed('2026-11-03T12:00:00Z', { status: 'failure' }),
        T0,
        'startedAt',
      ],
      [
        'canceled before it started',
        deployed(null, { status: 'canceled', finishedAt: null }),
        T0,
        null,
      ],
      [
        'started then canceled, late',
        deployed('2026-11-03T12:00:00Z', { status: 'canceled' }),
        T0,
        'startedAt',
      ],
      [
        'no start time, finished late',
        deployed(null, { finishedAt: at('2026-11-03T12:00:00Z') }),
        T0,
        'finishedAt',
      ],
      [
        'in progress with no times',
        deployed(null, {
          status: 'in_progress',
          finishedAt: null,
          updatedAt: at('2026-11-03T12:00:00Z'),
        }),
        T0,
        'updatedAt',
      ],
      [
        'pending, asked at a time inside the window',
        deployed(null, { status: 'pending', finishedAt: null }),
        at('2026-11-03T10:00:00Z'),
        null,
      ],
      [
        'pending, asked at the window end',
        deployed(null, { status: 'pending', finishedAt: null }),
        at('2026-11-03T11:00:00Z'),
        null,
      ],
      [
        'pending, asked before the window',
        deployed(null, { status: 'pending', finishedAt: null }),
        T0,
        'now',
      ],
    ])('%s', (_name, d, now, timeSource) => {
      const findings = run({}, { deployments: [d] }, {}, now);
      expect(findings.map((f) => f.evidence.timeSource)).toEqual(timeSource ? [timeSource] : []);
    });

    it('reports a pending deployment as about to start at now', () => {
      const d = deployed(null, { status: 'pending', finishedAt: null });
      const [f] = run(
        { approval: 'requested' },
        { deployments: [d] },
        {},
        at('2026-11-03T09:15:00Z'),
      );
      expect(f?.message).toBe(
        'A deployment of acme/payments (bbbbbbb) to production is about to start at 2026-11-03 09:15 UTC, before CHG0030001 was approved; get CHG0030001 approved or link the work to an approved change whose window covers it.',
      );
      expect(f?.evidence).toMatchObject({ eventAt: '2026-11-03T09:15:00.000Z', status: 'pending' });
    });

    it('gives one finding per uncovered event, keyed by its id', () => {
      const findings = run(
        {},
        {
          codeChanges: [
            merged('2026-11-03T12:00:00Z'),
            merged('2026-11-03T10:00:00Z', { id: 'gh-pr-13' }),
          ],
          deployments: [
            deployed('2026-11-03T12:00:00Z', { id: 'dep-a' }),
            deployed('2026-11-03T13:00:00Z', { id: 'dep-b' }),
          ],
        },
      );
      expect(findings.map((f) => f.discriminator)).toEqual([
        'github:pull_request:gh:acme/payments#12',
        'dep-a',
        'dep-b',
      ]);
    });

    it('treats a standard change as unapproved when allowStandard is off', () => {
      const change = { type: 'standard' as const, approval: 'not_requested' as const };
      expect(run(change, { deployments: [deployed('2026-11-03T10:00:00Z')] })).toEqual([]);
      const findings = run(
        change,
        { deployments: [deployed('2026-11-03T10:00:00Z')] },
        { allowStandard: false },
      );
      expect(findings[0]?.evidence.problems).toEqual(['not_approved']);
    });
  });

  it('has sensible defaults and rejects a negative grace', () => {
    expect(defaults).toEqual({ mergesCount: true, allowStandard: true, graceMinutes: 0 });
    expect(() => linkedChange.params.parse({ graceMinutes: -5 })).toThrow();
    expect([linkedChange.defaultSeverity, linkedChange.defaultBlocking]).toEqual(['high', true]);
  });
});
