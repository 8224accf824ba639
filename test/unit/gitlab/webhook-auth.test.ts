import { handleGitLabWebhook } from '../../../connectors/gitlab/webhook.js';
import { deliveryKeyOf } from '../../../connectors/gitlab/webhook.js';
import { standardWebhookSignature } from '../../../connectors/gitlab/index.js';
import type { WebhookRequest } from '../../../src/model/index.js';
import {
  CHECK_SECRET,
  NOW,
  SIGNING,
  TOKEN,
  fixtureText,
  hookRequest,
  options,
  statusCheckRequest,
} from './support.js';

const mr = fixtureText('merge_request.json');
const signed = options({
  webhook: { tokens: [TOKEN], signingTokens: ['whsec_b2xkLXJvdGF0ZWQ=', SIGNING] },
});
const withHeaders = (
  req: WebhookRequest,
  headers: Record<string, string | undefined>,
): WebhookRequest => ({
  ...req,
  headers: { ...req.headers, ...headers },
});
const outcomeOf = (opts: ReturnType<typeof options>, req: WebhookRequest) =>
  handleGitLabWebhook(opts, req);

describe('GitLab webhook authentication', () => {
  it('accepts X-Gitlab-Token matching any configured token (rotation)', () => {
    expect(outcomeOf(options(), hookRequest('Merge Request Hook', mr)).outcome).toBe('accepted');
    expect(
      outcomeOf(options(), hookRequest('Merge Request Hook', mr, { token: 'old-token' })).outcome,
    ).toBe('accepted');
  });

  it.each([
    [
      'wrong token',
      (r: WebhookRequest) => withHeaders(r, { 'x-gitlab-token': 'guess' }),
      /does not match/,
    ],
    [
      'missing token',
      (r: WebhookRequest) => withHeaders(r, { 'x-gitlab-token': undefined }),
      /missing/,
    ],
    ['empty token', (r: WebhookRequest) => withHeaders(r, { 'x-gitlab-token': '' }), /missing/],
  ])('%s → 401', (_name, tamper, reason) => {
    const outcome = outcomeOf(options(), tamper(hookRequest('Merge Request Hook', mr)));
    expect(outcome).toEqual({
      outcome: 'rejected',
      status: 401,
      reason: expect.stringMatching(reason),
    });
  });

  it('refuses everything when no token is configured (fail closed)', () => {
    const outcome = outcomeOf(options({ webhook: {} }), hookRequest('Merge Request Hook', mr));
    expect(outcome).toMatchObject({ outcome: 'rejected', status: 401 });
  });

  describe('Standard-Webhooks signature', () => {
    const good = () => hookRequest('Merge Request Hook', mr, { signingToken: SIGNING });

    it('accepts a valid signature with the current or the previous key', () => {
      expect(outcomeOf(signed, good()).outcome).toBe('accepted');
      const old = hookRequest('Merge Request Hook', mr, { signingToken: 'whsec_b2xkLXJvdGF0ZWQ=' });
      expect(outcomeOf(signed, old).outcome).toBe('accepted');
    });

    it('accepts a header listing several signatures when one matches', () => {
      const req = good();
      const sig = req.headers['webhook-signature']!;
      expect(
        outcomeOf(signed, withHeaders(req, { 'webhook-signature': `v1,AAAA ${sig}` })).outcome,
      ).toBe('accepted');
    });

    it.each([
      [
        'forged signature',
        (r: WebhookRequest) =>
          withHeaders(r, { 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` }),
      ],
      [
        'altered body',
        (r: WebhookRequest) => ({
          ...r,
          rawBody: Buffer.from(mr.replace('MS-Viewport', 'CHG0000001')),
        }),
      ],
      ['altered webhook-id', (r: WebhookRequest) => withHeaders(r, { 'webhook-id': 'msg_other' })],
      [
        'missing signature',
        (r: WebhookRequest) => withHeaders(r, { 'webhook-signature': undefined }),
      ],
      [
        'missing timestamp',
        (r: WebhookRequest) => withHeaders(r, { 'webhook-timestamp': undefined }),
      ],
      [
        'non-numeric timestamp',
        (r: WebhookRequest) => withHeaders(r, { 'webhook-timestamp': '2026-03-02T10:00:00Z' }),
      ],
      [
        'wrong scheme',
        (r: WebhookRequest) =>
          withHeaders(r, {
            'webhook-signature': r.headers['webhook-signature']!.replace('v1,', 'v1a,'),
          }),
      ],
      [
        'valid signature but wrong plain token',
        (r: WebhookRequest) => withHeaders(r, { 'x-gitlab-token': 'nope' }),
      ],
    ])('%s → 401', (_name, tamper) => {
      expect(outcomeOf(signed, tamper(good()))).toMatchObject({ outcome: 'rejected', status: 401 });
    });

    it.each([
      ['6 minutes old', -6 * 60_000],
      ['6 minutes in the future', 6 * 60_000],
    ])('a correctly signed but stale timestamp (%s) → 401', (_name, shift) => {
      const req = hookRequest('Merge Request Hook', mr, {
        signingToken: SIGNING,
        now: new Date(NOW.getTime() + shift),
      });
      expect(outcomeOf(signed, req)).toEqual({
        outcome: 'rejected',
        status: 401,
        reason: expect.stringMatching(/window/),
      });
    });

    it('4 minutes of skew is inside the ±5 minute window', () => {
      const req = hookRequest('Merge Request Hook', mr, {
        signingToken: SIGNING,
        now: new Date(NOW.getTime() - 4 * 60_000),
      });
      expect(outcomeOf(signed, req).outcome).toBe('accepted');
    });

    it('signs "id.timestamp.body" with the base64-decoded whsec_ key (spec test vector)', () => {
      // Test vector from the Standard Webhooks spec (standard-webhooks/standard-webhooks, README).
      const sig = standardWebhookSignature(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        '1614265330',
        Buffer.from('{"test": 2432232314}'),
      );
      expect(sig).toBe('g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    });
  });

  describe('external status check requests (X-GitLab-Signature)', () => {
    const body = fixtureText('external_status_check.json');
    it('accepts the hex HMAC of the body', () => {
      expect(outcomeOf(options(), statusCheckRequest(body)).outcome).toBe('accepted');
    });
    it.each([
      ['wrong secret', statusCheckRequest(body, 'other-secret')],
      ['missing signature', statusCheckRequest(body, null)],
      [
        'altered body',
        { ...statusCheckRequest(body), rawBody: Buffer.from(body.replace('"QA"', '"Q"')) },
      ],
    ])('%s → 401', (_name, req) => {
      expect(outcomeOf(options(), req)).toMatchObject({ outcome: 'rejected', status: 401 });
    });
    it('is refused when no status check secret is configured', () => {
      const opts = options({ webhook: { tokens: [TOKEN] } });
      expect(outcomeOf(opts, statusCheckRequest(body, CHECK_SECRET))).toMatchObject({
        outcome: 'rejected',
        status: 401,
      });
    });
  });
});

describe('delivery keys', () => {
  it('prefers Idempotency-Key, then X-Gitlab-Event-UUID, then webhook-id, then the body hash', () => {
    const body = Buffer.from('{}');
    expect(deliveryKeyOf({ 'idempotency-key': 'a', 'x-gitlab-event-uuid': 'b' }, body)).toBe(
      'idempotency:a',
    );
    expect(deliveryKeyOf({ 'x-gitlab-event-uuid': 'b', 'webhook-id': 'c' }, body)).toBe('event:b');
    expect(deliveryKeyOf({ 'webhook-id': 'c' }, body)).toBe('webhook:c');
    expect(deliveryKeyOf({}, body)).toMatch(/^body:[0-9a-f]{64}$/);
  });
});
