import {
  compileMapping,
  parseMappingText,
  type CompiledMapping,
} from '../../../src/mapping/index.js';
import { plain, shippedMappings } from './helpers.js';

/** canonical → out → in gives back the same canonical values for every `both` field. */
function roundTrip(m: CompiledMapping, canonical: Record<string, unknown>) {
  const { patch, writes, issues } = m.reverse(canonical);
  expect(issues).toEqual([]);
  const back = m.map(patch).patch;
  const both = m.fields.filter((f) => f.direction === 'both').map((f) => f.name);
  expect(both.length).toBeGreaterThan(0);
  for (const name of both) expect(plain(back[name])).toEqual(plain(canonical[name]));
  return writes;
}

describe('two-way fields round-trip', () => {
  it('ServiceNow change_request', () => {
    const m = shippedMappings().get('servicenow', 'change_request')!;
    const writes = roundTrip(m, {
      title: 'Patch DB',
      description: 'line 1\nline 2',
      justification: 'CVE-2026-1',
    });
    expect(writes.map((w) => [w.target, w.authority])).toEqual([
      ['short_description', 'servicenow'],
      ['description', 'servicenow'],
      ['justification', 'servicenow'],
    ]);
  });

  it('Jira issue, through ADF for rich-text fields', () => {
    const m = shippedMappings().get('jira', 'issue')!;
    roundTrip(m, { title: 'Patch DB', description: 'first\nsecond', justification: 'why' });
    const { patch } = m.reverse({ description: 'a' });
    expect(plain(patch)).toEqual({
      fields: {
        description: {
          type: 'doc',
          version: 1,
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }] }],
        },
      },
    });
  });

  it('value maps, users, dates and numbers written in the target notation', () => {
    const { source } = parseMappingText(
      'rt.yaml',
      `system: servicenow
kind: change_request
target: Change
fields:
  risk:
    from: risk
    map: { '1': very_high, '2': high, '3': moderate, '4': low }
    direction: both
    authority: servicenow
  assignedTo:
    from: assigned_to
    transform: [user]
    direction: both
    authority: latest
  plannedStart:
    from: start_date
    transform: [{ date: { format: servicenow, timezone: Europe/Berlin } }]
    direction: both
    authority: servicenow
  closeCode:
    from: close_code
    map: { successful: successful, successful_issues: successful_issues, unsuccessful: unsuccessful }
    direction: both
    authority: servicenow
`,
    );
    const m = compileMapping([source!]);
    const canonical = {
      risk: 'high',
      assignedTo: 'servicenow:sys_user:abc',
      plannedStart: new Date('2026-07-01T08:00:00Z'),
      closeCode: null,
    };
    expect(plain(m.reverse(canonical).patch)).toEqual({
      risk: '2',
      assigned_to: 'abc',
      start_date: '2026-07-01 10:00:00',
      close_code: '',
    });
    roundTrip(m, canonical);
  });
});
