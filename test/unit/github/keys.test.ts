import { parseGitHubEvent } from '../../../connectors/github/events.js';
import {
  deploymentRecord,
  pullRequestRecord,
  pushRecord,
} from '../../../connectors/github/records.js';
import type { PullRequest } from '../../../connectors/github/schemas.js';

/** Key extraction from GitHub records goes through src/model/keys.ts `extractKeys`. */
function pr(over: Partial<PullRequest> & { branch?: string }): PullRequest {
  const { branch, ...rest } = over;
  return {
    id: 1,
    number: 7,
    title: 'no keys',
    body: null,
    state: 'open',
    html_url: 'https://github.com/acme/api/pull/7',
    user: { login: 'alice' },
    updated_at: '2026-03-01T10:00:00Z',
    head: { ref: branch ?? 'topic', sha: 'a'.repeat(40) },
    base: { ref: 'main' },
    ...rest,
  };
}

describe('GitHub key extraction', () => {
  it('finds several keys across title, branch and body, deduplicated and sorted', () => {
    const r = pullRequestRecord(
      'acme/api',
      pr({
        title: 'CHG0030002 and CHG0030001: fix',
        branch: 'feature/OPS-12-fix',
        body: 'Also OPS-12, PAY-3 and CHG0030001 again',
      }),
    );
    expect(r.linkedKeys).toEqual({
      changeKeys: ['CHG0030001', 'CHG0030002'],
      issueKeys: ['OPS-12', 'PAY-3'],
    });
  });

  it('finds keys in lower-case branch names', () => {
    const r = pullRequestRecord('acme/api', pr({ branch: 'bugfix/ops-42-rollback' }));
    expect(r.linkedKeys).toEqual({ changeKeys: [], issueKeys: ['OPS-42'] });
    const r2 = pullRequestRecord('acme/api', pr({ branch: 'chg0030007/ops-42' }));
    expect(r2.linkedKeys).toEqual({ changeKeys: ['CHG0030007'], issueKeys: ['OPS-42'] });
    // "_" separates words in branch names: `ops-42_fix` names OPS-42.
    const r3 = pullRequestRecord('acme/api', pr({ branch: 'ops-42_fix' }));
    expect(r3.linkedKeys.issueKeys).toEqual(['OPS-42']);
  });

  it('finds keys inside URLs', () => {
    const r = pullRequestRecord(
      'acme/api',
      pr({
        body: 'See https://jira.example.com/browse/OPS-99 and https://acme.service-now.com/nav_to.do?uri=change_request.do?sysparm_query=number=CHG0030010',
      }),
    );
    expect(r.linkedKeys).toEqual({ changeKeys: ['CHG0030010'], issueKeys: ['OPS-99'] });
  });

  it('rejects near misses: wrong digit count, words glued to keys, leading zeros', () => {
    const r = pullRequestRecord(
      'acme/api',
      pr({ title: 'CHG003000 CHG00300011 XCHG0030001 OPS-012 UTF-8' }),
    );
    expect(r.linkedKeys.changeKeys).toEqual([]);
    expect(r.linkedKeys.issueKeys).toEqual(['UTF-8']); // any project accepted unless configured
    const strict = pullRequestRecord('acme/api', pr({ title: 'UTF-8 OPS-5' }), {
      changePrefixes: ['CHG'],
      changeDigits: 7,
      jiraProjects: ['OPS'],
    });
    expect(strict.linkedKeys.issueKeys).toEqual(['OPS-5']);
  });

  it('honours configured change prefixes', () => {
    const r = pullRequestRecord('acme/api', pr({ title: 'RFC123456 CHG0030001' }), {
      changePrefixes: ['RFC'],
      changeDigits: 6,
      jiraProjects: [],
    });
    expect(r.linkedKeys.changeKeys).toEqual(['RFC123456']);
  });

  it('finds keys in deployment description and free-form payload', () => {
    const d = deploymentRecord(
      'acme/api',
      {
        id: 9,
        sha: 'b'.repeat(40),
        ref: 'release/chg0030003',
        environment: 'production',
        description: 'Deploy for OPS-7',
        payload: {
          change: 'CHG0030004',
          nested: { ticket: 'https://jira.example.com/browse/PAY-1' },
        },
        created_at: '2026-03-01T10:00:00Z',
        updated_at: '2026-03-01T10:00:00Z',
      },
      null,
    );
    expect(d.linkedKeys).toEqual({
      changeKeys: ['CHG0030003', 'CHG0030004'],
      issueKeys: ['OPS-7', 'PAY-1'],
    });
  });

  it('finds keys in push commit messages and the branch', () => {
    const p = pushRecord({
      ref: 'refs/heads/hotfix/ops-3',
      before: '0'.repeat(40),
      after: 'c'.repeat(40),
      repository: { id: 1, name: 'api', full_name: 'acme/api', owner: { login: 'acme' } },
      commits: [{ id: 'c'.repeat(40), message: 'Emergency fix CHG0030005' }],
    });
    expect(p).toMatchObject({
      branch: 'hotfix/ops-3',
      linkedKeys: { changeKeys: ['CHG0030005'], issueKeys: ['OPS-3'] },
    });
  });

  it('finds keys in a protection rule request ref', () => {
    const out = parseGitHubEvent('deployment_protection_rule', {
      action: 'requested',
      environment: 'production',
      sha: 'd'.repeat(40),
      ref: 'refs/heads/chg0030006',
      deployment_callback_url:
        'https://api.github.com/repos/acme/api/actions/runs/77/deployment_protection_rule',
    });
    expect(out).toMatchObject({
      outcome: 'event',
      externalId: 'acme/api/actions/runs/77/production',
      record: { runId: 77, linkedKeys: { changeKeys: ['CHG0030006'] } },
    });
  });
});
