import type { z } from 'zod';
import type {
  KeyPatterns,
  PollOptions,
  PollPage,
  PollStream,
  SourceEvent,
} from '../../src/model/index.js';
import { projectPath, type GitLabClient } from './client.js';
import { advance, decodeCursor, encodeCursor } from './cursor.js';
import { deploymentFromApi, mergeRequestFromApi } from './api-events.js';
import type { EventContext } from './events.js';
import { DEFAULT_LOOKBACK_MS, DEFAULT_OVERLAP_MS, type GitLabConnectorOptions } from './options.js';
import {
  apiDeployment,
  apiMergeRequest,
  type ApiDeployment,
  type ApiMergeRequest,
} from './schemas.js';

/**
 * Polling catches what webhooks missed (GitLab gives up on a failing hook after a few
 * tries). Both list endpoints accept `updated_after` only together with
 * `order_by=updated_at` (deployments reject it otherwise), sorted ascending so the cursor
 * can follow the page. Paging is by `X-Next-Page`; a row updated mid-scan jumps to the end
 * and may shift one row past a page edge, which the overlap window re-reads next pass.
 */

interface StreamSpec<S extends z.ZodType> {
  name: string;
  path: (project: string) => string;
  item: S;
  toEvent: (ctx: EventContext, project: string, record: z.infer<S>) => SourceEvent;
}

const mergeRequests: StreamSpec<typeof apiMergeRequest> = {
  name: 'merge_request',
  path: (p) => `${projectPath(p)}/merge_requests`,
  item: apiMergeRequest,
  toEvent: (ctx, project, mr: ApiMergeRequest) => mergeRequestFromApi(ctx, project, mr, 'poll'),
};

const deployments: StreamSpec<typeof apiDeployment> = {
  name: 'deployment',
  path: (p) => `${projectPath(p)}/deployments`,
  item: apiDeployment,
  toEvent: (ctx, project, d: ApiDeployment) => deploymentFromApi(ctx, project, d, 'poll', null),
};

export function createPollStreams(
  options: GitLabConnectorOptions,
  client: GitLabClient,
  now: () => Date,
): PollStream[] {
  return [stream(options, client, now, mergeRequests), stream(options, client, now, deployments)];
}

function stream<S extends z.ZodType>(
  options: GitLabConnectorOptions,
  client: GitLabClient,
  now: () => Date,
  spec: StreamSpec<S>,
): PollStream {
  const overlapMs = options.poll?.overlapMs ?? DEFAULT_OVERLAP_MS;
  const lookbackMs = options.poll?.initialLookbackMs ?? DEFAULT_LOOKBACK_MS;
  const perPage = Math.min(100, Math.max(1, options.poll?.perPage ?? 100));
  const keyPatterns: KeyPatterns | undefined = options.keyPatterns;
  return {
    name: spec.name,
    async *poll(cursorValue: string | null, opts: PollOptions): AsyncIterable<PollPage> {
      const cursor = decodeCursor(cursorValue, spec.name);
      for (const project of options.projects) {
        const pos = cursor.projects[project];
        const since = pos
          ? new Date(Date.parse(pos.at) - overlapMs)
          : new Date(opts.startedAt.getTime() - lookbackMs);
        const params = {
          updated_after: since.toISOString(),
          order_by: 'updated_at',
          sort: 'asc',
          per_page: perPage,
        };
        for await (const records of client.pages(
          spec.path(project),
          spec.item,
          params,
          opts.signal,
        )) {
          const ctx: EventContext = {
            connection: options.connection,
            receivedAt: now(),
            keyPatterns,
          };
          const events = records.map((r: z.infer<S>) => spec.toEvent(ctx, project, r));
          for (const r of records as { id: number; updated_at: string }[]) {
            cursor.projects[project] = advance(
              cursor.projects[project],
              r.updated_at,
              r.id,
              opts.startedAt,
            );
          }
          yield { events, nextCursor: encodeCursor(cursor) };
          if (opts.signal?.aborted) return;
        }
      }
    },
  };
}
