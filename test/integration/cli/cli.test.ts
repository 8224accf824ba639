import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuditLog } from '../../../src/audit/index.js';
import { Database } from '../../../src/store/index.js';
import { cli } from '../../support/cli.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from '../../support/databases.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const tmp = () => mkdtempSync(join(tmpdir(), 'cb-cli-'));

describeEachDatabase('changebridge migrate + audit verify', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(() => t.drop());
  const env = () => ({ CHANGEBRIDGE_DATABASE_URL: t.url });

  it('refuses to verify before migrate, then migrates, then verifies', async () => {
    const cwd = tmp();
    const before = await cli(['audit', 'verify'], { env: env(), cwd });
    expect(before.code).toBe(78);
    expect(before.stderr).toMatch(/migration\(s\) pending .*Run `changebridge migrate`/);
    expect(before.stderr).not.toMatch(/\n\s+at /);

    const migrated = await cli(['migrate'], { env: env(), cwd });
    expect(migrated).toMatchObject({ code: 0, stderr: '' });
    expect(migrated.stdout).toMatch(
      /applied 5 migration\(s\): InitialSchema1760000000001, JobLeases1760000000002, LinkSyncState1760000000003, GateRequests1760000000004, ReconcileRuns1760000000005/,
    );
    expect((await cli(['migrate'], { env: env(), cwd })).stdout).toMatch(/is up to date/);

    const verified = await cli(['audit', 'verify'], { env: env(), cwd });
    expect(verified).toMatchObject({
      code: 0,
      stdout: 'audit chain intact: 0 event(s), last seq 0\n',
    });
  });

  it('exits 1 naming the first bad seq when a row was tampered with', async () => {
    const db = await Database.open({ url: t.url });
    try {
      const log = new AuditLog(db);
      for (let i = 0; i < 5; i++) {
        await log.append(
          [{ actor: 'system:test', action: 'x', subject: `s${i}`, data: { i } }],
          new Date(),
        );
      }
      expect((await cli(['audit', 'verify'], { env: env(), cwd: tmp() })).stdout).toMatch(
        /intact: 5 event/,
      );
      await db.dataSource.query('DROP TRIGGER IF EXISTS audit_events_no_update');
      await db.dataSource.query(`UPDATE audit_events SET subject = 'forged' WHERE seq = 3`);
      const res = await cli(['audit', 'verify'], { env: env(), cwd: tmp() });
      expect(res.code).toBe(1);
      expect(res.stdout).toMatch(/^audit chain BROKEN at seq 3: altered: /);
      const json = await cli(['audit', 'verify', '--json'], { env: env(), cwd: tmp() });
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: false,
        checked: 2,
        firstBad: { seq: 3, problem: 'altered' },
      });
    } finally {
      await db.close();
    }
  });
});

describe('changebridge CLI', () => {
  it('migrates the embedded default database into ./data on first run', async () => {
    const cwd = tmp();
    const res = await cli(['migrate'], { cwd });
    expect(res.code).toBe(0);
    expect(existsSync(join(cwd, 'data', 'changebridge.db'))).toBe(true);
    expect((await cli(['audit', 'verify'], { cwd })).code).toBe(0);
  });

  it('config check passes on the documented example and masks its secrets', async () => {
    const secret = 'canary-Jira-token-8f3a';
    const res = await cli(['config', 'check', '--config', 'config/changebridge.example.yaml'], {
      cwd: repoRoot,
      env: { JIRA_API_TOKEN: secret },
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^# config\/changebridge.example.yaml: valid/);
    expect(res.stdout).toContain('${JIRA_API_TOKEN}');
    expect(res.stdout + res.stderr).not.toContain(secret);
    expect(res.stderr).toMatch(/environment variable\(s\) not set/);
  });

  it('config check --strict fails on a missing variable, naming it and the path', async () => {
    const res = await cli(
      ['config', 'check', '--strict', '--config', 'config/changebridge.example.yaml'],
      {
        cwd: repoRoot,
      },
    );
    expect(res.code).toBe(78);
    expect(res.stderr).toMatch(
      /config\/changebridge.example.yaml:\d+:\d+: connections\.jira\.auth\.apiToken: environment variable JIRA_API_TOKEN is not set/,
    );
  });

  it('reports every config problem with file, line and path, and exits 78', async () => {
    const cwd = tmp();
    writeFileSync(
      join(cwd, 'bad.yaml'),
      'logging:\n  levle: debug\nserver:\n  port: 99999\nconnections:\n  jira:\n    baseUrl: jira\n',
    );
    const res = await cli(['config', 'check', '--config', 'bad.yaml'], { cwd });
    expect(res.code).toBe(78);
    expect(res.stderr).toContain(
      'bad.yaml:2:3: logging.levle: unknown key "levle" (did you mean `level`?)',
    );
    expect(res.stderr).toContain(
      'bad.yaml:4:9: server.port: 99999 is out of range (expected a whole number from 1 to 65535)',
    );
    expect(res.stderr).toContain('bad.yaml:6:3: connections.jira.auth is required');
    expect(res.stderr).toContain(
      'bad.yaml:7:14: connections.jira.baseUrl: "jira" is not a URL (expected https://<site>.atlassian.net)',
    );
  });

  it('names a config file that does not exist', async () => {
    const res = await cli(['audit', 'verify', '--config', 'nope.yaml'], { cwd: tmp() });
    expect(res.code).toBe(78);
    expect(res.stderr).toMatch(/nope\.yaml: file not found/);
  });

  it('rejects a bad CHANGEBRIDGE_DATABASE_URL with the accepted forms', async () => {
    const res = await cli(['migrate'], {
      cwd: tmp(),
      env: { CHANGEBRIDGE_DATABASE_URL: 'postgres://x@h/db' },
    });
    expect(res.code).toBe(78);
    expect(res.stderr).toMatch(/CHANGEBRIDGE_DATABASE_URL has unsupported scheme "postgres:"/);
    expect(res.stderr).toMatch(/fix: set it to sqlite:<path> or mysql:\/\/user@host:port\/db/);
  });

  it('names host and port of an unreachable database, without a stack trace unless --verbose', async () => {
    const env = { CHANGEBRIDGE_DATABASE_URL: 'mysql://cb:hunter2-secret@127.0.0.1:1/changebridge' };
    const res = await cli(['audit', 'verify'], { cwd: tmp(), env });
    expect(res.code).toBe(69);
    expect(res.stderr).toBe(
      '[changebridge/store] cannot reach MySQL database "changebridge": nothing is listening at 127.0.0.1:1\n' +
        '  fix: start the MySQL/MariaDB server or fix host and port in database.url\n',
    );
    const verbose = await cli(['--verbose', 'audit', 'verify'], { cwd: tmp(), env });
    expect(verbose.stderr).toMatch(/\n\s+at /);
    expect(verbose.stderr).not.toContain('hunter2-secret');
  });

  it('validates the shipped mappings from the root program', async () => {
    const res = await cli(['mappings', 'validate', 'mappings'], { cwd: repoRoot });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/mapping file\(s\) under mappings are valid/);
  });

  it('prints usage errors with exit 64, and help and version with 0', async () => {
    const unknown = await cli(['frobnicate'], { cwd: tmp() });
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const help = await cli(['--help'], { cwd: tmp() });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/\brun \[options\] +run the sync daemon/);
    expect(help.stdout).toMatch(/\$ changebridge demo/);
    const version = await cli(['--version'], { cwd: tmp() });
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });
});
