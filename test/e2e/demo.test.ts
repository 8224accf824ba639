import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
  }, 160_000);
});
