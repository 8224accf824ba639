import type { SourceEvent } from '../../src/model/index.js';
import { HttpError, UserError, type Clock } from '../../src/runtime/index.js';
import { withFullChangelog } from './changelog.js';
import type { JiraClient } from './client.js';
import { polledIssueEvent } from './events.js';
import { jqlList } from './jql.js';

/**
 * Reconciliation's fresh read (DESIGN §7): issues by key, as the poll reads them. Issue
 * events are keyed by issue key (events.ts), so the query is
 * `key IN ("OPS-1", …) ORDER BY id ASC` through the same enhanced search the poll uses
 * (`GET /rest/api/3/search/jql`, same `fields`, `expand=changelog`, the long changelog
 * paged the same way), 100 keys per request — Jira's page cap when fields are requested —
 * paging by `nextPageToken` should Jira return fewer. 100 quoted keys keep the URL near 2 KB.
 *
 * Jira validates the issues a query names: one deleted (or never created, or not visible)
 * key turns the whole search into a 400 "An issue with key 'OPS-9' does not exist for field
 * 'key'". Those keys are dropped — they are exactly the absent ones — and the search runs
 * again without them: one extra request per batch that names missing issues.
 *
 * A moved issue answers to its old key with its new key; it is reported under the new key
 * only, so the old key reads as absent (the link's key is stale either way).
 */

/** Keys per search: the page cap for searches that return fields. */
export const READ_MANY_CHUNK = 100;
export const READABLE_KINDS: readonly string[] = ['issue'];

const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-[1-9]\d*$/;
const MISSING = /issue with (?:key|id) '([^']+)' does not exist/gi;

export interface ReadManyDeps {
  client: JiraClient;
  connection: string;
  clock: Clock;
  /** The poll's fields (with `updated`). */
  fields: readonly string[];
}

export async function readManyIssues(
  deps: ReadManyDeps,
  kind: string,
  externalIds: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, SourceEvent>> {
  if (kind !== 'issue') {
    throw new UserError('jira', `readMany: "${kind}" is not a record kind this connector reads`, {
      hint: `ask for one of ${READABLE_KINDS.join(', ')}`,
    });
  }
  // Keys are case-insensitive in JQL and come back upper-case: answer in the caller's spelling.
  const asked = new Map<string, Set<string>>();
  for (const id of externalIds) {
    const key = id.toUpperCase();
    if (!ISSUE_KEY.test(key)) continue; // cannot exist; Jira would answer 400 "invalid key"
    asked.set(key, (asked.get(key) ?? new Set()).add(id));
  }
  const keys = [...asked.keys()];
  const out = new Map<string, SourceEvent>();
  for (let i = 0; i < keys.length; i += READ_MANY_CHUNK) {
    let chunk = keys.slice(i, i + READ_MANY_CHUNK);
    // Each retry drops at least one key, so this ends.
    while (chunk.length > 0) {
      signal?.throwIfAborted();
      const missing = await searchChunk(deps, chunk, asked, out, signal);
      if (missing === null) break;
      chunk = chunk.filter((k) => !missing.has(k));
    }
  }
  return out;
}

/** Reads one batch into `out`; returns the keys Jira says do not exist, or null when done. */
async function searchChunk(
  deps: ReadManyDeps,
  chunk: readonly string[],
  asked: ReadonlyMap<string, ReadonlySet<string>>,
  out: Map<string, SourceEvent>,
  signal?: AbortSignal,
): Promise<Set<string> | null> {
  const jql = `key IN ${jqlList(chunk)} ORDER BY id ASC`;
  let token: string | undefined;
  do {
    signal?.throwIfAborted();
    let res;
    try {
      res = await deps.client.searchJql({
        jql,
        maxResults: chunk.length,
        fields: [...deps.fields],
        expand: 'changelog',
        ...(token ? { nextPageToken: token } : {}),
      });
    } catch (error) {
      const missing = missingKeys(error, chunk);
      if (missing) return missing;
      throw error;
    }
    for (const raw of res.issues) {
      const spellings = asked.get(raw.key.toUpperCase());
      if (!spellings) continue;
      const issue = await withFullChangelog(deps.client, raw);
      const event = polledIssueEvent(deps.connection, issue, 'reconcile', deps.clock.now());
      for (const id of spellings) out.set(id, { ...event, externalId: id });
    }
    token = res.isLast === false && res.nextPageToken ? res.nextPageToken : undefined;
  } while (token);
  return null;
}

/** The keys of `chunk` a 400 names as not existing; null when the error is anything else. */
function missingKeys(error: unknown, chunk: readonly string[]): Set<string> | null {
  if (!(error instanceof HttpError) || error.status !== 400) return null;
  const body = error.body as { errorMessages?: unknown } | undefined;
  const messages = Array.isArray(body?.errorMessages) ? body.errorMessages : [];
  const text = [...messages.map(String), error.vendorMessage ?? ''].join('\n');
  const inChunk = new Set(chunk);
  const named = new Set(
    [...text.matchAll(MISSING)].map((m) => m[1]!.toUpperCase()).filter((k) => inChunk.has(k)),
  );
  return named.size > 0 ? named : null;
}
