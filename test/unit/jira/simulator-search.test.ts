import { JqlError } from '../../../connectors/jira/simulator-jql.js';
import { search } from '../../../connectors/jira/simulator-search.js';
import { SimState } from '../../../connectors/jira/simulator-state.js';

/** The simulator's JQL for reads by key and id (reconciliation), as strict as Jira. */

function state(): SimState {
  let t = Date.parse('2026-03-02T09:00:00Z');
  const s = new SimState(() => (t += 1000));
  s.addUser({ accountId: 'u1', displayName: 'U', emailAddress: 'u@example.com', timeZone: 'UTC' });
  s.addProject({ key: 'OPS', name: 'Operations', issueTypes: ['Change'] });
  for (let i = 0; i < 5; i++)
    s.createIssue({ project: 'OPS', issueType: 'Change', summary: `Change ${i}` }, 'u1');
  return s;
}

const keys = (s: SimState, jql: string, unknownIssues?: 'error' | 'ignore') =>
  search(s, jql, 'UTC', unknownIssues ? { unknownIssues } : {}).map((i) => i.key);

describe('simulator JQL: key and id lists', () => {
  it('finds issues by key IN and id IN, with other clauses still applied', () => {
    const s = state();
    const id3 = s.find('OPS-3')!.id;
    expect(keys(s, 'key IN ("OPS-4", "ops-2") ORDER BY id ASC')).toEqual(['OPS-2', 'OPS-4']);
    expect(keys(s, `id IN (${id3}) ORDER BY id ASC`)).toEqual(['OPS-3']);
    expect(keys(s, 'key IN (OPS-1, OPS-2) AND summary ~ "Change 1"')).toEqual(['OPS-2']);
    expect(keys(s, 'issuekey = OPS-5 OR key = OPS-1 ORDER BY key ASC')).toEqual(['OPS-1', 'OPS-5']);
  });

  it('answers a query naming a missing issue with Jira’s 400 message, unless told to ignore', () => {
    const s = state();
    s.deleteIssue(s.find('OPS-2')!, 'u1');
    expect(() => keys(s, 'key IN ("OPS-1", "OPS-2")')).toThrow(JqlError);
    expect(() => keys(s, 'key IN ("OPS-1", "OPS-2")')).toThrow(
      "An issue with key 'OPS-2' does not exist for field 'key'.",
    );
    expect(() => keys(s, 'id = 99999')).toThrow(
      "An issue with id '99999' does not exist for field 'id'.",
    );
    expect(() => keys(s, 'project = OPS AND key != OPS-77')).toThrow(/OPS-77/);
    // Ranges name no issue.
    expect(keys(s, 'id > 0 ORDER BY id ASC')).toHaveLength(4);
    expect(keys(s, 'key IN ("OPS-1", "OPS-2", "OPS-9") ORDER BY id ASC', 'ignore')).toEqual([
      'OPS-1',
    ]);
  });
});
