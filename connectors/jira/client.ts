import { Version3Client, type Version3Parameters } from 'jira.js';

type AddCommentParams = Version3Parameters.AddComment;
type EditIssueParams = Version3Parameters.EditIssue;
type CreateIssueParams = Version3Parameters.CreateIssue;
import type { z } from 'zod';
import {
  HttpError,
  summariseVendorErrorBody,
  type HttpClientFactory,
} from '../../src/runtime/index.js';
import {
  changelogPageSchema,
  commentPageSchema,
  createdIssueSchema,
  issueSchema,
  propertySchema,
  remoteLinkSchema,
  searchResponseSchema,
  transitionsSchema,
} from './schemas.js';

/**
 * jira.js 5 (`Version3Client`) behind a small typed surface. Every request goes through
 * the shared per-host queue and retry layer via `factory.axiosAdapter()` (429
 * Retry-After, X-RateLimit-Reset, 5xx); every answer is checked with zod; a failure
 * becomes an HttpError carrying Jira's `errorMessages`/`errors` and no credentials.
 */

export type JiraAuth =
  { type: 'basic'; email: string; apiToken: string } | { type: 'oauth'; accessToken: string };

export interface JiraClientOptions {
  baseUrl: string;
  auth: JiraAuth;
}

export type JiraClient = ReturnType<typeof createJiraClient>;

