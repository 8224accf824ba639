import { paginate } from './paging.js';
import { approvalsJson, mergeRequestJson, noteJson } from './represent.js';
import { bad, mrOf, P, sorted, str, timeParam, type Route } from './route-kit.js';
import { SimError } from './state.js';

/** Merge requests, their approvals, notes and external status checks (REST v4). */
export const mergeRequestRoutes: Route[] = [
  [
    'GET',
    new RegExp(`^${P}/merge_requests$`),
    (c) => {
      const p = c.state.project(decodeURIComponent(c.match[1]!));
      const after = timeParam(c.query, 'updated_after');
      const state = c.query.get('state') ?? 'all';
      let mrs = c.state.mergeRequests.filter(
        (m) => m.projectId === p.id && (state === 'all' || m.state === state),
      );
      if (after !== null) mrs = mrs.filter((m) => m.updatedAt.getTime() >= after);
      // `iids[]=1&iids[]=2` (repeated, Rails array style): only those merge requests.
      const iids = c.query.getAll('iids[]');
      if (iids.length > 0) {
        if (iids.some((v) => !/^\d+$/.test(v))) throw bad('iids is invalid');
        const wanted = new Set(iids.map(Number));
        mrs = mrs.filter((m) => wanted.has(m.iid));
      }
      mrs = sorted(mrs, c.query, ['created_at', 'updated_at', 'title', 'merged_at'], (m, by) =>
        (by === 'updated_at' ? m.updatedAt : m.createdAt).getTime(),
      );
      const { page, headers } = paginate(mrs, c.query, c.publicUrl);
      return {
        status: 200,
        body: page.map((m) => mergeRequestJson(c.state, m, c.baseUrl)),
        headers,
      };
    },
  ],
  [
    'GET',
    new RegExp(`^${P}/merge_requests/(\\d+)$`),
    (c) => ({ status: 200, body: mergeRequestJson(c.state, mrOf(c), c.baseUrl) }),
  ],
  [
    'GET',
    new RegExp(`^${P}/merge_requests/(\\d+)/approvals$`),
    (c) => ({ status: 200, body: approvalsJson(c.state, mrOf(c), c.baseUrl) }),
  ],
  [
    'POST',
    new RegExp(`^${P}/merge_requests/(\\d+)/approve$`),
    (c) => {
      const mr = mrOf(c);
      return {
        status: 201,
        body: approvalsJson(c.state, c.state.approve(mr.projectId, mr.iid, c.user.id), c.baseUrl),
      };
    },
  ],
  [
    'PUT',
    new RegExp(`^${P}/merge_requests/(\\d+)/merge$`),
    (c) => {
      const mr = mrOf(c);
      return {
        status: 200,
        body: mergeRequestJson(c.state, c.state.merge(mr.projectId, mr.iid, c.user.id), c.baseUrl),
      };
    },
  ],
  [
    'GET',
    new RegExp(`^${P}/merge_requests/(\\d+)/notes$`),
    (c) => {
      const mr = mrOf(c);
      const notes = sorted(
        c.state.notes.filter((n) => n.projectId === mr.projectId && n.mrIid === mr.iid),
        c.query,
        ['created_at', 'updated_at'],
        (n, by) => (by === 'updated_at' ? n.updatedAt : n.createdAt).getTime(),
      );
      const { page, headers } = paginate(notes, c.query, c.publicUrl);
      return { status: 200, body: page.map((n) => noteJson(c.state, n, c.baseUrl)), headers };
    },
  ],
  [
    'POST',
    new RegExp(`^${P}/merge_requests/(\\d+)/notes$`),
    (c) => {
      const mr = mrOf(c);
      const body = str(c, 'body');
      if (!body) throw bad('body is missing');
      return {
        status: 201,
        body: noteJson(c.state, c.state.addNote(mr.projectId, mr.iid, body, c.user.id), c.baseUrl),
      };
    },
  ],
  [
    'PUT',
    new RegExp(`^${P}/merge_requests/(\\d+)/notes/(\\d+)$`),
    (c) => {
      const mr = mrOf(c);
      const note = c.state.notes.find(
        (n) => n.projectId === mr.projectId && n.mrIid === mr.iid && n.id === Number(c.match[3]),
      );
      if (!note) throw new SimError(404, { message: '404 Not found' });
      if (note.authorId !== c.user.id) throw new SimError(403, { message: '403 Forbidden' });
      const body = str(c, 'body');
      if (!body) throw bad('body is missing');
      return { status: 200, body: noteJson(c.state, c.state.editNote(note, body), c.baseUrl) };
    },
  ],
  [
    'GET',
    new RegExp(`^${P}/merge_requests/(\\d+)/status_checks$`),
    (c) => {
      const mr = mrOf(c);
      return {
        status: 200,
        body: c.state.checkStatuses(mr).map(({ rule, status }) => ({
          id: rule.id,
          name: rule.name,
          external_url: rule.externalUrl,
          status,
        })),
      };
    },
  ],
  [
    'POST',
    new RegExp(`^${P}/merge_requests/(\\d+)/status_check_responses$`),
    (c) => {
      const mr = mrOf(c);
      const sha = str(c, 'sha');
      const checkId = Number(str(c, 'external_status_check_id'));
      const status = str(c, 'status');
      if (!sha) throw bad('sha is missing');
      if (!checkId) throw bad('external_status_check_id is missing');
      if (status !== 'passed' && status !== 'failed')
        throw bad('status does not have a valid value');
      const rule = c.state.project(mr.projectId).statusChecks.find((r) => r.id === checkId);
      if (!rule) throw new SimError(404, { message: '404 Not found' });
      // Only the MR's current head may be answered for (status_checks.md).
      if (sha !== mr.sha) throw new SimError(409, { message: '409 Conflict' });
      c.state.checkResponses.push({
        projectId: mr.projectId,
        mrIid: mr.iid,
        checkId,
        sha,
        status,
        requestedAt: c.state.clock.now(),
      });
      return {
        status: 201,
        body: {
          id: c.state.nextId(),
          merge_request: mergeRequestJson(c.state, mr, c.baseUrl),
          external_status_check: { id: rule.id, name: rule.name, external_url: rule.externalUrl },
          status,
        },
      };
    },
  ],
];
