import { readFileSync } from 'node:fs';
import { buildMappingSet, type CompiledMapping } from '../../../src/mapping/index.js';
import {
  jsonValue,
  mirroredFields,
  projectionHash,
  sameValue,
  writtenFields,
} from '../../../src/sync/merge.js';

/** The value helpers the three-way merge and the planner share, and field selection. */

const ROOT = new URL('../../../', import.meta.url).pathname;

function shipped(name: string): CompiledMapping {
  const set = buildMappingSet([
    { path: name, text: readFileSync(`${ROOT}mappings/${name}`, 'utf8') },
  ]);
  expect(set.problems).toEqual([]);
  const mapping = set.all[0];
  if (!mapping) throw new Error(`no mapping compiled from ${name}`);
  return mapping;
}

function inline(yaml: string): CompiledMapping {
  const set = buildMappingSet([{ path: 'servicenow.change_request.yaml', text: yaml }]);
  expect(set.problems).toEqual([]);
  return set.all[0]!;
}

describe('jsonValue', () => {
  const when = new Date('2026-03-02T10:00:00.000Z');
  it.each([
    ['a Date becomes its ISO string', when, '2026-03-02T10:00:00.000Z'],
    ['undefined becomes null', undefined, null],
    ['null stays null', null, null],
    ['a string stays', 'x', 'x'],
    ['an empty string stays (not null)', '', ''],
    ['a number stays', 0, 0],
    ['false stays', false, false],
  ] as const)('%s', (_name, input, expected) => {
    expect(jsonValue(input)).toEqual(expected);
  });

  it('passes arrays and objects through untouched (same reference)', () => {
    const list = ['api', 'db'];
    const obj = { a: 1 };
    expect(jsonValue(list)).toBe(list);
    expect(jsonValue(obj)).toBe(obj);
  });
});

describe('sameValue', () => {
  it.each([
    ['equal strings', 'a', 'a', true],
    ['different strings', 'a', 'b', false],
    ['case matters', 'A', 'a', false],
    ['null and undefined', null, undefined, true],
    ['null and empty string', null, '', false],
    ['0 and "0"', 0, '0', false],
    [
      'a Date and its ISO string',
      new Date('2026-03-02T10:00:00Z'),
      '2026-03-02T10:00:00.000Z',
      true,
    ],
    [
      'two Dates at the same instant',
      new Date('2026-03-02T10:00:00Z'),
      new Date('2026-03-02T11:00:00+01:00'),
      true,
    ],
    [
      'two Dates a millisecond apart',
      new Date('2026-03-02T10:00:00.000Z'),
      new Date('2026-03-02T10:00:00.001Z'),
      false,
    ],
    ['arrays in the same order', ['a', 'b'], ['a', 'b'], true],
    ['arrays in another order', ['a', 'b'], ['b', 'a'], false],
    ['objects with keys in another order', { a: 1, b: 2 }, { b: 2, a: 1 }, true],
    ['objects with an undefined member', { a: 1, b: undefined }, { a: 1 }, true],
    ['ADF documents that differ in text', { t: 'x' }, { t: 'y' }, false],
  ] as const)('%s → %s', (_name, a, b, expected) => {
    expect(sameValue(a, b)).toBe(expected);
    expect(sameValue(b, a)).toBe(expected);
  });
});

describe('projectionHash', () => {
  const values = { title: 'Rotate keys', description: null, plannedStart: new Date(0) };

  it('is a SHA-256 hex digest', () => {
    expect(projectionHash(['title'], values)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order of the names', () => {
    expect(projectionHash(['title', 'description'], values)).toBe(
      projectionHash(['description', 'title'], values),
    );
  });

  it('does not mutate the names it was given', () => {
    const names = ['title', 'description'];
    projectionHash(names, values);
    expect(names).toEqual(['title', 'description']);
  });

  it('reads only the named fields', () => {
    expect(projectionHash(['title'], values)).toBe(
      projectionHash(['title'], { ...values, description: 'changed', other: 1 }),
    );
  });

  it('changes when a named value changes', () => {
    expect(projectionHash(['title'], values)).not.toBe(
      projectionHash(['title'], { ...values, title: 'Rotate keys!' }),
    );
  });

  it('treats a missing field, undefined and null alike', () => {
    const h = projectionHash(['description'], { description: null });
    expect(projectionHash(['description'], {})).toBe(h);
    expect(projectionHash(['description'], { description: undefined })).toBe(h);
    expect(projectionHash(['description'], { description: '' })).not.toBe(h);
  });

  it('hashes a Date like its ISO string', () => {
    expect(projectionHash(['plannedStart'], values)).toBe(
      projectionHash(['plannedStart'], { plannedStart: '1970-01-01T00:00:00.000Z' }),
    );
  });

  it('differs when the same value sits under another name', () => {
    expect(projectionHash(['a'], { a: 'x' })).not.toBe(projectionHash(['b'], { b: 'x' }));
  });
});

describe('mirroredFields and writtenFields on the shipped mappings', () => {
  it.each([['servicenow.change_request.yaml'], ['jira.issue.yaml']])(
    '%s mirrors title, description and justification with ServiceNow as authority',
    (file) => {
      const mapping = shipped(file);
      expect(mirroredFields(mapping)).toEqual([
        { name: 'title', authority: 'servicenow' },
        { name: 'description', authority: 'servicenow' },
        { name: 'justification', authority: 'servicenow' },
      ]);
      expect(writtenFields(mapping)).toEqual(['title', 'description', 'justification']);
    },
  );
});

describe('mirroredFields and writtenFields by direction', () => {
  const mapping = inline(
    [
      'system: servicenow',
      'kind: change_request',
      'target: Change',
      'fields:',
      '  key:',
      '    from: number',
      '  title:',
      '    from: short_description',
      '    direction: both',
      '    authority: latest',
      '  description:',
      '    from: description',
      '    direction: both',
      '    authority: jira',
      '  justification:',
      '    from: justification',
      '    direction: out',
      '  testPlan:',
      '    from: test_plan',
      '    direction: in',
      '',
    ].join('\n'),
  );

  it('mirrors only `both` fields, keeping their authority', () => {
    expect(mirroredFields(mapping)).toEqual([
      { name: 'title', authority: 'latest' },
      { name: 'description', authority: 'jira' },
    ]);
  });

  it('writes `both` and `out` fields, never `in` ones', () => {
    expect(writtenFields(mapping)).toEqual(['title', 'description', 'justification']);
  });
});
