import { createPollStreams } from '../../../connectors/github/poll.js';
import type { GitHubApi, Page } from '../../../connectors/github/client.js';
import type { Deployment, PullRequest } from '../../../connectors/github/schemas.js';
import {
  deploymentSchema,
  deploymentStatusSchema,
  pullRequestSchema,
} from '../../../connectors/github/schemas.js';
import { handleGitHubWebhook } from '../../../connectors/github/webhook.js';
import { parseGitLabHook } from '../../../connectors/gitlab/webhook-parse.js';
import type { SourceEvent } from '../../../src/model/index.js';
import { hmacSha256 } from '../../../src/runtime/index.js';
import { plain, shippedMappings } from './helpers.js';

/**
 * Vendor JSON → the SourceEvent the processor maps, built by the connectors' own code, so
 * the mapping tests map exactly what src/sync/apply-event.ts maps (`event.payload`).
 */

export const RECEIVED_AT = new Date('2026-03-01T10:00:00Z');
const SECRET = 'mapping-test-secret';

function only(events: readonly SourceEvent[] | undefined, what: string): SourceEvent {
  if (events?.length !== 1) throw new Error(`${what}: expected one source event`);
  return events[0]!;
}

/** A webhook body through the GitHub connector's request handler (signed, as GitHub sends). */
export function githubWebhookEvent(event: string, body: unknown, delivery = 'd-1'): SourceEvent {
  const rawBody = Buffer.from(JSON.stringify(body));
  const out = handleGitHubWebhook(
    { connection: 'gh', secrets: [SECRET], maxBodyBytes: 25 * 1024 * 1024 },
    {
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': delivery,
        'x-hub-signature-256': `sha256=${hmacSha256(SECRET, rawBody, 'hex')}`,
      },
      rawBody,
      receivedAt: RECEIVED_AT,
    },
  );
  if (out.outcome !== 'accepted') throw new Error(`github ${event}: ${JSON.stringify(out)}`);
  return only(out.events, `github ${event}`);
}

/** A hook body through the GitLab connector's parser (authentication is tested elsewhere). */
export function gitlabHookEvent(hookEvent: string, body: unknown): SourceEvent {
  const out = parseGitLabHook(
    { connection: 'gl', receivedAt: RECEIVED_AT },
    { hookEvent, body, deliveryKey: 'event:1', projects: [] },
  );
  if (out.outcome !== 'accepted') throw new Error(`gitlab ${hookEvent}: ${JSON.stringify(out)}`);
  return only(out.events, `gitlab ${hookEvent}`);
}

/** REST objects the hand-written GitHub API below answers with (one repository). */
export interface GitHubApiRecords {
  pulls?: unknown[];
  deployments?: { deployment: unknown; statuses: unknown[] }[];
}

/**
 * What the GitHub poll streams emit for these REST objects: createPollStreams over a fake
 * API serving them, validated with the client's schemas as the real client does.
 */
export async function githubPolledEvents(
  repo: string,
  records: GitHubApiRecords,
): Promise<SourceEvent[]> {
  const page = <T>(items: T[]): Page<T> => ({ items, hasNext: false });
  const deployments = (records.deployments ?? []).map((d) => ({
    deployment: deploymentSchema.parse(d.deployment),
    statuses: d.statuses.map((s) => deploymentStatusSchema.parse(s)),
  }));
  const api = {
    listPulls: async (): Promise<Page<PullRequest>> =>
      page((records.pulls ?? []).map((p) => pullRequestSchema.parse(p))),
    listReviews: async () => page([]),
    listDeployments: async (): Promise<Page<Deployment>> =>
      page(deployments.map((d) => d.deployment)),
    listDeploymentStatuses: async (_repo: string, id: number) =>
      page(deployments.find((d) => d.deployment.id === id)?.statuses ?? []),
  };
  // createPollStreams reads only the four list calls above.
  const streams = createPollStreams(api as unknown as GitHubApi, {
    connection: 'gh',
    repositories: [repo],
    overlapMs: 0,
    // Far enough back for any fixture's timestamps.
    initialLookbackMs: RECEIVED_AT.getTime(),
    deploymentLookbackMs: 0,
    pageSize: 100,
  });
  const events: SourceEvent[] = [];
  for (const stream of streams) {
    for await (const p of stream.poll(null, { startedAt: RECEIVED_AT })) events.push(...p.events);
  }
  return events;
}

/** Maps a source event's payload with the shipped mapping for its system and kind. */
export function mapEvent(event: SourceEvent): { patch: unknown; issues: unknown[] } {
  const mapping = shippedMappings().get(event.system, event.kind);
  if (!mapping) throw new Error(`no shipped mapping for ${event.system}.${event.kind}`);
  const { patch, issues } = mapping.map(event.payload);
  return { patch: plain(patch), issues };
}
