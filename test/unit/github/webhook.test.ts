import { decodeCursor, encodeCursor } from '../../../connectors/github/cursor.js';
import { handleGitHubWebhook, type WebhookSettings } from '../../../connectors/github/webhook.js';
import { hmacSha256 } from '../../../src/runtime/index.js';

const settings: WebhookSettings = { connection: 'gh', secrets: ['s1'], maxBodyBytes: 1024 };
const at = new Date('2026-03-01T10:00:00Z');
function req(body: string, headers: Record<string, string | undefined> = {}, secret = 's1') {
  const raw = Buffer.from(body);
  return {
    headers: {
      'x-github-event': 'push',
      'x-github-delivery': 'd1',
      'x-hub-signature-256': `sha256=${hmacSha256(secret, raw, 'hex')}`,
      ...headers,
    },
    rawBody: raw,
    receivedAt: at,
  };
}

describe('GitHub webhook handling', () => {
  it('rejects oversized bodies with 413 before checking anything else', () => {
    expect(handleGitHubWebhook(settings, req('x'.repeat(2000)))).toMatchObject({
      outcome: 'rejected',
      status: 413,
    });
  });

  it('rejects everything when no secret is configured', () => {
    expect(handleGitHubWebhook({ ...settings, secrets: [] }, req('{}'))).toMatchObject({
      outcome: 'rejected',
      status: 401,
      reason: expect.stringMatching(/no webhook secret/),
    });
  });

  it('answers 400 to a signed request without event or delivery headers', () => {
    expect(
      handleGitHubWebhook(settings, req('{}', { 'x-github-delivery': undefined })),
    ).toMatchObject({ outcome: 'rejected', status: 400 });
  });

  it('keeps a signed body that is not JSON as an unparseable event (dead-lettered later, not lost)', () => {
    const out = handleGitHubWebhook(settings, req('not json'));
    expect(out).toMatchObject({
      outcome: 'accepted',
      events: [{ kind: 'unparseable', deliveryKey: 'd1', externalId: null }],
    });
  });

  it('keeps a signed body that breaks the schema as unparseable with the reason', () => {
    const out = handleGitHubWebhook(settings, req(JSON.stringify({ ref: 'refs/heads/main' })));
    expect(out).toMatchObject({
      outcome: 'accepted',
      events: [
        {
          kind: 'unparseable',
          payload: { record: { reason: expect.stringMatching(/push: body does not match/) } },
        },
      ],
    });
  });

  it('accepts form-encoded deliveries (payload=<json>), signed over the raw form body', () => {
    const json = JSON.stringify({
      ref: 'refs/heads/main',
      before: 'a'.repeat(40),
      after: 'b'.repeat(40),
      repository: { id: 1, name: 'api', full_name: 'acme/api', owner: { login: 'acme' } },
      commits: [],
    });
    const out = handleGitHubWebhook(
      settings,
      req(`payload=${encodeURIComponent(json)}`, {
        'content-type': 'application/x-www-form-urlencoded',
      }),
    );
    expect(out).toMatchObject({
      outcome: 'accepted',
      events: [{ kind: 'push', externalId: `acme/api@${'b'.repeat(40)}` }],
    });
  });

  it('ignores branch deletions with a reason', () => {
    const json = JSON.stringify({
      ref: 'refs/heads/old',
      before: 'a'.repeat(40),
      after: '0'.repeat(40),
      deleted: true,
      repository: { id: 1, name: 'api', full_name: 'acme/api', owner: { login: 'acme' } },
    });
    expect(handleGitHubWebhook(settings, req(json))).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringMatching(/deleting/),
    });
  });
});

describe('GitHub poll cursor', () => {
  it('round-trips and refuses foreign cursors with a hint', () => {
    const c = encodeCursor({ 'acme/api': { at: '2026-03-01T10:00:00.000Z', id: 5 } });
    expect(decodeCursor(c, 'pull_request')).toEqual({
      'acme/api': { at: '2026-03-01T10:00:00.000Z', id: 5 },
    });
    expect(decodeCursor(null, 'pull_request')).toEqual({});
    expect(() => decodeCursor('2026-03-01', 'pull_request')).toThrow(
      /\[changebridge\/github\] stored cursor of stream "pull_request"/,
    );
  });
});
