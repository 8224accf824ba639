import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { seedJira } from '../../../connectors/jira/simulator-seed.js';
import { seedServiceNow } from '../../../connectors/servicenow/simulator-seed.js';
import type { Database } from '../../../src/store/index.js';
import { cli, type CliResult } from '../../support/cli.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from '../../support/databases.js';
import { startSimWorld, worldConfigYaml, type SimWorld } from '../../support/sync-world.js';

/**
 * `changebridge backfill` against the simulators and a real database: every record of
 * every stream becomes canonical rows, read in pages small enough that the ServiceNow
 * streams take several transactions and the Jira pages are gathered into one; a second
 * run resumes from the stored cursors, `--from-start` re-reads everything and changes
 * nothing; a record that cannot be mapped is reported and handed to the inbox without
 * holding back the records after it.
 */
const SN_CHANGES = 120;
const JIRA_ISSUES = 230;
const COUNTED = ['changes', 'links', 'approvals', 'incidents', 'people', 'audit_events'];

describeEachDatabase('changebridge backfill', (dialect) => {
  let world: SimWorld;
  let database: TestDatabase;
  let db: Database;
  let cwd: string;
  let config: string;
  let blankSysId: string;
  const run = (...args: string[]): Promise<CliResult> =>
    cli(['--config', config, ...args], { env: world.env, cwd });
  const query = <T>(sql: string, params: unknown[] = []) =>
    db.run((m) => m.query(sql, params)) as Promise<T[]>;
  const counts = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const t of COUNTED)
      out[t] = Number((await query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]!.n);
    return out;
  };
  /** `<connection>/<stream>` → [records, applied, ignored, failed] from the printed lines. */
  const streams = (stdout: string): Record<string, number[]> =>
    Object.fromEntries(
      [
        ...stdout.matchAll(
          /^(\S+\/\S+): (\d+) records \((\d+) applied, (\d+) ignored, (\d+) failed\)/gm,
        ),
      ].map((m) => [m[1]!, m.slice(2, 6).map(Number)]),
    );

  beforeAll(async () => {
    world = await startSimWorld();
    const sn = seedServiceNow(world.servicenow.state, { changes: SN_CHANGES, seed: 7 });
    expect(sn.changes).toHaveLength(SN_CHANGES);
    seedJira(world.jira.state, {
      issues: JIRA_ISSUES,
      seed: 7,
      changeNumberField: 'customfield_10100',
    });
    // A change request with no short description: the mapping requires a title.
    blankSysId = world.servicenow.state.insert('change_request', {
      short_description: '  ',
      type: 'normal',
    }).sys_id!;
    database = await createTestDatabase(dialect);
    cwd = mkdtempSync(join(tmpdir(), 'cb-backfill-'));
    config = join(cwd, 'changebridge.yaml');
    const yaml = parse(worldConfigYaml(world, database.url, { logLevel: 'error' })) as {
      connections: Record<string, Record<string, unknown>>;
    };
    yaml.connections.servicenow!.pageSize = 50;
    yaml.connections.jira!.pageSize = 40;
    writeFileSync(config, stringify(yaml));
    expect(await run('migrate')).toMatchObject({ code: 0 });
    db = await database.open();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await database?.drop();
    await world?.close();
  });

  it('imports every record of every stream, reports the one it cannot map and hands it to the inbox', async () => {
    const res = await run('backfill');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(1); // one record failed
    const s = streams(res.stdout);
    expect(s['servicenow/change_request']).toEqual([SN_CHANGES + 1, SN_CHANGES, 0, 1]);
    expect(s['jira/issue']).toEqual([JIRA_ISSUES, JIRA_ISSUES, 0, 0]);
    const approvals = world.servicenow.state.count('sysapproval_approver');
    const incidents = world.servicenow.state.count('incident');
    expect(s['servicenow/sysapproval_approver']).toEqual([approvals, approvals, 0, 0]);
    expect(s['servicenow/incident']).toEqual([incidents, incidents, 0, 0]);
    expect(res.stdout).toContain(`failed change_request:${blankSysId}:`);
    expect(res.stdout).toContain('1 record(s) failed; they are in the inbox for retry');

    // Every record has its link; every Jira issue either joined a change or made one.
    const links = await query<{ kind: string; n: unknown }>(
      'SELECT kind, COUNT(*) AS n FROM links GROUP BY kind ORDER BY kind',
    );
    const byKind = Object.fromEntries(links.map((l) => [l.kind, Number(l.n)]));
    expect(byKind).toMatchObject({ change_request: SN_CHANGES, issue: JIRA_ISSUES });
    const c = await counts();
    expect(c.approvals).toBe(approvals);
    expect(c.incidents).toBe(incidents);
    expect(c.changes).toBeGreaterThanOrEqual(SN_CHANGES);
    expect(c.changes).toBeLessThanOrEqual(SN_CHANGES + JIRA_ISSUES);
    expect(c.people).toBeGreaterThan(0);
    // The unmappable record waits in the inbox, with its payload, for the processor.
    const inbox = await query<{ source: string; delivery_key: string }>(
      'SELECT source, delivery_key FROM inbox_events',
    );
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.delivery_key).toContain(blankSysId);
    const cursors = await query<{ stream: string; cursor_value: string }>(
      'SELECT stream, cursor_value FROM source_cursors ORDER BY stream',
    );
    expect(cursors.map((r) => r.stream)).toEqual([
      'change_request',
      'incident',
      'issue',
      'sysapproval_approver',
    ]);
    for (const r of cursors) expect(r.cursor_value).not.toBe('');
  }, 60_000);

  it('resumes from the stored cursors: a second run reads only the overlap and changes nothing', async () => {
    const before = await counts();
    const res = await run('backfill', '--connection', 'servicenow');
    expect(res.stderr).toBe('');
    // ServiceNow stamps are spread over weeks: only the last seconds before the cursor
    // (overlapSeconds: 5) are read again, among them the unmappable record, newest of all.
    const [records, applied, ignored, failed] = streams(res.stdout)['servicenow/change_request']!;
    expect(records).toBeLessThan(SN_CHANGES / 2);
    expect([applied, ignored, failed]).toEqual([0, records! - 1, 1]);
    expect(res.code).toBe(1);
    expect(await counts()).toEqual(before);
    // Handed to the inbox again, it is still one inbox row (same delivery).
    expect(await query('SELECT id FROM inbox_events')).toHaveLength(1);
  }, 60_000);

  it('--from-start reads everything again and applies none of it twice', async () => {
    const before = await counts();
    const res = await run('backfill', '--from-start');
    const s = streams(res.stdout);
    expect(s['jira/issue']).toEqual([JIRA_ISSUES, 0, JIRA_ISSUES, 0]);
    expect(s['servicenow/change_request']).toEqual([SN_CHANGES + 1, 0, SN_CHANGES, 1]);
    expect(await counts()).toEqual(before);
  }, 60_000);
});
