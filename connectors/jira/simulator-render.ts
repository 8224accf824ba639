import { formatJiraTimestamp } from './time-zone.js';
import type {
  SimComment,
  SimHistory,
  SimIssue,
  SimRemoteLink,
  SimState,
  SimUser,
} from './simulator-state.js';

/**
 * JSON shapes as Jira Cloud REST v3 returns them (ids are strings, timestamps
 * `…+0000`, users by accountId). Field selection follows Jira: `*all`, `*navigable`,
 * a comma list, `-name` to exclude.
 */

export interface RenderContext {
  state: SimState;
  baseUrl: string;
  timeZone: string;
}

export function renderUser(ctx: RenderContext, accountId: string | null): unknown {
  if (accountId === null) return null;
  const u: SimUser | undefined = ctx.state.users.get(accountId);
  return {
    self: `${ctx.baseUrl}/rest/api/3/user?accountId=${accountId}`,
    accountId,
    accountType: 'atlassian',
    displayName: u?.displayName ?? accountId,
    active: true,
    timeZone: u?.timeZone ?? 'UTC',
  };
}

const ts = (ctx: RenderContext, ms: number): string =>
  formatJiraTimestamp(new Date(ms), ctx.timeZone);

export function renderComment(
  ctx: RenderContext,
  issue: SimIssue,
  c: SimComment,
  expand: string[] = [],
): Record<string, unknown> {
  return {
    ...(expand.includes('properties')
      ? { properties: Object.entries(c.properties).map(([key, value]) => ({ key, value })) }
      : {}),
    self: `${ctx.baseUrl}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
    id: c.id,
    author: renderUser(ctx, c.author),
    body: c.body,
    updateAuthor: renderUser(ctx, c.author),
    created: ts(ctx, c.created),
    updated: ts(ctx, c.updated),
    jsdPublic: true,
  };
}

export function renderHistory(ctx: RenderContext, h: SimHistory): Record<string, unknown> {
  // REST leaves out empty from/to (the spec types them as plain strings); webhooks send nulls.
  const items = h.items.map((i) =>
    Object.fromEntries(Object.entries(i).filter(([, v]) => v !== null)),
  );
  return { id: h.id, author: renderUser(ctx, h.author), created: ts(ctx, h.created), items };
}

export function renderRemoteLink(
  ctx: RenderContext,
  issue: SimIssue,
  l: SimRemoteLink,
): Record<string, unknown> {
  return {
    id: l.id,
    self: `${ctx.baseUrl}/rest/api/3/issue/${issue.key}/remotelink/${l.id}`,
    ...(l.globalId !== undefined ? { globalId: l.globalId } : {}),
    ...(l.application !== undefined ? { application: l.application } : {}),
    ...(l.relationship !== undefined ? { relationship: l.relationship } : {}),
    object: l.object,
  };
}

function allFields(ctx: RenderContext, issue: SimIssue): Record<string, unknown> {
  const { state, baseUrl } = ctx;
  const project = state.projects.get(issue.project)!;
  const status = state.statusOf(issue);
  const categoryIds = { new: 2, indeterminate: 4, done: 3 } as const;
  return {
    summary: issue.summary,
    description: issue.description,
    issuetype: {
      self: `${baseUrl}/rest/api/3/issuetype/1`,
      id: '1',
      name: issue.issueType,
      subtask: false,
    },
    project: {
      self: `${baseUrl}/rest/api/3/project/${project.id}`,
      id: project.id,
      key: project.key,
      name: project.name,
    },
    status: {
      self: `${baseUrl}/rest/api/3/status/${status.id}`,
      id: status.id,
      name: status.name,
      statusCategory: {
        self: `${baseUrl}/rest/api/3/statuscategory/${categoryIds[status.category]}`,
        id: categoryIds[status.category],
        key: status.category,
        name:
          status.category === 'new' ? 'To Do' : status.category === 'done' ? 'Done' : 'In Progress',
      },
    },
    labels: [...issue.labels],
    assignee: renderUser(ctx, issue.assignee),
    reporter: renderUser(ctx, issue.reporter),
    created: ts(ctx, issue.created),
    updated: ts(ctx, issue.updated),
    comment: {
      comments: issue.comments.map((c) => renderComment(ctx, issue, c)),
      maxResults: issue.comments.length,
      total: issue.comments.length,
      startAt: 0,
    },
    ...issue.customFields,
  };
}

export function selectFields(
  all: Record<string, unknown>,
  spec: string[] | null,
): Record<string, unknown> {
  if (spec === null) return {};
  const include = new Set<string>();
  const exclude = new Set<string>();
  let everything = false;
  for (const raw of spec) {
    const f = raw.trim();
    if (f === '*all' || f === '*navigable') everything = true;
    else if (f.startsWith('-')) exclude.add(f.slice(1));
    else if (f !== '' && f !== 'id' && f !== 'key') include.add(f);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    if ((everything || include.has(k)) && !exclude.has(k)) out[k] = v;
  }
  return out;
}

export const SEARCH_CHANGELOG_LIMIT = 20;

/** `fields: null` renders `{id}` only: the search/jql default. */
export function renderIssue(
  ctx: RenderContext,
  issue: SimIssue,
  fields: string[] | null,
  expand: string[],
  changelogLimit = Number.POSITIVE_INFINITY,
): Record<string, unknown> {
  const selected = selectFields(allFields(ctx, issue), fields);
  const out: Record<string, unknown> = { id: issue.id };
  if (fields !== null) {
    out.self = `${ctx.baseUrl}/rest/api/3/issue/${issue.id}`;
    out.key = issue.key;
    out.fields = selected;
  }
  if (expand.includes('changelog')) {
    const histories = issue.changelog.slice(0, changelogLimit).map((h) => renderHistory(ctx, h));
    out.changelog = {
      startAt: 0,
      maxResults: histories.length,
      total: issue.changelog.length,
      histories,
    };
  }
  return out;
}
