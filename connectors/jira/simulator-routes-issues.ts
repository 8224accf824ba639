import type { SearchOptions } from './simulator-search.js';
import {
  isRecord,
  notFoundIssue,
  route,
  SimHttpError,
  type Route,
  type SimRequest,
} from './simulator-http.js';
import { renderHistory, renderIssue, type RenderContext } from './simulator-render.js';
import type { SimChangeItem, SimIssue, SimState } from './simulator-state.js';
import { list, searchRoutes } from './simulator-routes-search.js';

/** Issue CRUD, transitions and changelog (Jira Cloud REST v3). */

export interface IssueRouteDeps {
  state: SimState;
  ctx: RenderContext;
  currentUser: (req: SimRequest) => string;
  /** How search treats JQL naming missing issues (default: 400, as Jira). */
  search?: SearchOptions;
}

export function issueRoutes(deps: IssueRouteDeps): Route[] {
  // Search lives in its own file; it shares these dependencies.
  const searches = searchRoutes(deps);
  const { state, ctx } = deps;
  const issueOr404 = (key: string | undefined): SimIssue => {
    const issue = key ? state.find(key) : undefined;
    if (!issue) throw notFoundIssue();
    return issue;
  };

  return [
    ...searches,
    route('GET', '/rest/api/3/issue/:key', (r) => {
      const issue = issueOr404(r.params.key);
      const fields = list(r.query.get('fields') ?? undefined) ?? ['*all'];
      return {
        status: 200,
        body: renderIssue(ctx, issue, fields, list(r.query.get('expand') ?? undefined) ?? []),
      };
    }),
    route('POST', '/rest/api/3/issue', (r) => {
      const b = isRecord(r.body) ? r.body : {};
      const f = isRecord(b.fields) ? b.fields : {};
      const errors: Record<string, string> = {};
      const projectRef = isRecord(f.project) ? f.project : {};
      const project = [...state.projects.values()].find(
        (p) => p.key === projectRef.key || p.id === projectRef.id,
      );
      if (!project) errors.project = 'Specify a valid project ID or key';
      const typeRef = isRecord(f.issuetype) ? f.issuetype : {};
      const issueType = project?.issueTypes.find(
        (t) => t === typeRef.name || (typeRef.id !== undefined && t === typeRef.id),
      );
      if (project && !issueType) errors.issuetype = 'Specify an issue type';
      if (typeof f.summary !== 'string' || f.summary.trim() === '')
        errors.summary = 'You must specify a summary of the issue.';
      if (f.description !== undefined && f.description !== null && !isAdfDoc(f.description)) {
        errors.description =
          'Operation value must be an Atlassian Document (see the Atlassian Document Format).';
      }
      if (Object.keys(errors).length > 0 || !project || !issueType)
        throw new SimHttpError(400, [], errors);
      const customFields = Object.fromEntries(
        Object.entries(f).filter(([k]) => k.startsWith('customfield_')),
      );
      const issue = state.createIssue(
        {
          project: project.key,
          issueType,
          summary: f.summary as string,
          description: f.description ?? null,
          labels: Array.isArray(f.labels) ? f.labels.map(String) : [],
          customFields,
        },
        deps.currentUser(r),
      );
      if (Array.isArray(b.properties)) {
        for (const p of b.properties)
          if (isRecord(p) && typeof p.key === 'string') issue.properties.set(p.key, p.value);
      }
      return {
        status: 201,
        body: { id: issue.id, key: issue.key, self: `${ctx.baseUrl}/rest/api/3/issue/${issue.id}` },
      };
    }),
    route('PUT', '/rest/api/3/issue/:key', (r) => {
      const issue = issueOr404(r.params.key);
      const b = isRecord(r.body) ? r.body : {};
      const fields = isRecord(b.fields) ? b.fields : {};
      const update = isRecord(b.update) ? b.update : {};
      const items: SimChangeItem[] = [];
      const ops: (() => void)[] = [];
      let labels = [...issue.labels];
      for (const [name, value] of Object.entries(fields)) {
        if (name === 'summary' && typeof value === 'string') {
          items.push(item('summary', issue.summary, value));
          ops.push(() => (issue.summary = value));
        } else if (name === 'labels' && Array.isArray(value)) {
          labels = value.map(String);
        } else if (name === 'description') {
          if (value !== null && !isAdfDoc(value)) {
            throw new SimHttpError(400, [], {
              description:
                'Operation value must be an Atlassian Document (see the Atlassian Document Format).',
            });
          }
          items.push(item('description', null, null));
          ops.push(() => (issue.description = value));
        } else if (name.startsWith('customfield_')) {
          items.push(item(name, stringOf(issue.customFields[name]), stringOf(value)));
          ops.push(() => (issue.customFields[name] = value));
        } else {
          throw new SimHttpError(400, [], {
            [name]: `Field '${name}' cannot be set. It is not on the appropriate screen, or unknown.`,
          });
        }
      }
      if (Array.isArray(update.labels)) {
        for (const op of update.labels) {
          if (!isRecord(op)) continue;
          if (typeof op.add === 'string' && !labels.includes(op.add)) labels.push(op.add);
          if (typeof op.remove === 'string') labels = labels.filter((l) => l !== op.remove);
          if (Array.isArray(op.set)) labels = op.set.map(String);
        }
      }
      for (const l of labels) {
        if (/\s/.test(l))
          throw new SimHttpError(400, [], { labels: 'The label must not contain spaces.' });
      }
      if (labels.join(' ') !== issue.labels.join(' ')) {
        items.push(item('labels', issue.labels.join(' '), labels.join(' ')));
        ops.push(() => (issue.labels = labels));
      }
      state.updateIssue(issue, items, () => ops.forEach((op) => op()), deps.currentUser(r));
      return { status: 204 };
    }),
    route('DELETE', '/rest/api/3/issue/:key', (r) => {
      state.deleteIssue(issueOr404(r.params.key), deps.currentUser(r));
      return { status: 204 };
    }),
    route('GET', '/rest/api/3/issue/:key/transitions', (r) => {
      const issue = issueOr404(r.params.key);
      const project = state.projects.get(issue.project)!;
      const transitions = project.transitions.map((t) => {
        const to = project.statuses.find((s) => s.id === t.to)!;
        return {
          id: t.id,
          name: t.name,
          to: {
            self: `${ctx.baseUrl}/rest/api/3/status/${to.id}`,
            id: to.id,
            name: to.name,
            statusCategory: { key: to.category },
          },
          hasScreen: false,
          isGlobal: true,
          isInitial: false,
          isAvailable: true,
          isConditional: false,
          isLooped: false,
        };
      });
      return { status: 200, body: { expand: 'transitions', transitions } };
    }),
    route('POST', '/rest/api/3/issue/:key/transitions', (r) => {
      const issue = issueOr404(r.params.key);
      const project = state.projects.get(issue.project)!;
      const b = isRecord(r.body) ? r.body : {};
      const t = isRecord(b.transition) ? b.transition : {};
      const transition = project.transitions.find((x) => x.id === String(t.id ?? ''));
      if (!transition)
        throw new SimHttpError(400, [
          `Transition id '${String(t.id ?? '')}' is not valid for this issue.`,
        ]);
      const from = state.statusOf(issue);
      const to = project.statuses.find((s) => s.id === transition.to)!;
      state.updateIssue(
        issue,
        [
          {
            field: 'status',
            fieldtype: 'jira',
            fieldId: 'status',
            from: from.id,
            fromString: from.name,
            to: to.id,
            toString: to.name,
          },
        ],
        () => (issue.status = to.id),
        deps.currentUser(r),
      );
      return { status: 204 };
    }),
    route('GET', '/rest/api/3/issue/:key/changelog', (r) => {
      const issue = issueOr404(r.params.key);
      const startAt = Number(r.query.get('startAt') ?? 0);
      const maxResults = Math.min(Number(r.query.get('maxResults') ?? 100), 100);
      const values = issue.changelog
        .slice(startAt, startAt + maxResults)
        .map((h) => renderHistory(ctx, h));
      const isLast = startAt + maxResults >= issue.changelog.length;
      const self = `${ctx.baseUrl}/rest/api/3/issue/${issue.key}/changelog`;
      return {
        status: 200,
        body: {
          self: `${self}?maxResults=${maxResults}&startAt=${startAt}`,
          ...(isLast
            ? {}
            : { nextPage: `${self}?maxResults=${maxResults}&startAt=${startAt + maxResults}` }),
          maxResults,
          startAt,
          total: issue.changelog.length,
          isLast,
          values,
        },
      };
    }),
  ];
}

function stringOf(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function item(field: string, from: string | null, to: string | null): SimChangeItem {
  return {
    field,
    fieldtype: field.startsWith('customfield_') ? 'custom' : 'jira',
    fieldId: field,
    from: null,
    fromString: from,
    to: null,
    toString: to,
  };
}

export function isAdfDoc(v: unknown): boolean {
  return isRecord(v) && v.type === 'doc' && v.version === 1 && Array.isArray(v.content);
}