export function createJiraClient(options: JiraClientOptions, http: HttpClientFactory) {
  const adapter = http.axiosAdapter();
  // With `host` set and only an access token, jira.js sends `Authorization: Bearer <token>`
  // to that host (no cloudId lookup, no refresh): the OAuth 2.0 (3LO) site-URL form.
  const sdk =
    options.auth.type === 'basic'
      ? new Version3Client({
          host: options.baseUrl,
          authentication: { basic: { email: options.auth.email, apiToken: options.auth.apiToken } },
          baseRequestConfig: { adapter },
        })
      : new Version3Client({
          host: options.baseUrl,
          authentication: { oauth2: { accessToken: options.auth.accessToken } },
          baseRequestConfig: { adapter },
        });

  /** Runs one SDK call; turns jira.js's HttpException into our HttpError. */
  async function call<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    fn: () => Promise<unknown>,
  ): Promise<z.infer<S>> {
    let data: unknown;
    try {
      data = await fn();
    } catch (error) {
      throw toHttpError(error, method, `${options.baseUrl}${path}`);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new HttpError({
        method,
        url: `${options.baseUrl}${path}`,
        status: 200,
        vendorMessage: `[changebridge/jira] unexpected response shape: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? '?'}`,
      });
    }
    return parsed.data;
  }

  async function noContent(
    method: string,
    path: string,
    fn: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await fn();
    } catch (error) {
      throw toHttpError(error, method, `${options.baseUrl}${path}`);
    }
  }

  const issuePath = (key: string) => `/rest/api/3/issue/${encodeURIComponent(key)}`;

  return {
    // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
    searchJql: (p: {
      jql: string;
      nextPageToken?: string;
      maxResults: number;
      fields: string[];
      expand?: string;
    }) =>
      call('GET', '/rest/api/3/search/jql', searchResponseSchema, () =>
        sdk.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
          jql: p.jql,
          maxResults: p.maxResults,
          fields: p.fields,
          ...(p.nextPageToken ? { nextPageToken: p.nextPageToken } : {}),
          ...(p.expand ? { expand: p.expand } : {}),
        }),
      ),
    getChangelog: (key: string, startAt: number, maxResults: number) =>
      call('GET', `${issuePath(key)}/changelog`, changelogPageSchema, () =>
        sdk.issues.getChangeLogs({ issueIdOrKey: key, startAt, maxResults }),
      ),
    getTransitions: (key: string) =>
      call('GET', `${issuePath(key)}/transitions`, transitionsSchema, () =>
        sdk.issues.getTransitions({ issueIdOrKey: key }),
      ),
    doTransition: (key: string, transitionId: string) =>
      noContent('POST', `${issuePath(key)}/transitions`, () =>
        sdk.issues.doTransition({ issueIdOrKey: key, transition: { id: transitionId } }),
      ),
    /** Comments with their entity properties (where our hidden marker lives). */
    getComments: (key: string, startAt: number) =>
      call('GET', `${issuePath(key)}/comment`, commentPageSchema, () =>
        sdk.issueComments.getComments({
          issueIdOrKey: key,
          startAt,
          maxResults: 100,
          expand: 'properties',
        }),
      ),
    addComment: (key: string, body: unknown, properties: { key: string; value: unknown }[]) =>
      noContent('POST', `${issuePath(key)}/comment`, () =>
        sdk.issueComments.addComment({
          issueIdOrKey: key,
          // jira.js types ADF and entity properties as its own closed classes; ours are plain JSON.
          comment: body as AddCommentParams['comment'],
          properties: properties as AddCommentParams['properties'],
        }),
      ),
    getProperty: async (key: string, propertyKey: string): Promise<unknown> => {
      try {
        const p = await call(
          'GET',
          `${issuePath(key)}/properties/${propertyKey}`,
          propertySchema,
          () => sdk.issueProperties.getIssueProperty({ issueIdOrKey: key, propertyKey }),
        );
        return p.value;
      } catch (e) {
        if (e instanceof HttpError && e.status === 404) return undefined;
        throw e;
      }
    },
    setProperty: (key: string, propertyKey: string, value: unknown) =>
      noContent('PUT', `${issuePath(key)}/properties/${propertyKey}`, () =>
        sdk.issueProperties.setIssueProperty({
          issueIdOrKey: key,
          propertyKey,
          propertyValue: value,
        }),
      ),
    getRemoteLinks: (key: string) =>
      call('GET', `${issuePath(key)}/remotelink`, remoteLinkSchema.array(), () =>
        sdk.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: key }),
      ),
    upsertRemoteLink: (
      key: string,
      link: {
        globalId: string;
        relationship?: string;
        object: { url: string; title: string; summary?: string };
      },
    ) =>
      noContent('POST', `${issuePath(key)}/remotelink`, () =>
        sdk.issueRemoteLinks.createOrUpdateRemoteIssueLink({ issueIdOrKey: key, ...link }),
      ),
    getIssue: async (key: string, fields: string[], expand?: string) => {
      try {
        return await call('GET', issuePath(key), issueSchema, () =>
          sdk.issues.getIssue({ issueIdOrKey: key, fields, ...(expand ? { expand } : {}) }),
        );
      } catch (e) {
        if (e instanceof HttpError && e.status === 404) return null;
        throw e;
      }
    },
    editIssue: (
      key: string,
      edit: { fields?: Record<string, unknown>; update?: Record<string, unknown> },
    ) =>
      noContent('PUT', issuePath(key), () =>
        // jira.js's field types are a closed set; custom fields are not in it.
        sdk.issues.editIssue({
          issueIdOrKey: key,
          ...(edit as Omit<EditIssueParams, 'issueIdOrKey'>),
        }),
      ),
    createIssue: (
      fields: Record<string, unknown>,
      properties?: { key: string; value: unknown }[],
    ) =>
      call('POST', '/rest/api/3/issue', createdIssueSchema, () =>
        // See editIssue: custom fields are outside jira.js's field types.
        sdk.issues.createIssue({
          fields: fields as unknown as CreateIssueParams['fields'],
          ...(properties ? { properties: properties as CreateIssueParams['properties'] } : {}),
        }),
      ),
  };
}

/** jira.js's HttpException keeps the axios error (with our Authorization header) in `cause`: drop it. */
export function toHttpError(error: unknown, method: string, url: string): unknown {
  if (error instanceof HttpError) return error;
  if (typeof error !== 'object' || error === null) return error;
  const e = error as { status?: unknown; response?: unknown; code?: unknown; message?: unknown };
  const response =
    typeof e.response === 'object' && e.response !== null
      ? (e.response as Record<string, unknown>)
      : {};
  const status =
    typeof e.status === 'number'
      ? e.status
      : typeof response.status === 'number'
        ? response.status
        : undefined;
  const body = response.data;
  if (status === undefined && typeof e.code !== 'string') return error;
  return new HttpError({
    method,
    url,
    status,
    ...(status === undefined ? { code: String(e.code) } : {}),
    vendorMessage:
      summariseVendorErrorBody(body) ?? (typeof e.message === 'string' ? e.message : undefined),
    body,
  });
}
