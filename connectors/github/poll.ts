import type { PollOptions, PollPage, PollStream, SourceEvent } from '../../src/model/index.js';
import type { GitHubApi } from './client.js';
import { compareStamp, decodeCursor, encodeCursor, type RepoCursors } from './cursor.js';
import type { KeyPatterns } from '../../src/model/index.js';
import { deploymentEvent, pullRequestEvent, type ApiEventContext } from './record-events.js';

/**
 * Polling catches what webhooks missed: GitHub never redelivers by itself (API-NOTES).
 * Neither list endpoint takes `since`, so each repository is read newest-first until
 * records are older than the cursor (minus an overlap), then emitted oldest-first in pages
 * whose cursor never passes the run's start (the signpost). Overlap duplicates are dropped
 * by the inbox's unique delivery key.
 */
export interface PollSettings {
  connection: string;
  repositories: readonly string[];
  overlapMs: number;
  initialLookbackMs: number;
  deploymentLookbackMs: number;
  keyPatterns?: KeyPatterns;
  pageSize: number;
}

interface Item {
  at: string;
  id: number;
  event: SourceEvent;
}

export function createPollStreams(api: GitHubApi, s: PollSettings): PollStream[] {
  const ctx = (receivedAt: Date): ApiEventContext => ({
    connection: s.connection,
    keyPatterns: s.keyPatterns,
    receivedAt,
    event: 'poll',
  });

  const pulls = async (repo: string, since: number, now: Date): Promise<Item[]> => {
    const items: Item[] = [];
    for (let page = 1; ; page++) {
      const res = await api.listPulls(repo, page, 'desc');
      let older = false;
      for (const pr of res.items) {
        if (Date.parse(pr.updated_at) < since) {
          older = true;
          continue;
        }
        const event = await pullRequestEvent(api, ctx(now), repo, pr);
        items.push({ at: pr.updated_at, id: pr.id, event });
      }
      if (older || !res.hasNext) return items;
    }
  };

  const deployments = async (repo: string, since: number, now: Date): Promise<Item[]> => {
    const items: Item[] = [];
    const oldestCreated = since - s.deploymentLookbackMs;
    for (let page = 1; ; page++) {
      const res = await api.listDeployments(repo, page);
      let older = false;
      for (const d of res.items) {
        if (Date.parse(d.created_at) < oldestCreated) {
          older = true;
          continue;
        }
        // A new status bumps the deployment's updated_at; untouched ones cost no extra call.
        if (Date.parse(d.updated_at) < since) continue;
        const event = await deploymentEvent(api, ctx(now), repo, d);
        items.push({ at: d.updated_at, id: d.id, event });
      }
      if (older || !res.hasNext) return items;
    }
  };

  const stream = (
    name: string,
    read: (repo: string, since: number, now: Date) => Promise<Item[]>,
  ): PollStream => ({
    name,
    async *poll(cursor: string | null, options: PollOptions): AsyncIterable<PollPage> {
      const repos: RepoCursors = { ...decodeCursor(cursor, name) };
      const signpost = options.startedAt.getTime();
      for (const repo of s.repositories) {
        if (options.signal?.aborted) return;
        const from = repos[repo];
        const since = from ? Date.parse(from.at) - s.overlapMs : signpost - s.initialLookbackMs;
        const items = (await read(repo, since, options.startedAt)).sort(compareStamp);
        for (let i = 0; i < items.length; i += s.pageSize) {
          const chunk = items.slice(i, i + s.pageSize);
          const last = chunk[chunk.length - 1]!;
          // Never past the run's start: a record updated during the run is read again next time.
          repos[repo] =
            Date.parse(last.at) > signpost
              ? { at: options.startedAt.toISOString(), id: 0 }
              : { at: new Date(Date.parse(last.at)).toISOString(), id: last.id };
          yield { events: chunk.map((c) => c.event), nextCursor: encodeCursor(repos) };
        }
      }
    },
  });

  return [stream('pull_request', pulls), stream('deployment', deployments)];
}
