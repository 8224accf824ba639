import { handleGitLabWebhook } from '../../../connectors/gitlab/webhook.js';
import type { GitLabEventPayload } from '../../../connectors/gitlab/index.js';
import { fixtureText, hookRequest, options } from './support.js';

/** Runs the real MR fixture with title/branch/description replaced, returns the keys found. */
function keysOf(
  attrs: { title?: string; source_branch?: string; description?: string },
  patterns?: Parameters<typeof options>[0],
) {
  const body = JSON.parse(fixtureText('merge_request.json')) as {
    object_attributes: Record<string, unknown>;
  };
  Object.assign(body.object_attributes, attrs);
  const outcome = handleGitLabWebhook(
    options(patterns),
    hookRequest('Merge Request Hook', JSON.stringify(body)),
  );
  if (outcome.outcome !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(outcome)}`);
  return (outcome.events[0]!.payload as GitLabEventPayload).keys;
}

describe('key extraction from merge requests', () => {
  it('finds a change number in the title', () => {
    expect(keysOf({ title: 'CHG0030001: rotate certificates' })).toEqual({
      changeKeys: ['CHG0030001'],
      issueKeys: [],
    });
  });

  it('finds lower-case keys in the branch name', () => {
    expect(keysOf({ title: 'fix', source_branch: 'feature/ops-12-chg0030002-retry' })).toEqual({
      changeKeys: ['CHG0030002'],
      issueKeys: ['OPS-12'],
    });
  });

  it('finds several keys across title, branch and description, once each', () => {
    const keys = keysOf({
      title: 'OPS-1 and PAY-22',
      source_branch: 'ops-1',
      description: 'Implements CHG0030003, also CHG0030004.\nRefs OPS-1.',
    });
    expect(keys).toEqual({
      changeKeys: ['CHG0030003', 'CHG0030004'],
      issueKeys: ['OPS-1', 'PAY-22'],
    });
  });

  it('finds keys inside URLs in the description', () => {
    const keys = keysOf({
      title: 'x',
      description:
        'See https://jira.example.com/browse/OPS-77 and https://sn.example.com/nav_to.do?uri=CHG0030005',
    });
    expect(keys).toEqual({ changeKeys: ['CHG0030005'], issueKeys: ['OPS-77'] });
  });

  it('ignores near misses (wrong digit count, leading zero issue numbers, glued words)', () => {
    expect(
      keysOf({
        title: 'CHG003000 CHG00300011 OPS-0 1OPS-3',
        source_branch: 'main',
        description: '',
      }),
    ).toEqual({
      changeKeys: [],
      issueKeys: [],
    });
  });

  it('honours configured prefixes and Jira projects', () => {
    const keys = keysOf(
      {
        title: 'RFC1234567 OPS-1 PAY-2',
        source_branch: 'main',
        description: null as unknown as string,
      },
      { keyPatterns: { changePrefixes: ['RFC'], changeDigits: 7, jiraProjects: ['PAY'] } },
    );
    expect(keys).toEqual({ changeKeys: ['RFC1234567'], issueKeys: ['PAY-2'] });
  });
});
