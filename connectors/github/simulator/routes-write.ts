import { ghTime, type SimCommitStatus } from './model.js';
import { userJson } from './render.js';
import { invalid, key, notFound, obj, record, repoOf, str, type Handler } from './route-kit.js';

/** Write endpoints of the simulator: strict validation, every accepted write recorded. */
export const writeRoutes: [string, RegExp, Handler][] = [
  [
    'POST',
    /^\/repos\/([^/]+)\/([^/]+)\/statuses\/([^/]+)$/,
    (c) => {
      if (!repoOf(c)) return notFound();
      const b = obj(c.body);
      if (!/^[0-9a-f]{40}$/.test(c.params[2]!))
        return invalid(`No commit found for SHA: ${c.params[2]}`, 'sha');
      if (!['error', 'failure', 'pending', 'success'].includes(String(b.state)))
        return invalid('state is not included in the list', 'state');
      if (
        b.description !== undefined &&
        b.description !== null &&
        (!str(b.description) || b.description.length > 140)
      )
        return invalid('description is too long (maximum is 140 characters)', 'description');
      if (b.context !== undefined && !str(b.context))
        return invalid('context must be a string', 'context');
      const now = ghTime(new Date(c.nowMs));
      const s: SimCommitStatus = {
        id: c.state.id(),
        state: b.state as SimCommitStatus['state'],
        context: str(b.context) ? b.context : 'default',
        description: str(b.description) ? b.description : null,
        target_url: str(b.target_url) ? b.target_url : null,
        creator: c.state.user('changebridge'),
        created_at: now,
        updated_at: now,
      };
      const k = `${key(c)}@${c.params[2]}`;
      c.state.commitStatuses.set(k, [s, ...(c.state.commitStatuses.get(k) ?? [])]);
      record(c, 'POST', `/repos/${k.replace('@', '/statuses/')}`);
      return { status: 201, body: { ...s, creator: userJson(s.creator) } };
    },
  ],
  [
    'POST',
    /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
    (c) => {
      if (!repoOf(c) || !c.state.pulls.get(key(c))!.some((p) => p.number === Number(c.params[2])))
        return notFound();
      const b = obj(c.body);
      if (!str(b.body) || b.body.length === 0) return invalid('body is missing', 'body');
      const now = ghTime(new Date(c.nowMs));
      const comment = {
        id: c.state.id(),
        body: b.body,
        user: c.state.user(c.caller.kind === 'pat' ? 'changebridge' : 'changebridge[bot]'),
        created_at: now,
        updated_at: now,
      };
      const k = `${key(c)}#${c.params[2]}`;
      c.state.comments.set(k, [...(c.state.comments.get(k) ?? []), comment]);
      record(c, 'POST', `/repos/${key(c)}/issues/${c.params[2]}/comments`);
      return { status: 201, body: { ...comment, user: userJson(comment.user) } };
    },
  ],
  [
    'PATCH',
    /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
    (c) => {
      const b = obj(c.body);
      for (const [k, list] of c.state.comments) {
        const hit = k.startsWith(`${key(c)}#`)
          ? list.find((x) => x.id === Number(c.params[2]))
          : undefined;
        if (!hit) continue;
        if (!str(b.body) || b.body.length === 0) return invalid('body is missing', 'body');
        hit.body = b.body;
        hit.updated_at = ghTime(new Date(c.nowMs));
        record(c, 'PATCH', `/repos/${key(c)}/issues/comments/${hit.id}`);
        return { status: 200, body: { ...hit, user: userJson(hit.user) } };
      }
      return notFound();
    },
  ],
];
