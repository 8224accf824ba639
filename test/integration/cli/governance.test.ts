import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/cli/program.js';
import { seedStory, type StoryFacts } from '../../../src/demo/story.js';
import type { Finding } from '../../../src/model/index.js';
import { systemClock, type Clock } from '../../../src/runtime/index.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from '../../support/databases.js';
import {
  openSyncHarness,
  startSimWorld,
  worldConfigYaml,
  type SimWorld,
  type SyncHarness,
} from '../../support/sync-world.js';

/**
 * The governance commands — `findings list`, `waive`, `explain`, `policy replay|list` —
 * against findings the real pipeline produced: the demo story synced from the ServiceNow
 * and Jira simulators into a real database. Tests run in order and share that state.
 */
const TABLES = [
  'changes',
  'links',
  'findings',
  'approvals',
  'people',
  'person_identities',
  'audit_events',
  'audit_head',
  'outbox_commands',
  'gate_requests',
];

/** Rules off and on: what `policy replay` with a proposed rule set should report. */
const PROPOSED_RULES = `policies:
  sets:
    default:
      version: '2'
      rules:
        approval-required: { enabled: false }
        required-fields: { params: { fromState: new } }
`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describeEachDatabase('governance commands on a synced story', (dialect) => {
  let world: SimWorld;
  let database: TestDatabase;
  let h: SyncHarness;
  let facts: StoryFacts;
  let cwd: string;
  let configPath: string;
  let proposedPath: string;

  beforeAll(async () => {
    world = await startSimWorld();
    facts = seedStory({ servicenow: world.servicenow, jira: world.jira }, new Date());
    database = await createTestDatabase(dialect);
    h = openSyncHarness(world, await database.open());
    const synced = await h.runtime.syncOnce();
    expect(synced.processed).toMatchObject({ dead: 0 });
    cwd = mkdtempSync(join(tmpdir(), 'cb-governance-'));
    configPath = join(cwd, 'changebridge.yaml');
    writeFileSync(configPath, worldConfigYaml(world, database.url, { logLevel: 'error' }));
    proposedPath = join(cwd, 'proposed.yaml');
    writeFileSync(
      proposedPath,
      worldConfigYaml(world, database.url, { logLevel: 'error', more: PROPOSED_RULES }),
    );
  }, 60_000);
  afterAll(async () => {
    await h.app.close();
    await database.drop();
    await world.close();
  });

  async function cli(args: string[], opts: { config?: string; clock?: Clock } = {}): Promise<Run> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await runCli(
      ['node', 'changebridge', '--config', opts.config ?? configPath, ...args],
      { stdout, stderr, env: world.env, cwd, clock: opts.clock ?? systemClock },
    );
    return { code, stdout: out, stderr: err };
  }

  const query = <T>(sql: string, params: unknown[] = []) =>
    h.app.store.db.run((m) => m.query(sql, params)) as Promise<T[]>;

  /** Every row of every table a command could write, to prove it wrote nothing. */
  async function snapshot(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const t of TABLES) out[t] = JSON.stringify(await query(`SELECT * FROM ${t} ORDER BY 1`));
    return out;
  }

  const findings = () => h.app.store.findings.find({});
  const findingOf = async (policy: string, key: string): Promise<Finding> => {
    const change = (await h.app.store.changes.findByKey(key))!;
    const found = (await findings()).find((f) => f.policy === policy && f.changeId === change.id);
    if (!found) throw new Error(`no ${policy} finding on ${key}`);
    return found;
  };
  const implementing = () => facts.changes.checkoutRollback.number; // CHG0030003, 1 of 2 approvals

  describe('findings list', () => {
    it('lists open findings as a table by change key, the message truncated', async () => {
      const res = await cli(['findings', 'list']);
      expect(res).toMatchObject({ code: 0, stderr: '' });
      const lines = res.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^id\s+change\s+policy\s+severity\s+blocking\s+status\s+message$/);
      const open = (await findings()).filter((f) => f.status === 'open');
      expect(open.length).toBeGreaterThan(0);
      expect(lines).toHaveLength(open.length + 1);
      const approval = await findingOf('approval-required', implementing());
      const row = lines.find((l) => l.startsWith(approval.id))!;
      expect(row).toMatch(
        new RegExp(
          `^\\S+\\s+${implementing()}\\s+approval-required\\s+high\\s+yes\\s+open\\s+Change`,
        ),
      );
      expect(lines.some((l) => /\bresolved\b/.test(l))).toBe(false);
      for (const l of lines.slice(1))
        expect(l.split(/\s{2,}/).pop()!.length).toBeLessThanOrEqual(60);
    });

    it('filters by status, change and policy; --json has every field', async () => {
      const all = await cli(['findings', 'list', '--status', 'all', '--json']);
      expect(all.code).toBe(0);
      const rows = JSON.parse(all.stdout) as Record<string, unknown>[];
      expect(rows).toHaveLength((await findings()).length);
      expect(rows.some((r) => r.status === 'resolved')).toBe(true);

      const closed = facts.changes.closedScaleOut.number;
      const one = JSON.parse(
        (await cli(['findings', 'list', '--change', closed, '--json'])).stdout,
      ) as Record<string, unknown>[];
      expect(one.length).toBeGreaterThan(0);
      expect(new Set(one.map((r) => r.change))).toEqual(new Set([closed]));

      const byPolicy = JSON.parse(
        (await cli(['findings', 'list', '--policy', 'approval-required', '--json'])).stdout,
      ) as Record<string, unknown>[];
      expect(byPolicy.length).toBeGreaterThan(0);
      expect(byPolicy.every((r) => r.policy === 'approval-required')).toBe(true);
      expect(byPolicy[0]).toMatchObject({
        status: 'open',
        blocking: true,
        waiver: null,
        firstSeenAt: expect.stringMatching(/Z$/) as unknown,
        evidence: expect.objectContaining({
          ruleVersion: expect.any(String) as unknown,
        }) as unknown,
      });

      expect((await cli(['findings', 'list', '--change', 'CHG9999999'])).stdout).toBe(
        'no open findings\n',
      );
      const bad = await cli(['findings', 'list', '--status', 'closed']);
      expect(bad.code).toBe(64);
      expect(bad.stderr).toContain('"closed" is not one of open, resolved, waived, all');
    });
  });

  describe('explain', () => {
    const snRecord = (number: string) =>
      [...world.servicenow.state.table('change_request').values()].find(
        (r) => r.number === number,
      )!;

    it('maps a new change request and runs the policies, writing nothing', async () => {
      const before = await snapshot();
      const payload = {
        ...snRecord(implementing()),
        sys_id: 'f'.repeat(32),
        number: 'CHG0039999',
        short_description: 'Explain me',
        justification: '',
      };
      const file = join(cwd, 'new-change.json');
      writeFileSync(file, JSON.stringify(payload));
      const res = await cli([
        'explain',
        file,
        '--system',
        'servicenow',
        '--event',
        'change_request',
      ]);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      const answer = JSON.parse(res.stdout) as {
        target: string;
        outcome: string;
        canonical: Record<string, unknown>;
        changes: { key: string }[];
        findings: { policy: string; change: string; message: string; blocking: boolean }[];
      };
      expect(answer).toMatchObject({
        target: 'Change',
        outcome: 'applied',
        canonical: { key: 'CHG0039999', title: 'Explain me', state: 'implement', version: 1 },
        changes: [{ key: 'CHG0039999' }],
      });
      const policies = answer.findings.map((f) => f.policy);
      expect(policies).toContain('required-fields');
      expect(policies).toContain('approval-required');
      expect(answer.findings.find((f) => f.policy === 'required-fields')!.message).toMatch(
        /justification/,
      );
      expect(await snapshot()).toEqual(before);
      expect(await h.app.store.changes.findByKey('CHG0039999')).toBeNull();
    });

    it('explains a record already applied against the stored change', async () => {
      const before = await snapshot();
      const file = join(cwd, 'same-change.json');
      writeFileSync(file, JSON.stringify({ result: snRecord(implementing()) }));
      const res = await cli([
        'explain',
        file,
        '--system',
        'servicenow',
        '--event',
        'change_request',
      ]);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      const answer = JSON.parse(res.stdout) as {
        outcome: string;
        reason: string;
        canonical: { key: string };
        findings: { id: string; status: string }[];
      };
      expect(answer.outcome).toBe('ignored');
      expect(answer.reason).toMatch(/already applied/);
      expect(answer.canonical.key).toBe(implementing());
      const approval = await findingOf('approval-required', implementing());
      expect(answer.findings).toContainEqual(
        expect.objectContaining({ id: approval.id, status: 'open' }),
      );
      expect(await snapshot()).toEqual(before);
    });

    it('names the kinds it knows for an unknown --event; a broken file is exit 78', async () => {
      const file = join(cwd, 'same-change.json');
      const res = await cli([
        'explain',
        file,
        '--system',
        'servicenow',
        '--event',
        'jira:issue_updated',
      ]);
      expect(res.code).toBe(64);
      expect(res.stderr).toContain('no servicenow mapping handles --event "jira:issue_updated"');
      expect(res.stderr).toMatch(/use one of: .*change_request/);
      writeFileSync(join(cwd, 'broken.json'), '{');
      const broken = await cli([
        'explain',
        'broken.json',
        '--system',
        'jira',
        '--event',
        'jira:issue_updated',
      ]);
      expect(broken.code).toBe(78);
      expect(broken.stderr).toContain('/explain] broken.json is not a readable JSON file');
    });
  });

  describe('policy list and replay', () => {
    it('lists each rule set with resolved parameters', async () => {
      const res = await cli(['policy', 'list', '--json'], { config: proposedPath });
      expect(res.code).toBe(0);
      const sets = JSON.parse(res.stdout) as {
        name: string;
        version: string;
        rules: { id: string; enabled: boolean; params: Record<string, unknown> }[];
      }[];
      expect(sets.map((s) => `${s.name}@${s.version}`)).toEqual(['default@2']);
      expect(sets[0]!.rules).toHaveLength(13);
      expect(sets[0]!.rules.find((r) => r.id === 'approval-required')!.enabled).toBe(false);
      expect(sets[0]!.rules.find((r) => r.id === 'required-fields')!.params).toMatchObject({
        fromState: 'new',
        byType: { standard: ['implementationPlan'] },
      });
      const text = await cli(['policy', 'list']);
      expect(text.stdout).toMatch(/^rule set default \(version default\)$/m);
      expect(text.stdout).toMatch(/^ {2}on {3}approval-required\s+high\s+blocking\s+v\S+ {2}\{/m);
    });

    it('replay with the configured rules finds nothing to change', async () => {
      const before = await snapshot();
      const res = await cli(['policy', 'replay', '--json']);
      expect(res.code).toBe(0);
      const report = JSON.parse(res.stdout) as { changesEvaluated: number; totals: object };
      expect(report.changesEvaluated).toBe(Object.keys(facts.changes).length + 1);
      expect(report.totals).toEqual({ wouldOpen: 0, wouldResolve: 0 });
      expect(await snapshot()).toEqual(before);
    });

    it('replay with a proposed rule set reports what would open and resolve, changing nothing', async () => {
      const before = await snapshot();
      const res = await cli(['policy', 'replay', '--json'], { config: proposedPath });
      expect(res).toMatchObject({ code: 0, stderr: '' });
      const report = JSON.parse(res.stdout) as {
        changes: {
          key: string;
          wouldOpen: { policy: string; transition: string }[];
          wouldResolve: { finding: string; policy: string }[];
        }[];
        totals: { wouldOpen: number; wouldResolve: number };
      };
      const approval = await findingOf('approval-required', implementing());
      const resolving = report.changes.flatMap((c) => c.wouldResolve);
      expect(resolving).toContainEqual(
        expect.objectContaining({ finding: approval.id, policy: 'approval-required' }),
      );
      // No approval-required finding survives the proposed set; no other rule resolves.
      const openApprovals = (await findings()).filter(
        (f) => f.policy === 'approval-required' && f.status === 'open',
      );
      expect(resolving.filter((r) => r.policy === 'approval-required')).toHaveLength(
        openApprovals.length,
      );
      expect(resolving.every((r) => r.policy === 'approval-required')).toBe(true);
      // Required fields are now checked on new changes too.
      const opening = report.changes.flatMap((c) => c.wouldOpen);
      expect(opening.length).toBeGreaterThan(0);
      expect(opening.every((o) => o.policy === 'required-fields')).toBe(true);
      expect(report.totals).toEqual({ wouldOpen: opening.length, wouldResolve: resolving.length });

      const text = await cli(['policy', 'replay'], { config: proposedPath });
      expect(text.stdout).toContain(`  - would resolve ${approval.id} (high, blocking): `);
      expect(text.stdout).toMatch(/^totals: \d+ would open, \d+ would resolve \(dry run/m);
      expect(await snapshot()).toEqual(before);
    });

    it('replay of a period with no updated change evaluates none', async () => {
      const res = await cli([
        'policy',
        'replay',
        '--from',
        '2020-01-01',
        '--to',
        '2020-02-01T00:00Z',
        '--json',
      ]);
      expect(JSON.parse(res.stdout)).toMatchObject({
        changesEvaluated: 0,
        evaluatedAt: '2020-02-01T00:00:00.000Z',
        changes: [],
      });
      const reversed = await cli([
        'policy',
        'replay',
        '--from',
        '2020-02-01',
        '--to',
        '2020-01-01',
      ]);
      expect(reversed.code).toBe(64);
      expect(reversed.stderr).toContain('is after --to');
      expect((await cli(['policy', 'replay', '--from', 'yesterday'])).code).toBe(64);
    });
  });

  describe('waive', () => {
    it('refuses unknown and resolved findings and bad arguments, writing nothing', async () => {
      const before = await snapshot();
      const args = ['--reason', 'accepted', '--until', '7d', '--by', 'jane@example.com'];
      const unknown = await cli(['waive', 'no-such|finding', ...args]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('/waive] finding "no-such|finding" does not exist');
      expect(unknown.stderr).toContain('findings list` (add --status all');

      const resolved = (await findings()).find((f) => f.status === 'resolved')!;
      const refused = await cli(['waive', resolved.id, ...args]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`finding "${resolved.id}" is resolved`);

      const open = await findingOf('approval-required', implementing());
      const cases: [reason: string, until: string, error: string][] = [
        ['x', '2020-01-01', '"2020-01-01" (2020-01-01T00:00:00.000Z) is not in the future'],
        ['  ', '7d', '--reason is empty'],
        ['x', 'soon', '"soon" is neither a date'],
        // A day the calendar does not have is refused, not rolled over to March 2.
        ['x', '2099-02-30', '"2099-02-30" is neither a date'],
      ];
      for (const [reason, until, error] of cases) {
        const r = await cli([
          'waive',
          open.id,
          '--reason',
          reason,
          '--until',
          until,
          '--by',
          'jane',
        ]);
        expect({ code: r.code, error: r.stderr.includes(error) }).toEqual({
          code: 64,
          error: true,
        });
      }
      const nobody = await cli(['waive', open.id, '--reason', 'x', '--until', '7d']);
      expect(nobody.code).toBe(64);
      expect(nobody.stderr).toContain("required option '--by <person>' not specified");
      expect(await snapshot()).toEqual(before);
    });

    it('waives in one transaction, audits it, and re-plans the write-backs', async () => {
      const open = await findingOf('approval-required', implementing());
      const change = (await h.app.store.changes.findByKey(implementing()))!;
      const commands = async () =>
        (
          await query<{ n: number | string }>(
            'SELECT COUNT(*) AS n FROM outbox_commands WHERE change_id = ?',
            [change.id],
          )
        ).map((r) => Number(r.n))[0]!;
      const queued = await commands();
      const started = Date.now();
      const res = await cli([
        'waive',
        open.id,
        '--reason',
        'CAB approved by mail, see OPS-12',
        '--until',
        '2h',
        '--by',
        'jane@example.com',
      ]);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(
        new RegExp(
          `^waived ${escape(open.id)} on ${implementing()} until \\S+Z \\(by jane@example.com\\)\\nre-planned ${implementing()}: [1-9]\\d* write-back command\\(s\\) queued\\n$`,
        ),
      );

      const stored = (await h.app.store.findings.get(open.id))!;
      expect(stored.status).toBe('waived');
      expect(stored.waiver).toMatchObject({
        by: 'jane@example.com',
        reason: 'CAB approved by mail, see OPS-12',
      });
      const until = new Date(stored.waiver!.until as unknown as string).getTime();
      expect(until).toBeGreaterThanOrEqual(started + 2 * 3_600_000);
      expect(until).toBeLessThan(Date.now() + 2 * 3_600_000 + 1000);

      const [event] = await query<{ actor: string; action: string; subject: string; data: string }>(
        'SELECT actor, action, subject, data FROM audit_events ORDER BY seq DESC LIMIT 1',
      );
      expect(event).toMatchObject({
        actor: 'jane@example.com',
        action: 'finding.waived',
        subject: implementing(),
      });
      expect(JSON.parse(event!.data)).toEqual({
        finding: open.id,
        policy: 'approval-required',
        reason: 'CAB approved by mail, see OPS-12',
        until: new Date(until).toISOString(),
      });
      expect(await cli(['audit', 'verify'])).toMatchObject({ code: 0 });
      // The open set shown in ServiceNow and Jira changed: new write-backs are queued.
      expect(await commands()).toBeGreaterThan(queued);

      const listed = await cli(['findings', 'list', '--change', implementing()]);
      expect(listed.stdout).not.toContain(open.id);
      const waived = JSON.parse(
        (await cli(['findings', 'list', '--status', 'waived', '--json'])).stdout,
      ) as { id: string; waiver: { inForce: boolean; by: string } }[];
      expect(waived).toEqual([
        expect.objectContaining({
          id: open.id,
          waiver: expect.objectContaining({ inForce: true, by: 'jane@example.com' }) as unknown,
        }),
      ]);
    });

    it('a waived finding re-opens once its waiver expires and the change is re-evaluated', async () => {
      const open = await findingOf('approval-required', implementing());
      expect(open.status).toBe('waived');
      // Still in force: re-evaluation keeps it waived.
      await h.runtime.reevaluateAll();
      expect((await h.app.store.findings.get(open.id))!.status).toBe('waived');

      const later: Clock = {
        now: () => new Date(Date.now() + 3 * 3_600_000),
        sleep: systemClock.sleep,
      };
      const afterwards = openSyncHarness(world, h.app.store.db, { clock: later });
      await afterwards.runtime.reevaluateAll();
      expect((await h.app.store.findings.get(open.id))!.status).toBe('open');
      const [event] = await query<{ action: string; subject: string }>(
        'SELECT action, subject FROM audit_events ORDER BY seq DESC LIMIT 1',
      );
      expect(event).toEqual({ action: 'finding.waiver_expired', subject: implementing() });
      const listed = await cli(['findings', 'list', '--change', implementing()]);
      expect(listed.stdout).toContain(open.id);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
