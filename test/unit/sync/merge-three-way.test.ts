import type { SystemName } from '../../../src/model/index.js';
import { mergeMirrored, type MergeInput, type MirroredField } from '../../../src/sync/merge.js';

/**
 * The three-way merge between one record and the canonical change (DESIGN §5). `base` is the
 * value both sides last agreed on; every case below is one field seen from one record.
 */

type Authority = MirroredField['authority'];

interface One {
  authority: Authority;
  system: SystemName;
  incoming: unknown;
  canonical: unknown;
  /** `absent`: the link has a base, but not for this field; `null`: first sight. */
  base: unknown;
  creating?: boolean;
}

const ABSENT = Symbol('absent');
const FIRST = Symbol('first sight');

function one(c: One) {
  const input: MergeInput = {
    fields: [{ name: 'title', authority: c.authority }],
    system: c.system,
    incoming: { title: c.incoming },
    canonical: { title: c.canonical },
    base: c.base === FIRST ? null : c.base === ABSENT ? {} : { title: c.base },
    creating: c.creating ?? false,
  };
  return mergeMirrored(input);
}

describe('mergeMirrored: the record did not move', () => {
  it.each([
    ['canonical unchanged too', 'A', 'A'],
    ['canonical moved (the other side edited): keep it', 'A', 'B'],
    ['canonical cleared', 'A', null],
  ] as const)('%s', (_name, recordAndBase, canonical) => {
    const r = one({
      authority: 'servicenow',
      system: 'servicenow',
      incoming: recordAndBase,
      canonical,
      base: recordAndBase,
    });
    expect(r).toEqual({ take: {}, base: { title: recordAndBase }, conflicts: [], unchanged: true });
  });

  it('looks like this when our own write comes back (echo): unchanged, nothing taken', () => {
    // We wrote B to the record and set base = B; the record now shows B.
    const r = one({
      authority: 'jira',
      system: 'servicenow',
      incoming: 'B',
      canonical: 'B',
      base: 'B',
    });
    expect(r.unchanged).toBe(true);
    expect(r.take).toEqual({});
    expect(r.conflicts).toEqual([]);
  });
});

describe('mergeMirrored: only the record moved', () => {
  it.each([
    ['servicenow', 'servicenow'],
    ['servicenow', 'jira'],
    ['jira', 'servicenow'],
    ['latest', 'jira'],
  ] as const)('authority %s, record from %s: the record is taken', (authority, system) => {
    const r = one({ authority, system, incoming: 'B', canonical: 'A', base: 'A' });
    expect(r).toEqual({
      take: { title: 'B' },
      base: { title: 'B' },
      conflicts: [],
      unchanged: false,
    });
  });

  it('takes a cleared value (null) too', () => {
    const r = one({
      authority: 'jira',
      system: 'servicenow',
      incoming: null,
      canonical: 'A',
      base: 'A',
    });
    expect(r.take).toEqual({ title: null });
    expect(r.base).toEqual({ title: null });
  });
});

