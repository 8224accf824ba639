import { createRequire } from 'node:module';
import { parseGitHubEvent } from '../../../connectors/github/events.js';
import { handleGitHubWebhook } from '../../../connectors/github/webhook.js';
import { hmacSha256 } from '../../../src/runtime/index.js';

/**
 * Every real payload in @octokit/webhooks-examples for the events changebridge uses
 * parses into a source event or a reasoned ignore: no throw, no undefined in the fields
 * the canonical model requires.
 */
interface ExampleSet {
  name: string;
  examples: Record<string, unknown>[];
}
const require = createRequire(import.meta.url);
const all = require('@octokit/webhooks-examples/api.github.com/index.json') as ExampleSet[];
const EVENTS = ['pull_request', 'pull_request_review', 'push', 'deployment', 'deployment_status'];
const cases = all
  .filter((s) => EVENTS.includes(s.name))
  .flatMap((s) =>
    s.examples.map(
      (body, i) => [`${s.name} #${i} ${String(body.action ?? '')}`, s.name, body] as const,
    ),
  );

const REQUIRED: Record<string, string[]> = {
  pull_request: [
    'repo',
    'number',
    'title',
    'headSha',
    'headBranch',
    'targetBranch',
    'updatedAt',
    'url',
    'state',
  ],
  push: ['repo', 'ref', 'before', 'after'],
  deployment: ['repo', 'id', 'sha', 'ref', 'environment', 'status', 'createdAt', 'updatedAt'],
};

describe('GitHub webhook examples (@octokit/webhooks-examples)', () => {
  it('covers every event changebridge subscribes to', () => {
    expect(new Set(cases.map((c) => c[1]))).toEqual(new Set(EVENTS));
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s → source event or reasoned ignore', (_label, name, body) => {
    const parsed = parseGitHubEvent(name, body);
    expect(parsed.outcome).not.toBe('invalid');
    if (parsed.outcome === 'ignored') {
      expect(parsed.reason).toMatch(new RegExp(name));
      return;
    }
    if (parsed.outcome !== 'event') throw new Error(JSON.stringify(parsed));
    expect(parsed.externalId).toMatch(/^[^/]+\/[^/#@]+[#@/]/);
    const record = (
      parsed.kind === 'pull_request_review'
        ? (parsed.record as { pullRequest: unknown }).pullRequest
        : parsed.record
    ) as Record<string, unknown>;
    for (const field of REQUIRED[
      parsed.kind === 'pull_request_review' ? 'pull_request' : parsed.kind
    ] ?? []) {
      expect(record[field]).toBeDefined();
    }
    if (parsed.kind === 'pull_request_review') {
      const review = (parsed.record as { review: { verdict: string } }).review;
      expect(['approved', 'changes_requested', 'commented', 'dismissed']).toContain(review.verdict);
    }
  });

  it('a merged close names who merged', () => {
    const closed = cases.filter(([, n, b]) => n === 'pull_request' && b.action === 'closed');
    expect(closed.length).toBeGreaterThan(0);
    for (const [, name, body] of closed) {
      const parsed = parseGitHubEvent(name, body);
      if (parsed.outcome !== 'event') throw new Error('expected an event');
      const r = parsed.record as {
        merged: boolean;
        mergedBy: string | null;
        mergeSha: string | null;
      };
      if (r.merged) expect(r.mergedBy).toEqual(expect.any(String));
      else expect(r.mergeSha).toBeNull();
    }
  });

  it('goes through the signed webhook path with the same result', () => {
    const [, name, body] = cases[0]!;
    const raw = Buffer.from(JSON.stringify(body));
    const out = handleGitHubWebhook(
      { connection: 'gh', secrets: ['s3cret'], maxBodyBytes: 1 << 20 },
      {
        headers: {
          'x-github-event': name,
          'x-github-delivery': 'd-1',
          'x-hub-signature-256': `sha256=${hmacSha256('s3cret', raw, 'hex')}`,
        },
        rawBody: raw,
        receivedAt: new Date('2026-03-01T10:00:00Z'),
      },
    );
    expect(['accepted', 'ignored']).toContain(out.outcome);
    if (out.outcome === 'accepted')
      expect(out.events[0]).toMatchObject({ source: 'github:gh', deliveryKey: 'd-1' });
  });

  it('ignores other events and uninteresting actions with a reason', () => {
    expect(parseGitHubEvent('issues', { action: 'opened' })).toEqual({
      outcome: 'ignored',
      reason: expect.stringMatching(/issues/),
    });
    expect(parseGitHubEvent('ping', { zen: 'x' })).toMatchObject({ outcome: 'ignored' });
    expect(parseGitHubEvent('pull_request', { action: 'labeled' })).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringMatching(/labeled/),
    });
  });

  it('reports a body that breaks the schema as invalid instead of throwing', () => {
    expect(
      parseGitHubEvent('pull_request', { action: 'opened', pull_request: { id: 'x' } }),
    ).toMatchObject({ outcome: 'invalid' });
    expect(parseGitHubEvent('push', null)).toMatchObject({ outcome: 'invalid' });
  });
});
