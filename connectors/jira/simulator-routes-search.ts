import { createHash } from 'node:crypto';
import { JqlError } from './simulator-jql.js';
import { search } from './simulator-search.js';
import { isRecord, route, SimHttpError, type Route } from './simulator-http.js';
import { renderIssue, SEARCH_CHANGELOG_LIMIT } from './simulator-render.js';
import type { SimIssue } from './simulator-state.js';
import type { IssueRouteDeps } from './simulator-routes-issues.js';

/** The enhanced search (`/rest/api/3/search/jql`, GET and POST) and the removed old search. */

export const list = (v: unknown): string[] | null => {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.map(String).flatMap((s) => s.split(','));
  return String(v).split(',');
};

interface PageToken {
  q: string;
  offset: number;
}

const jqlHash = (jql: string): string =>
  createHash('sha256').update(jql).digest('hex').slice(0, 16);

function decodeToken(token: string, jql: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PageToken;
    if (parsed.q === jqlHash(jql) && Number.isInteger(parsed.offset) && parsed.offset >= 0)
      return parsed.offset;
  } catch {
    // fall through
  }
  throw new SimHttpError(400, ['The provided next page token is invalid or expired.']);
}

export function searchRoutes(deps: IssueRouteDeps): Route[] {
  const { state, ctx } = deps;
  // The same JQL over unchanged issues (in the same minute, for relative dates) gives the
  // same result: paging through 50,000 issues must not re-evaluate it 500 times.
  let memo: { jql: string; version: number; minute: number; hits: SimIssue[] } | null = null;
  const runSearchMemo = (jql: string): SimIssue[] => {
    const minute = Math.floor(state.nowMs() / 60_000);
    if (memo && memo.jql === jql && memo.version === state.version && memo.minute === minute)
      return memo.hits;
    const hits = search(state, jql, ctx.timeZone, deps.search);
    memo = { jql, version: state.version, minute, hits };
    return hits;
  };
  const runSearch = (input: {
    jql: unknown;
    nextPageToken: unknown;
    maxResults: unknown;
    fields: unknown;
    expand: unknown;
  }) => {
    const jql = typeof input.jql === 'string' ? input.jql : '';
    let hits: SimIssue[];
    try {
      hits = runSearchMemo(jql);
    } catch (e) {
      if (e instanceof JqlError)
        throw new SimHttpError(400, [`Error in the JQL Query: ${e.message}`]);
      throw e;
    }
    const fields = list(input.fields);
    const expand = list(input.expand) ?? [];
    const onlyIds = fields === null || fields.every((f) => f === 'id' || f === 'key');
    // Jira caps pages at 100 issues when fields are requested (5000 for ids only).
    const cap = onlyIds ? 5000 : 100;
    const requested = input.maxResults === undefined ? 50 : Number(input.maxResults);
    if (!Number.isInteger(requested) || requested < 0) {
      throw new SimHttpError(400, [`'maxResults' must be a non-negative integer.`]);
    }
    const size = Math.min(requested, cap);
    // The token is a position in the re-evaluated result: issues edited while a client
    // pages move to the end, and everything behind them shifts (the hard case, on purpose).
    const offset =
      typeof input.nextPageToken === 'string' ? decodeToken(input.nextPageToken, jql) : 0;
    const page = hits.slice(offset, offset + size);
    const isLast = offset + size >= hits.length;
    return {
      status: 200,
      body: {
        issues: page.map((i) => renderIssue(ctx, i, fields, expand, SEARCH_CHANGELOG_LIMIT)),
        ...(isLast
          ? {}
          : {
              nextPageToken: Buffer.from(
                JSON.stringify({ q: jqlHash(jql), offset: offset + size }),
              ).toString('base64url'),
            }),
        isLast,
      },
    };
  };

  return [
    route('GET', '/rest/api/3/search/jql', (r) =>
      runSearch({
        jql: r.query.get('jql') ?? undefined,
        nextPageToken: r.query.get('nextPageToken') ?? undefined,
        maxResults: r.query.get('maxResults') ?? undefined,
        fields: r.query.get('fields') ?? undefined,
        expand: r.query.get('expand') ?? undefined,
      }),
    ),
    route('POST', '/rest/api/3/search/jql', (r) => {
      if (!isRecord(r.body)) throw new SimHttpError(400, ['Request body is missing.']);
      return runSearch({
        jql: r.body.jql,
        nextPageToken: r.body.nextPageToken,
        maxResults: r.body.maxResults,
        fields: r.body.fields,
        expand: r.body.expand,
      });
    }),
    // The old search endpoint was removed from Jira Cloud (CHANGE-2046).
    route('GET', '/rest/api/3/search', () => {
      throw new SimHttpError(410, [
        'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.',
      ]);
    }),
    route('POST', '/rest/api/3/search', () => {
      throw new SimHttpError(410, [
        'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.',
      ]);
    }),
  ];
}
