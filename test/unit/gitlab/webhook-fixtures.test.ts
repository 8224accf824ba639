import { handleGitLabWebhook } from '../../../connectors/gitlab/webhook.js';
import type { GitLabEventPayload } from '../../../connectors/gitlab/index.js';
import { apiStatusCheck } from '../../../connectors/gitlab/schemas.js';
import { FIXTURE_EVENTS, fixtureNames, fixtureRequest, fixtureText, options } from './support.js';

describe('GitLab fixtures (docs examples) → source events or reasoned ignores', () => {
  const webhookFixtures = fixtureNames().filter((n) => n in FIXTURE_EVENTS);

  it('covers every webhook-shaped fixture in the folder', () => {
    // A new fixture without a header mapping must fail here, not be silently skipped.
    const unknown = fixtureNames().filter(
      (n) => !(n in FIXTURE_EVENTS) && n !== 'external_status_checks_list_for_mr.json',
    );
    expect(unknown).toEqual([]);
    expect(webhookFixtures.length).toBe(7);
  });

  it.each(webhookFixtures)('%s', (name) => {
    const outcome = handleGitLabWebhook(options(), fixtureRequest(name));
    expect(outcome.outcome).not.toBe('rejected');
    if (outcome.outcome === 'ignored') {
      expect(outcome.reason).toMatch(/\w{10,}/);
      return;
    }
    if (outcome.outcome !== 'accepted') throw new Error('unexpected');
    expect(outcome.events).toHaveLength(1);
    const [event] = outcome.events;
    expect(event!.event).not.toBe('unparseable');
    expect(event!.externalId).toEqual(expect.any(String));
    expect(event!.source).toBe('gitlab:gl');
    expect(event!.deliveryKey).toMatch(/^(idempotency|body):/);
    const payload = event!.payload as GitLabEventPayload<Record<string, unknown>>;
    for (const [k, v] of Object.entries(payload.summary)) {
      expect([k, v]).not.toEqual([k, undefined]);
    }
  });

  it('maps each fixture to the expected kind and event', () => {
    const summary = Object.fromEntries(
      webhookFixtures.map((name) => {
        const o = handleGitLabWebhook(options(), fixtureRequest(name));
        return [
          name,
          o.outcome === 'accepted'
            ? `${o.events[0]!.kind} ${o.events[0]!.event} ${o.events[0]!.externalId}`
            : o.outcome,
        ];
      }),
    );
    expect(summary).toEqual({
      'deployment.json':
        'deployment deployment.success root/test-deployment-webhooks/deployments/15',
      'external_status_check.json':
        'external_status_check external_status_check.requested flightjs/Flight!4/status_checks/1',
      'job.json': 'ignored',
      'merge_request.json': 'merge_request merge_request.open gitlabhq/gitlab-test!1',
      'note_merge_request.json': 'merge_request_note note gitlab-org/gitlab-test!1/notes/1244',
      'pipeline.json': 'pipeline pipeline.success gitlab-org/gitlab-test/pipelines/31',
      'push.json': 'push push mike/diaspora@da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    });
  });

  it('reads the full deployment sha from commit_url, the MR head from last_commit', () => {
    const d = handleGitLabWebhook(options(), fixtureRequest('deployment.json'));
    const mr = handleGitLabWebhook(options(), fixtureRequest('external_status_check.json'));
    if (d.outcome !== 'accepted' || mr.outcome !== 'accepted') throw new Error('not accepted');
    expect((d.events[0]!.payload as GitLabEventPayload<{ sha: string }>).summary.sha).toBe(
      '279484c09fbe69ededfced8c1bb6e6d24616b468',
    );
    expect((mr.events[0]!.payload as GitLabEventPayload<{ headSha: string }>).summary.headSha).toBe(
      '141be9714669a4c1ccaa013c6a7f3e462ff2a40f',
    );
  });

  it('the status check list API example matches the response schema', () => {
    const parsed = apiStatusCheck
      .array()
      .parse(JSON.parse(fixtureText('external_status_checks_list_for_mr.json')));
    expect(parsed.map((c) => c.status)).toEqual(['passed', 'pending']);
  });

  it('an authenticated body of the wrong shape is accepted as unparseable, not thrown', () => {
    const req = fixtureRequest('push.json');
    const broken = { ...req, rawBody: Buffer.from('{"object_kind":"push","ref":42}') };
    const outcome = handleGitLabWebhook(
      options({ webhook: { tokens: ['plain-hook-token'] } }),
      broken,
    );
    expect(outcome).toMatchObject({
      outcome: 'accepted',
      events: [{ event: 'unparseable', kind: 'unknown' }],
    });
  });

  it('ignores projects outside the configured list, with the project named', () => {
    const outcome = handleGitLabWebhook(
      options({ projects: ['acme/payments'] }),
      fixtureRequest('push.json'),
    );
    expect(outcome).toEqual({
      outcome: 'ignored',
      reason: expect.stringContaining('mike/diaspora'),
    });
  });
});
