import { approversText, csvField, CSV_COLUMNS, renderCsv } from '../../../src/report/csv.js';
import type { ReportData } from '../../../src/report/model.js';

describe('csvField (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['ünïcode ✓', 'ünïcode ✓'],
  ])('%j → %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });
});

function data(): ReportData {
  return {
    version: 1,
    generatedAt: '2026-11-09T06:00:00.000Z',
    period: { from: '2026-11-02T00:00:00.000Z', to: '2026-11-08T23:59:59.999Z' },
    tenant: null,
    auditHead: { seq: 3, hash: 'a'.repeat(64) },
    totals: {
      changes: 1,
      byType: { standard: 0, normal: 1, emergency: 0 },
      byOutcome: { open: 1 },
      deployments: 1,
      merges: 0,
      unauthorised: 0,
      openFindings: 0,
      blockingFindings: 0,
    },
    metrics: {
      meanTimeToApproveHours: null,
      approvalCycleHoursByType: {},
      changeSuccessRate: null,
      changeFailureRate: null,
      emergencyChanges: 0,
      rejectionRate: null,
    },
    changes: [
      {
        key: 'CHG0000001',
        title: 'Upgrade "db", then, restart\nit',
        type: 'normal',
        risk: 'high',
        state: 'implement',
        approval: 'approved',
        outcome: 'open',
        plannedStart: '2026-11-03T09:00:00.000Z',
        plannedEnd: '2026-11-03T11:00:00.000Z',
        closedAt: null,
        records: [{ system: 'servicenow', key: 'CHG0000001', url: 'https://sn/x?a=1,2' }],
        approvals: [
          {
            approver: 'Doe, Jane',
            decision: 'approved',
            decidedAt: '2026-11-02T10:00:00.000Z',
            system: 'servicenow',
          },
        ],
        findings: [],
      },
    ],
    events: [
      {
        kind: 'deployment',
        system: 'github',
        repo: 'acme/api',
        target: 'production',
        sha: 'abc',
        at: '2026-11-03T09:30:00.000Z',
        actor: 'Bob',
        ref: { system: 'github', key: 'acme/api@abc', url: null },
        change: { key: 'CHG0000001', title: 'Upgrade "db", then, restart\nit', url: null },
        approvals: [],
        findings: [],
        authorised: true,
      },
    ],
    unauthorised: [],
    drift: [],
    waivers: [],
    emergencies: [],
    reconciliations: [],
  };
}

describe('renderCsv', () => {
  it('writes a header and one CRLF-terminated row per change and event, quoting as needed', () => {
    const text = renderCsv(data());
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text).toContain(
      'change,CHG0000001,"Upgrade ""db"", then, restart\nit",normal,implement,open,approved,"Doe, Jane (servicenow, approved, 2026-11-02T10:00:00.000Z)"',
    );
    expect(text).toContain('"https://sn/x?a=1,2"');
    expect(text).toContain('deployment,acme/api@abc,');
    expect(text).toContain(',production,abc,2026-11-03T09:30:00.000Z,Bob,CHG0000001,yes,0,0,');
  });

  it('approversText joins every approval with its system, decision and time', () => {
    expect(
      approversText([
        {
          approver: 'A',
          decision: 'approved',
          decidedAt: '2026-01-01T00:00:00.000Z',
          system: 'jira',
        },
        { approver: 'B', decision: 'requested', decidedAt: null, system: 'servicenow' },
      ]),
    ).toBe('A (jira, approved, 2026-01-01T00:00:00.000Z); B (servicenow, requested)');
  });
});