describe('mergeMirrored: both moved to different values (conflict)', () => {
  it.each([
    ['servicenow', 'servicenow', 'incoming'],
    ['jira', 'jira', 'incoming'],
    ['servicenow', 'jira', 'canonical'],
    ['jira', 'servicenow', 'canonical'],
    ['latest', 'servicenow', 'incoming'],
    ['latest', 'jira', 'incoming'],
  ] as const)('authority %s, record from %s: %s wins', (authority, system, winner) => {
    const r = one({ authority, system, incoming: 'C', canonical: 'B', base: 'A' });
    expect(r.conflicts).toEqual([
      { field: 'title', base: 'A', canonical: 'B', incoming: 'C', winner, authority },
    ]);
    expect(r.unchanged).toBe(false);
    if (winner === 'incoming') {
      expect(r.take).toEqual({ title: 'C' });
      expect(r.base).toEqual({ title: 'C' });
    } else {
      // The canonical value stays; the sides still disagree, so the base does not advance.
      expect(r.take).toEqual({});
      expect(r.base).toEqual({ title: 'A' });
    }
  });

  it('reports Date values in a conflict as ISO strings', () => {
    const r = one({
      authority: 'servicenow',
      system: 'jira',
      incoming: new Date('2026-03-03T09:00:00Z'),
      canonical: new Date('2026-03-02T09:00:00Z'),
      base: '2026-03-01T09:00:00.000Z',
    });
    expect(r.conflicts).toEqual([
      {
        field: 'title',
        base: '2026-03-01T09:00:00.000Z',
        canonical: '2026-03-02T09:00:00.000Z',
        incoming: '2026-03-03T09:00:00.000Z',
        winner: 'canonical',
        authority: 'servicenow',
      },
    ]);
  });

  it('reports a cleared value as null', () => {
    const r = one({
      authority: 'jira',
      system: 'jira',
      incoming: undefined,
      canonical: 'B',
      base: 'A',
    });
    expect(r.conflicts[0]).toMatchObject({
      incoming: null,
      canonical: 'B',
      base: 'A',
      winner: 'incoming',
    });
  });
});

describe('mergeMirrored: both moved to the same value', () => {
  it.each([['servicenow'], ['jira'], ['latest']] as const)(
    'authority %s: no conflict, the base advances',
    (authority) => {
      const r = one({ authority, system: 'jira', incoming: 'B', canonical: 'B', base: 'A' });
      expect(r.conflicts).toEqual([]);
      expect(r.base).toEqual({ title: 'B' });
      expect(r.unchanged).toBe(false);
    },
  );
});

describe('mergeMirrored: first sight of a record (base null)', () => {
  it('creating from it: every carried field is taken, no conflict', () => {
    const r = mergeMirrored({
      fields: [
        { name: 'title', authority: 'servicenow' },
        { name: 'description', authority: 'servicenow' },
      ],
      system: 'jira',
      incoming: { title: 'From Jira', description: 'Text' },
      canonical: { title: 'Placeholder', description: null },
      base: null,
      creating: true,
    });
    expect(r).toEqual({
      take: { title: 'From Jira', description: 'Text' },
      base: { title: 'From Jira', description: 'Text' },
      conflicts: [],
      unchanged: false,
    });
  });

  it.each([
    ['servicenow', 'jira', 'canonical'],
    ['jira', 'servicenow', 'canonical'],
    ['jira', 'jira', 'incoming'],
    ['latest', 'jira', 'incoming'],
  ] as const)(
    'not creating, disagreeing, authority %s, record from %s: %s kept, no conflict reported',
    (authority, system, winner) => {
      const r = one({ authority, system, incoming: 'C', canonical: 'B', base: FIRST });
      expect(r.conflicts).toEqual([]);
      expect(r.unchanged).toBe(false);
      expect(r.take).toEqual(winner === 'incoming' ? { title: 'C' } : {});
      expect(r.base).toEqual(winner === 'incoming' ? { title: 'C' } : {});
    },
  );

  it('not creating, agreeing: the value becomes the base', () => {
    const r = one({
      authority: 'jira',
      system: 'servicenow',
      incoming: 'B',
      canonical: 'B',
      base: FIRST,
    });
    expect(r.base).toEqual({ title: 'B' });
    expect(r.conflicts).toEqual([]);
    expect(r.unchanged).toBe(false);
  });

  it('a base without this field behaves like first sight for it', () => {
    const r = one({
      authority: 'servicenow',
      system: 'jira',
      incoming: 'C',
      canonical: 'B',
      base: ABSENT,
    });
    expect(r).toEqual({ take: {}, base: {}, conflicts: [], unchanged: false });
  });
});

