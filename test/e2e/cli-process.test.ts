import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The CLI as a real process (the same entry the `changebridge` bin runs, from source via
 * tsx), so exit codes, stream separation and process exit behave as users see them.
 */
const repoRoot = resolve(import.meta.dirname, '../..');
const entry = join(repoRoot, 'src/cli/bin.ts');
// tsx resolved from the repository, not from the (temporary) working folder.
const tsx = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;

function changebridge(
  args: string[],
  env: Record<string, string> = {},
  cwd = mkdtempSync(join(tmpdir(), 'cb-e2e-')),
) {
  const res = spawnSync(process.execPath, ['--import', tsx, entry, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('changebridge as a process', () => {
  it('migrates, verifies and exits 0 on a fresh SQLite database', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cb-e2e-'));
    const migrate = changebridge(['migrate'], {}, cwd);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toMatch(
      /applied 5 migration\(s\): InitialSchema1760000000001, JobLeases1760000000002, LinkSyncState1760000000003, GateRequests1760000000004, ReconcileRuns1760000000005/,
    );
    expect(changebridge(['audit', 'verify'], {}, cwd)).toMatchObject({
      code: 0,
      stdout: 'audit chain intact: 0 event(s), last seq 0\n',
    });
  });

  it('exits 69 with one clear line and no stack trace when the database is unreachable', () => {
    const res = changebridge(['audit', 'verify'], {
      CHANGEBRIDGE_DATABASE_URL: 'mysql://cb@127.0.0.1:1/cb',
    });
    expect(res.code).toBe(69);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toEqual([
      '[changebridge/store] cannot reach MySQL database "cb": nothing is listening at 127.0.0.1:1',
      '  fix: start the MySQL/MariaDB server or fix host and port in database.url',
    ]);
  });
});
