import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportData } from '../../../src/report/model.js';
import { cli } from '../../support/cli.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from '../../support/databases.js';
import { seedReportWorld } from './seed.js';

/** A tiny RFC 4180 reader: quoted fields with doubled quotes, commas and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describeEachDatabase('changebridge report and audit verify --report', (dialect) => {
  let database: TestDatabase;
  let cwd: string;
  let env: Record<string, string>;
  const period = ['--from', '2026-11-02', '--to', '2026-11-08'];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const db = await database.open();
    // A title with every character CSV must quote.
    const world = await seedReportWorld(db);
    const c1 = world.changes['CHG0000001']!;
    await world.store.changes.save({ ...c1, title: 'Upgrade "db", then\r\nrestart' }, c1.updatedAt);
    await db.close();
    cwd = mkdtempSync(join(tmpdir(), 'cb-report-'));
    env = { CHANGEBRIDGE_DATABASE_URL: database.url };
  });
  afterAll(async () => {
    await database.drop();
  });

  const run = (...args: string[]) => cli(args, { env, cwd });

  it('writes a sealed JSON report and a CSV whose rows match its counts', async () => {
    const json = await run('report', ...period, '--format', 'json', '--out', 'out/r.json');
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(json.stdout).toMatch(/report written: .*out\/r\.json/);
    expect(json.stdout).toMatch(/sha256: +[0-9a-f]{64}/);
    expect(json.stdout).toContain('audit head:     seq 4');
    expect(json.stdout).toContain(
      '6 change(s), 4 production deployment(s), 2 protected-branch merge(s), 4 unauthorised',
    );
    const data = JSON.parse(readFileSync(join(cwd, 'out/r.json'), 'utf8')) as ReportData & {
      integrity: { sha256: string; auditHead: { seq: number } };
    };
    expect(json.stdout).toContain(data.integrity.sha256);
    expect(data.integrity.auditHead).toEqual(data.auditHead);
    expect(data.period.to).toBe('2026-11-08T23:59:59.999Z');

    const csv = await run('report', ...period, '--format', 'csv', '--out', 'out/r.csv');
    expect(csv.code).toBe(0);
    const rows = parseCsv(readFileSync(join(cwd, 'out/r.csv'), 'utf8'));
    const header = rows[0]!;
    const body = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    expect(rows.every((r) => r.length === header.length)).toBe(true);
    const count = (type: string) => body.filter((r) => r.row_type === type).length;
    expect(count('change')).toBe(data.changes.length);
    expect(count('deployment')).toBe(data.totals.deployments);
    expect(count('merge')).toBe(data.totals.merges);
    expect(body.filter((r) => r.authorised === 'no').length).toBe(
      data.events.filter((e) => !e.authorised).length,
    );
    expect(body.find((r) => r.key === 'CHG0000001')!.title).toBe('Upgrade "db", then\r\nrestart');
    const seal = JSON.parse(readFileSync(join(cwd, 'out/r.csv.seal.json'), 'utf8'));
    expect(seal).toMatchObject({ file: 'r.csv', auditHead: data.auditHead });
  });

  it('audit verify --report passes on fresh reports, fails on a flipped character', async () => {
    const html = await run('report', ...period, '--format', 'html', '--out', 'out/r.html');
    expect(html.code).toBe(0);
    for (const file of ['out/r.json', 'out/r.csv', 'out/r.html']) {
      const ok = await run('audit', 'verify', '--report', file);
      expect(ok.stdout).toContain('VERIFIED');
      expect(ok.code).toBe(0);
    }
    const path = join(cwd, 'out/r.json');
    const original = readFileSync(path, 'utf8');
    writeFileSync(join(cwd, 'out/t.json'), original.replace('CHG0000002', 'CHG0000009'));
    const bad = await run('audit', 'verify', '--report', 'out/t.json');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('FAIL digest: digest mismatch');

    const csvPath = join(cwd, 'out/r.csv');
    const csvText = readFileSync(csvPath, 'utf8');
    writeFileSync(csvPath, csvText.replace(',yes,', ',no,'));
    const badCsv = await run('audit', 'verify', '--report', 'out/r.csv');
    expect(badCsv.code).toBe(1);
    expect(badCsv.stdout).toContain('the file was changed after it was generated');
    writeFileSync(csvPath, csvText);
  });

  it('refuses bad arguments (64) and an unwritable path (78)', async () => {
    expect((await run('report', '--format', 'pdf', '--out', 'x')).code).toBe(64);
    expect(
      (await run('report', '--from', '2026-02-30', '--format', 'json', '--out', 'x')).code,
    ).toBe(64);
    expect(
      (
        await run(
          'report',
          '--from',
          '2026-11-09',
          '--to',
          '2026-11-01',
          '--format',
          'json',
          '--out',
          'x',
        )
      ).code,
    ).toBe(64);
    writeFileSync(join(cwd, 'afile'), '');
    const r = await run('report', ...period, '--format', 'json', '--out', 'afile/r.json');
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('cannot write');
  });

  it('a tampered audit row fails audit verify --report', async () => {
    // An attacker with database access first lifts the append-only guard (MySQL triggers;
    // SQLite has the same triggers), then edits a row behind the report's head.
    const db = await database.open({ migrate: false });
    try {
      await db.dataSource.query('DROP TRIGGER IF EXISTS audit_events_no_update');
      await db.dataSource.query(`UPDATE audit_events SET data = '{"x":1}' WHERE seq = 2`);
    } finally {
      await db.close();
    }
    const bad = await run('audit', 'verify', '--report', 'out/r.json');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('audit chain BROKEN at seq 2');
    expect(bad.stdout).toContain('FAIL chain');
    expect(bad.stdout).toContain('ok   digest');
  });
});
