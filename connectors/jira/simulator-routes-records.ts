import { isAdfDoc } from './simulator-routes-issues.js';
import {
  isRecord,
  notFoundIssue,
  route,
  SimHttpError,
  type Route,
  type SimRequest,
} from './simulator-http.js';
import {
  renderComment,
  renderRemoteLink,
  renderUser,
  type RenderContext,
} from './simulator-render.js';
import type { SimIssue, SimState } from './simulator-state.js';

/** Comments (v3, ADF bodies), issue properties, remote links, myself and users. */

export const MAX_PROPERTY_BYTES = 32_768;

export function recordRoutes(deps: {
  state: SimState;
  ctx: RenderContext;
  currentUser: (req: SimRequest) => string;
}): Route[] {
  const { state, ctx } = deps;
  const issueOr404 = (key: string | undefined): SimIssue => {
    const issue = key ? state.find(key) : undefined;
    if (!issue) throw notFoundIssue();
    return issue;
  };
  const adfBody = (body: unknown): unknown => {
    const b = isRecord(body) ? body.body : undefined;
    if (!isAdfDoc(b)) throw new SimHttpError(400, [], { comment: 'Comment body is not valid!' });
    return b;
  };
  const commentOr404 = (issue: SimIssue, id: string | undefined) => {
    const c = issue.comments.find((x) => x.id === id);
    if (!c) throw new SimHttpError(404, ['Can not find a comment for the id: ' + String(id) + '.']);
    return c;
  };

  return [
    route('GET', '/rest/api/3/issue/:key/comment', (r) => {
      const issue = issueOr404(r.params.key);
      const startAt = Number(r.query.get('startAt') ?? 0);
      const maxResults = Math.min(Number(r.query.get('maxResults') ?? 5000), 5000);
      const expand = (r.query.get('expand') ?? '').split(',');
      const comments = issue.comments
        .slice(startAt, startAt + maxResults)
        .map((c) => renderComment(ctx, issue, c, expand));
      return { status: 200, body: { startAt, maxResults, total: issue.comments.length, comments } };
    }),
    route('POST', '/rest/api/3/issue/:key/comment', (r) => {
      const issue = issueOr404(r.params.key);
      const properties: Record<string, unknown> = {};
      const raw = isRecord(r.body) ? r.body.properties : undefined;
      if (raw !== undefined) {
        if (!Array.isArray(raw))
          throw new SimHttpError(400, [], { properties: 'Properties must be a list.' });
        for (const p of raw) {
          if (!isRecord(p) || typeof p.key !== 'string')
            throw new SimHttpError(400, [], { properties: 'Each property needs a key.' });
          properties[p.key] = p.value;
        }
      }
      const c = state.addComment(issue, adfBody(r.body), deps.currentUser(r), properties);
      return { status: 201, body: renderComment(ctx, issue, c) };
    }),
    route('PUT', '/rest/api/3/issue/:key/comment/:id', (r) => {
      const issue = issueOr404(r.params.key);
      const c = commentOr404(issue, r.params.id);
      state.updateComment(issue, c, adfBody(r.body), deps.currentUser(r));
      return { status: 200, body: renderComment(ctx, issue, c) };
    }),
    route('DELETE', '/rest/api/3/issue/:key/comment/:id', (r) => {
      const issue = issueOr404(r.params.key);
      state.deleteComment(issue, commentOr404(issue, r.params.id), deps.currentUser(r));
      return { status: 204 };
    }),
    route('GET', '/rest/api/3/issue/:key/properties', (r) => {
      const issue = issueOr404(r.params.key);
      const keys = [...issue.properties.keys()].map((key) => ({
        key,
        self: `${ctx.baseUrl}/rest/api/3/issue/${issue.id}/properties/${encodeURIComponent(key)}`,
      }));
      return { status: 200, body: { keys } };
    }),
    route('GET', '/rest/api/3/issue/:key/properties/:prop', (r) => {
      const issue = issueOr404(r.params.key);
      const key = decodeURIComponent(r.params.prop ?? '');
      if (!issue.properties.has(key)) {
        throw new SimHttpError(404, [`The property with key '${key}' does not exist.`]);
      }
      return { status: 200, body: { key, value: issue.properties.get(key) } };
    }),
    route('PUT', '/rest/api/3/issue/:key/properties/:prop', (r) => {
      const issue = issueOr404(r.params.key);
      const key = decodeURIComponent(r.params.prop ?? '');
      if (key.length === 0 || key.length > 255) {
        throw new SimHttpError(400, ['The property key cannot be longer than 255 characters.']);
      }
      if (r.body === undefined)
        throw new SimHttpError(400, ['The property value must be valid JSON.']);
      if (Buffer.byteLength(JSON.stringify(r.body)) > MAX_PROPERTY_BYTES) {
        throw new SimHttpError(400, [
          `The property value is too large. The maximum size allowed is ${MAX_PROPERTY_BYTES} bytes.`,
        ]);
      }
      const existed = state.setProperty(issue, key, r.body, deps.currentUser(r));
      return { status: existed ? 200 : 201 };
    }),
    route('DELETE', '/rest/api/3/issue/:key/properties/:prop', (r) => {
      const issue = issueOr404(r.params.key);
      const key = decodeURIComponent(r.params.prop ?? '');
      if (!issue.properties.delete(key))
        throw new SimHttpError(404, [`The property with key '${key}' does not exist.`]);
      return { status: 204 };
    }),
    route('GET', '/rest/api/3/issue/:key/remotelink', (r) => {
      const issue = issueOr404(r.params.key);
      const globalId = r.query.get('globalId');
      if (globalId !== null) {
        const link = issue.remoteLinks.find((l) => l.globalId === globalId);
        if (!link) throw new SimHttpError(404, ['No remote link with the given globalId exists.']);
        return { status: 200, body: renderRemoteLink(ctx, issue, link) };
      }
      return { status: 200, body: issue.remoteLinks.map((l) => renderRemoteLink(ctx, issue, l)) };
    }),
    route('POST', '/rest/api/3/issue/:key/remotelink', (r) => {
      const issue = issueOr404(r.params.key);
      const b = isRecord(r.body) ? r.body : {};
      const object = isRecord(b.object) ? b.object : undefined;
      const errors: Record<string, string> = {};
      if (!object || typeof object.url !== 'string' || object.url === '')
        errors.url = "'url' is required.";
      if (!object || typeof object.title !== 'string' || object.title === '')
        errors.title = "'title' is required.";
      if (Object.keys(errors).length > 0 || !object) throw new SimHttpError(400, [], errors);
      const { link, created } = state.upsertRemoteLink(issue, {
        globalId: typeof b.globalId === 'string' ? b.globalId : undefined,
        application: b.application,
        relationship: typeof b.relationship === 'string' ? b.relationship : undefined,
        object: object as { url: string; title: string },
      });
      return {
        status: created ? 201 : 200,
        body: {
          id: link.id,
          self: `${ctx.baseUrl}/rest/api/3/issue/${issue.key}/remotelink/${link.id}`,
        },
      };
    }),
    route('DELETE', '/rest/api/3/issue/:key/remotelink/:id', (r) => {
      const issue = issueOr404(r.params.key);
      const before = issue.remoteLinks.length;
      issue.remoteLinks = issue.remoteLinks.filter((l) => String(l.id) !== r.params.id);
      if (issue.remoteLinks.length === before)
        throw new SimHttpError(404, ['No remote link with the given id exists.']);
      return { status: 204 };
    }),
    route('GET', '/rest/api/3/myself', (r) => {
      const me = deps.currentUser(r);
      const u = state.users.get(me);
      return {
        status: 200,
        body: {
          ...(renderUser(ctx, me) as object),
          emailAddress: u?.emailAddress,
          locale: 'en_US',
        },
      };
    }),
    route('GET', '/rest/api/3/user', (r) => {
      const id = r.query.get('accountId') ?? '';
      if (!state.users.has(id))
        throw new SimHttpError(404, [
          `Specified user does not exist or you do not have required permissions`,
        ]);
      return { status: 200, body: renderUser(ctx, id) };
    }),
    route('GET', '/rest/api/3/users/search', () => ({
      status: 200,
      body: [...state.users.keys()].map((id) => renderUser(ctx, id)),
    })),
  ];
}
