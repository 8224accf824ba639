import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** `changebridge demo`, the README's first command, as a process: it converges and reports. */
const repoRoot = resolve(import.meta.dirname, '../..');
const tsx = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;

describe('changebridge demo', () => {
  it('plays the story to convergence and prints what happened and where to look', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-demo-'));
    const res = spawnSync(
      process.execPath,
      [
        '--import',
        tsx,
        join(repoRoot, 'src/cli/bin.ts'),
        'demo',
        '--exit',
        '--dir',
        dir,
        '--port',
        '0',
      ],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
        encoding: 'utf8',
        timeout: 150_000,
      },
    );
    const out = `${res.stdout}\n${res.stderr}`;
    expect({ code: res.status, out }).toMatchObject({ code: 0 });
    expect(out).toMatch(/Created for the Jira-only team: CHG\d{7} \(from PAY-1\)/);
    expect(out).toMatch(/CHG0030001 +scheduled approved/);
    expect(out).toMatch(/Written back: .*jira\.comment ×\d+.*servicenow\.create_change ×1/);
    expect(out).toMatch(/dead letters: 0/);
    expect(out).toMatch(/Audit log: \d+ events, chain verified/);
    expect(out).toContain(join(dir, 'changebridge.db'));
    expect(out).toMatch(/API +http:\/\/127\.0\.0\.1:\d+\/api\/v1\/changes\/CHG0030001/);
    // Act three: governance findings, a reconciliation with drift and an unauthorised
    // deployment, and the auditor's report, which verifies against the audit log.
    expect(out).toMatch(/Open governance findings \(\d+\):/);
    expect(out).toMatch(/BLOCKING approval-required: Change CHG0030001/);
    expect(out).toMatch(/drift-orphan +The Jira issue OPS-3 linked to CHG0030003 no longer exists/);
    expect(out).toMatch(
      /unauthorised-change +acme\/payments@[0-9a-f]{7} was deployed to production .* with no change at all/,
    );
    const report = join(dir, 'changebridge-report.html');
    expect(out).toContain(`report     ${report}`);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('id="changebridge-report"');
    const verify = spawnSync(
      process.execPath,
      ['--import', tsx, join(repoRoot, 'src/cli/bin.ts'), 'audit', 'verify', '--report', report],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          CHANGEBRIDGE_DATABASE_URL: `sqlite:${join(dir, 'changebridge.db')}`,
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect({ code: verify.status, out: verify.stdout + verify.stderr }).toMatchObject({ code: 0 });
    expect(verify.stdout).toMatch(/VERIFIED/);
  }, 160_000);
});