describe('mergeMirrored: several fields at once', () => {
  const fields: MirroredField[] = [
    { name: 'title', authority: 'servicenow' },
    { name: 'description', authority: 'servicenow' },
    { name: 'justification', authority: 'servicenow' },
    { name: 'plannedStart', authority: 'latest' },
  ];

  it('leaves fields the record does not carry alone (not taken, base kept)', () => {
    const r = mergeMirrored({
      fields,
      system: 'jira',
      incoming: { title: 'T2' },
      canonical: { title: 'T1', description: 'D-canonical', justification: 'J' },
      base: { title: 'T1', description: 'D-old', justification: 'J' },
      creating: false,
    });
    expect(r.take).toEqual({ title: 'T2' });
    expect(r.base).toEqual({ title: 'T2', description: 'D-old', justification: 'J' });
    expect(r.conflicts).toEqual([]);
  });

  it('is unchanged only when every carried field shows its base', () => {
    const base = { title: 'T', description: 'D' };
    const input = {
      fields,
      system: 'servicenow' as const,
      canonical: { title: 'T', description: 'D' },
      base,
      creating: false,
    };
    expect(mergeMirrored({ ...input, incoming: { title: 'T', description: 'D' } }).unchanged).toBe(
      true,
    );
    expect(mergeMirrored({ ...input, incoming: {} }).unchanged).toBe(true);
    expect(mergeMirrored({ ...input, incoming: { title: 'T', description: 'E' } }).unchanged).toBe(
      false,
    );
  });

  it('compares Dates by instant and stores them in the base as ISO strings', () => {
    const r = mergeMirrored({
      fields,
      system: 'jira',
      incoming: { plannedStart: new Date('2026-03-02T11:00:00+01:00') },
      canonical: { plannedStart: new Date('2026-03-01T10:00:00Z') },
      base: { plannedStart: '2026-03-01T10:00:00.000Z' },
      creating: false,
    });
    expect(r.take).toEqual({ plannedStart: new Date('2026-03-02T10:00:00Z') });
    expect(r.take.plannedStart).toBeInstanceOf(Date);
    expect(r.base).toEqual({ plannedStart: '2026-03-02T10:00:00.000Z' });

    const same = mergeMirrored({
      fields,
      system: 'jira',
      incoming: { plannedStart: new Date('2026-03-01T11:00:00+01:00') },
      canonical: { plannedStart: new Date('2026-03-05T10:00:00Z') },
      base: { plannedStart: '2026-03-01T10:00:00.000Z' },
      creating: false,
    });
    expect(same).toMatchObject({ take: {}, unchanged: true });
  });

  it('advances the base only for fields both sides now agree on', () => {
    const r = mergeMirrored({
      fields,
      system: 'jira',
      incoming: { title: 'T-jira', description: 'D-both', justification: 'J-old' },
      canonical: { title: 'T-sn', description: 'D-both', justification: 'J-sn' },
      base: { title: 'T-old', description: 'D-old', justification: 'J-old' },
      creating: false,
    });
    // title: conflict, ServiceNow wins → record and canonical still differ → base stays.
    // description: both moved to the same value → base advances.
    // justification: the record did not move → base stays (canonical moved alone).
    expect(r.base).toEqual({ title: 'T-old', description: 'D-both', justification: 'J-old' });
    expect(r.take).toEqual({ description: 'D-both' });
    expect(r.conflicts.map((c) => [c.field, c.winner])).toEqual([['title', 'canonical']]);
  });

  it('does not mutate its inputs', () => {
    const base = { title: 'A' };
    const incoming = { title: 'B' };
    const canonical = { title: 'A' };
    mergeMirrored({ fields, system: 'jira', incoming, canonical, base, creating: false });
    expect(base).toEqual({ title: 'A' });
    expect(incoming).toEqual({ title: 'B' });
    expect(canonical).toEqual({ title: 'A' });
  });

  it('ignores fields that are not mirrored', () => {
    const r = mergeMirrored({
      fields,
      system: 'jira',
      incoming: { state: 'closed' },
      canonical: { state: 'new' },
      base: {},
      creating: false,
    });
    expect(r).toEqual({ take: {}, base: {}, conflicts: [], unchanged: true });
  });
});
