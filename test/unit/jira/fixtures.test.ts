import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handleJiraWebhook } from '../../../connectors/jira/webhook.js';
import { hmacSha256 } from '../../../src/runtime/index.js';

/** The real Jira Cloud webhook captures in the shared fixtures turn into source events. */

const DIR = '/work/shared/fixtures/jira';
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

test('there are fixtures to check', () => {
  expect(files.length).toBeGreaterThanOrEqual(5);
});

test.each(files)('%s parses into a source event', (file) => {
  const raw = readFileSync(join(DIR, file));
  const body = JSON.parse(raw.toString('utf8')) as { webhookEvent: string; issue: { key: string } };
  const outcome = handleJiraWebhook(
    { connection: 'jira', secrets: ['k'] },
    {
      headers: {
        'x-hub-signature': `sha256=${hmacSha256('k', raw, 'hex')}`,
        'x-atlassian-webhook-identifier': `id-${file}`,
      },
      rawBody: raw,
      receivedAt: new Date('2026-01-01T00:00:00Z'),
    },
  );
  expect(outcome.outcome).toBe('accepted');
  if (outcome.outcome !== 'accepted') return;
  expect(outcome.events).toHaveLength(1);
  const [event] = outcome.events;
  expect(event).toMatchObject({
    system: 'jira',
    connection: 'jira',
    source: 'jira:jira',
    deliveryKey: `webhook:id-${file}`,
    kind: 'issue',
    event: body.webhookEvent,
    externalId: body.issue.key,
    thin: body.webhookEvent.startsWith('comment_'),
  });
  expect(event!.payload).toEqual(body);
});

test('an authenticated body that is not JSON is kept as unparseable', () => {
  const raw = Buffer.from('<html>');
  const outcome = handleJiraWebhook(
    { connection: 'jira', secrets: ['k'] },
    {
      headers: { 'x-hub-signature': `sha256=${hmacSha256('k', raw, 'hex')}` },
      rawBody: raw,
      receivedAt: new Date(0),
    },
  );
  expect(outcome).toMatchObject({
    outcome: 'accepted',
    events: [{ event: 'unparseable', thin: true }],
  });
});

test('without configured secrets every webhook is refused', () => {
  const raw = Buffer.from('{}');
  expect(
    handleJiraWebhook(
      { connection: 'jira', secrets: [] },
      { headers: {}, rawBody: raw, receivedAt: new Date(0) },
    ),
  ).toMatchObject({
    outcome: 'rejected',
    status: 401,
  });
});
