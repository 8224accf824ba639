import { readFileSync } from 'node:fs';
import { FIXTURES, SHARED, plain, readJson, shippedMappings } from './helpers.js';

/**
 * The shipped ServiceNow and Jira mappings on real vendor payloads (../shared/fixtures),
 * compared with reviewed canonical snapshots. The GitHub and GitLab mappings read the
 * connectors' source events, not vendor JSON: see git-hosts.test.ts.
 */
const cases: [string, string, string | null, string, () => unknown][] = [
  [
    'servicenow',
    'change_request',
    null,
    'servicenow.change_request',
    () => readJson(`${SHARED}servicenow/change_request_get_sn_chg_rest_docs.json`),
  ],
  [
    'servicenow',
    'change_request',
    'acme',
    'acme.servicenow.change_request',
    () => readJson(`${SHARED}servicenow/change_request_get_sn_chg_rest_docs.json`),
  ],
  [
    'servicenow',
    'incident',
    null,
    'servicenow.incident',
    () => readJson(`${SHARED}servicenow/incident_get_by_sys_id_docs.json`),
  ],
  // No real sysapproval_approver record is public: this one is modelled from API-NOTES.md.
  [
    'servicenow',
    'sysapproval_approver',
    null,
    'servicenow.sysapproval_approver',
    () => readJson(`${FIXTURES}records/sysapproval_approver_modelled.json`),
  ],
  [
    'jira',
    'issue',
    null,
    'jira.issue.issue_created',
    () => readJson(`${SHARED}jira/issue_created.json`),
  ],
  [
    'jira',
    'issue',
    null,
    'jira.issue.issue_updated_status_changed',
    () => readJson(`${SHARED}jira/issue_updated_status_changed.json`),
  ],
];

describe('default mappings on real payloads', () => {
  it('ship without validation problems', () => {
    expect(shippedMappings().problems).toEqual([]);
    expect(shippedMappings().all).toHaveLength(9);
  });

  it.each(cases)('%s.%s (tenant %s) matches %s.json', (system, kind, tenant, snapshot, record) => {
    const mapping = shippedMappings().get(system, kind, tenant);
    expect(mapping).toBeDefined();
    const result = mapping!.map(record());
    expect(result.issues).toEqual([]);
    const expected = JSON.parse(
      readFileSync(`${FIXTURES}expected/${snapshot}.json`, 'utf8'),
    ) as unknown;
    expect(plain(result.patch)).toEqual(expected);
    expect(Object.getPrototypeOf(result.patch)).toBeNull();
  });

  it('maps ServiceNow values from the vendor enums: -1 → implement, 2 → high, 1 → high impact', () => {
    const m = shippedMappings().get('servicenow', 'change_request')!;
    const { patch, issues } = m.map({
      number: 'CHG0030001',
      short_description: ' Patch DB ',
      state: '-1',
      risk: '2',
      impact: '1',
      approval: 'requested',
      start_date: '2026-03-01 10:00:00',
      assigned_to: { link: 'https://x/api/now/table/sys_user/abc', value: 'abc' },
    });
    expect(issues).toEqual([]);
    expect(plain(patch)).toMatchObject({
      key: 'CHG0030001',
      title: 'Patch DB',
      state: 'implement',
      originalState: '-1',
      risk: 'high',
      impact: 'high',
      approval: 'requested',
      plannedStart: '2026-03-01T10:00:00.000Z',
      assignedTo: 'servicenow:sys_user:abc',
    });
  });

  it('reports a record value the map does not know instead of guessing', () => {
    const m = shippedMappings().get('servicenow', 'change_request')!;
    const { patch, issues } = m.map({ number: 'CHG0030001', short_description: 'x', state: '7' });
    expect(issues).toEqual([
      { field: 'state', message: 'value "7" is not in the value map and there is no `else`' },
    ]);
    expect(patch.state).toBeUndefined();
  });

  it('reports a missing required field', () => {
    const m = shippedMappings().get('servicenow', 'incident')!;
    expect(m.map({ number: 'INC1' }).issues).toEqual([
      { field: 'openedAt', message: 'is required but the record does not carry it' },
    ]);
  });

  it('lets a tenant override inherit every other field from the default', () => {
    const base = shippedMappings().get('servicenow', 'change_request')!;
    const acme = shippedMappings().get('servicenow', 'change_request', 'acme')!;
    expect(acme.files).toEqual([
      'mappings/servicenow.change_request.yaml',
      'mappings/acme/servicenow.change_request.yaml',
    ]);
    expect(acme.fields.length).toBe(base.fields.length + 1);
    expect(acme.map({ risk: 'x', u_environment: ' Staging ' }).patch).toMatchObject({
      risk: 'low',
      environment: 'staging',
    });
    expect(shippedMappings().get('servicenow', 'change_request', 'other')).toBe(base);
  });
});
