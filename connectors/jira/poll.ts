import type { PollOptions, PollPage, PollStream, SourceEvent } from '../../src/model/index.js';
import type { Clock, Logger } from '../../src/runtime/index.js';
import type { JiraClient } from './client.js';
import { compareCursor, decodeCursor, encodeCursor, type IssueCursor } from './cursor.js';
import { withFullChangelog } from './changelog.js';
import { polledIssueEvent } from './events.js';
import { buildIncrementalJql } from './jql.js';
import { parseJiraTimestamp } from './time-zone.js';

/**
 * The `issue` stream: enhanced search (`/rest/api/3/search/jql`) with
 * `updated >= "<minute>" ORDER BY updated ASC, id ASC` (DESIGN §5).
 *
 * - JQL dates have minute precision in the account's time zone, so the lower bound is
 *   the cursor minus the overlap, truncated to the minute; the inbox drops the re-reads
 *   by delivery key (issue id + `updated`).
 * - Paging by `nextPageToken` over a set sorted by `updated`: an issue edited while we
 *   page jumps to the end and everything behind it shifts one place forward, so the issue
 *   after the page boundary would be skipped ("sorting by updated makes issues jump
 *   pages", DevLake jira collector). We notice it when an issue we already read comes
 *   back with a newer `updated`, rewind the cursor to before the page where we first saw
 *   it, and search again from there.
 * - Search returns at most 20 changelog entries per issue: we page
 *   `/issue/{key}/changelog` for the rest.
 */

export interface IssueStreamOptions {
  connection: string;
  projects: readonly string[];
  issueTypes: readonly string[];
  fields: readonly string[];
  overlapSeconds: number;
  timeZone: string;
  pageSize: number;
  /** Where a stream without a cursor starts. */
  startFrom: Date;
  /** Searches restarted after paging drift before the pass gives up (the next pass resumes). */
  maxRestarts?: number;
}

export function createIssueStream(
  options: IssueStreamOptions,
  deps: { client: JiraClient; clock: Clock; logger: Logger },
): PollStream {
  const fields = [...new Set([...options.fields, 'updated'])];
  const maxRestarts = options.maxRestarts ?? 3;

  async function* poll(cursor: string | null, pollOptions: PollOptions): AsyncIterable<PollPage> {
    const signpost: IssueCursor = { updatedMs: pollOptions.startedAt.getTime(), id: '' };
    const clamp = (c: IssueCursor): IssueCursor => (compareCursor(c, signpost) > 0 ? signpost : c);
    let from: IssueCursor = cursor
      ? decodeCursor(cursor)
      : { updatedMs: options.startFrom.getTime(), id: '' };
    for (let restart = 0; ; restart++) {
      const jql = buildIncrementalJql({
        projects: options.projects,
        issueTypes: options.issueTypes,
        since: new Date(from.updatedMs - options.overlapSeconds * 1000),
        timeZone: options.timeZone,
      });
      // issue id → the cursor before the page that first returned it
      const firstSeen = new Map<string, { before: IssueCursor; updated: string }>();
      let max = from;
      let token: string | undefined;
      let rewindTo: IssueCursor | null = null;
      // A page asked for ahead may be left unread (a rewind, a stop): its failure, if any,
      // surfaces only where it is awaited, never as an unhandled rejection.
      const search = (nextPageToken?: string) => {
        const page = deps.client.searchJql({
          jql,
          maxResults: options.pageSize,
          fields,
          expand: 'changelog',
          ...(nextPageToken ? { nextPageToken } : {}),
        });
        page.catch(() => undefined);
        return page;
      };
      let next = search();
      do {
        if (pollOptions.signal?.aborted) return;
        const res = await next;
        token = res.isLast === false && res.nextPageToken ? res.nextPageToken : undefined;
        // The next page's token is known now: ask for that page at once, so Jira works on it
        // while this page is read (changelogs, events) and applied. Paging by token allows
        // one page in flight, no more.
        if (token) next = search(token);
        const before = max;
        const events: SourceEvent[] = [];
        for (const raw of res.issues) {
          const seen = firstSeen.get(raw.id);
          if (seen && seen.updated !== raw.fields.updated) {
            if (rewindTo === null || compareCursor(seen.before, rewindTo) < 0)
              rewindTo = seen.before;
          }
          if (!seen) firstSeen.set(raw.id, { before, updated: raw.fields.updated });
          const updated = parseJiraTimestamp(raw.fields.updated);
          if (!updated)
            throw new Error(
              `[changebridge/jira] issue ${raw.key} has an unreadable updated "${raw.fields.updated}"`,
            );
          const issue = await withFullChangelog(deps.client, raw);
          events.push(polledIssueEvent(options.connection, issue, 'poll', deps.clock.now()));
          const at: IssueCursor = { updatedMs: updated.getTime(), id: raw.id };
          if (compareCursor(at, max) > 0) max = at;
        }
        if (rewindTo) {
          deps.logger.info('jira.poll.drift', {
            connection: options.connection,
            restart: restart + 1,
          });
          yield { events, nextCursor: encodeCursor(clamp(rewindTo)) };
          break;
        }
        yield { events, nextCursor: encodeCursor(clamp(max)) };
      } while (token);
      if (!rewindTo) return;
      if (restart + 1 > maxRestarts) {
        deps.logger.warn('jira.poll.drift_persisted', {
          connection: options.connection,
          restarts: restart + 1,
        });
        return;
      }
      from = clamp(rewindTo);
    }
  }

  return { name: 'issue', poll };
}
