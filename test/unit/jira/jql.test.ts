import { buildIncrementalJql, jqlList, jqlString } from '../../../connectors/jira/jql.js';
import { parseJql, type JqlClause } from '../../../connectors/jira/simulator-jql.js';
import { seededRandom } from '../../../connectors/jira/simulator-seed.js';

/**
 * The builder's output, read back by the simulator's JQL parser, must mean exactly what
 * was asked: hostile project keys and issue types stay single values.
 */

const HOSTILE = [
  '"',
  '\\',
  ' OR ',
  ')',
  '(',
  "'",
  ',',
  'AND',
  'ORDER BY',
  '\n',
  '\t',
  '\u0001',
  '=',
  '!',
  '~',
  ' ',
  'é',
  '"\\"',
  '\\"',
];

function randomValue(rnd: () => number): string {
  let s = '';
  const n = 1 + Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) {
    s +=
      rnd() < 0.6
        ? HOSTILE[Math.floor(rnd() * HOSTILE.length)]!
        : String.fromCharCode(32 + Math.floor(rnd() * 95));
  }
  return s;
}

const values = (c: JqlClause | undefined) =>
  c && c.kind === 'cmp' ? c.values.map((v) => v.text) : undefined;

test('quotes and backslashes are escaped', () => {
  expect(jqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
  expect(jqlList(['OPS', 'x" OR project = "HR'])).toBe('("OPS", "x\\" OR project = \\"HR")');
});

test('the incremental query has the documented shape', () => {
  expect(
    buildIncrementalJql({
      projects: ['OPS'],
      issueTypes: ['Change'],
      since: new Date('2026-03-02T09:05:59.999Z'),
      timeZone: 'UTC',
    }),
  ).toBe(
    'project IN ("OPS") AND issuetype IN ("Change") AND updated >= "2026/03/02 09:05" ORDER BY updated ASC, id ASC',
  );
  expect(() =>
    buildIncrementalJql({ projects: [], issueTypes: [], since: new Date(0), timeZone: 'UTC' }),
  ).toThrow(/unbounded JQL/);
});

test('fuzz: hostile values cannot change the meaning of the query', () => {
  const rnd = seededRandom(7);
  for (let i = 0; i < 2000; i++) {
    const projects = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => randomValue(rnd));
    const issueTypes =
      rnd() < 0.5 ? [] : Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => randomValue(rnd));
    const jql = buildIncrementalJql({
      projects,
      issueTypes,
      since: new Date('2026-01-01T00:00:00Z'),
      timeZone: 'UTC',
    });
    const q = parseJql(jql);
    expect(q.orderBy).toEqual([
      { field: 'updated', direction: 'ASC' },
      { field: 'id', direction: 'ASC' },
    ]);
    expect(q.where?.kind).toBe('and');
    if (q.where?.kind !== 'and') continue;
    const [p, ...rest] = q.where.items;
    expect(p).toMatchObject({ kind: 'cmp', field: 'project', op: 'IN' });
    expect(values(p)).toEqual(projects);
    if (issueTypes.length > 0) {
      expect(rest[0]).toMatchObject({ kind: 'cmp', field: 'issuetype', op: 'IN' });
      expect(values(rest[0])).toEqual(issueTypes);
    }
    expect(rest.at(-1)).toEqual({
      kind: 'cmp',
      field: 'updated',
      op: '>=',
      values: [{ type: 'string', text: '2026/01/01 00:00' }],
    });
    expect(q.where.items).toHaveLength(issueTypes.length > 0 ? 3 : 2);
  }
});
