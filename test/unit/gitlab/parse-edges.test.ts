import { handleGitLabWebhook } from '../../../connectors/gitlab/webhook.js';
import { nextPage } from '../../../connectors/gitlab/client.js';
import { advance, decodeCursor, encodeCursor } from '../../../connectors/gitlab/cursor.js';
import { NOTE_MARKER } from '../../../connectors/gitlab/index.js';
import { fixtureText, hookRequest, options } from './support.js';

const json = (name: string) =>
  JSON.parse(fixtureText(name)) as Record<string, unknown> & {
    object_attributes: Record<string, unknown>;
  };
const handle = (event: string, body: unknown) =>
  handleGitLabWebhook(
    options(),
    hookRequest(event, typeof body === 'string' ? body : JSON.stringify(body)),
  );

describe('GitLab hook parsing edge cases', () => {
  it('tag pushes are ignored; branch deletions are recorded as such', () => {
    const push = JSON.parse(fixtureText('push.json')) as Record<string, unknown>;
    expect(handle('Push Hook', { ...push, ref: 'refs/tags/v1.0' })).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('refs/tags/v1.0'),
    });
    expect(handle('Tag Push Hook', push)).toMatchObject({ outcome: 'ignored' });
    const deleted = handle('Push Hook', {
      ...push,
      after: '0'.repeat(40),
      commits: [],
      total_commits_count: 0,
    });
    expect(deleted).toMatchObject({
      outcome: 'accepted',
      events: [{ kind: 'push', event: 'push.branch_deleted' }],
    });
  });

  it('notes: on issues ignored, our own governance note ignored as an echo', () => {
    const note = json('note_merge_request.json');
    expect(
      handle('Note Hook', {
        ...note,
        object_attributes: { ...note.object_attributes, noteable_type: 'Issue' },
      }),
    ).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('Issue'),
    });
    const echo = {
      ...note,
      object_attributes: { ...note.object_attributes, note: `${NOTE_MARKER}\nBlocked` },
    };
    expect(handle('Note Hook', echo)).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('echo'),
    });
  });

  it('an MR payload without `action` is an update; every documented action keeps its name', () => {
    const mr = json('merge_request.json');
    const { action: _drop, ...attrs } = mr.object_attributes;
    expect(handle('Merge Request Hook', { ...mr, object_attributes: attrs })).toMatchObject({
      events: [{ event: 'merge_request.update' }],
    });
    for (const action of [
      'approved',
      'unapproved',
      'approval',
      'unapproval',
      'merge',
      'close',
      'reopen',
    ]) {
      expect(
        handle('Merge Request Hook', {
          ...mr,
          object_attributes: { ...mr.object_attributes, action },
        }),
      ).toMatchObject({
        events: [{ event: `merge_request.${action}` }],
      });
    }
  });

  it('unknown events are ignored with the event named; a non-JSON body is unparseable', () => {
    expect(handle('Wiki Page Hook', {})).toEqual({
      outcome: 'ignored',
      reason: expect.stringContaining('Wiki Page Hook'),
    });
    expect(handle('Deployment Hook', 'not json')).toMatchObject({
      outcome: 'accepted',
      events: [{ event: 'unparseable', externalId: null }],
    });
  });

  it('refuses bodies over 5 MB before authenticating', () => {
    const req = hookRequest('Push Hook', 'x'.repeat(5 * 1024 * 1024 + 1));
    expect(handleGitLabWebhook(options(), req)).toMatchObject({ outcome: 'rejected', status: 413 });
  });
});

describe('paging and cursor helpers', () => {
  it('follows X-Next-Page, falls back to Link rel="next", stops on an empty X-Next-Page', () => {
    expect(nextPage({ 'x-next-page': '3' })).toBe('3');
    expect(nextPage({ 'x-next-page': '' })).toBeUndefined();
    expect(
      nextPage({
        link: '<https://g.example/api/v4/x?page=4&per_page=2>; rel="next", <https://g.example/api/v4/x?page=1>; rel="first"',
      }),
    ).toBe('4');
    expect(nextPage({})).toBeUndefined();
  });

  it('cursors round-trip, order by (at, id), and never pass the signpost', () => {
    const startedAt = new Date('2026-03-02T10:00:00.000Z');
    let pos = advance(undefined, '2026-03-02T09:00:00.000Z', 5, startedAt);
    pos = advance(pos, '2026-03-02T09:00:00.000Z', 3, startedAt);
    expect(pos).toEqual({ at: '2026-03-02T09:00:00.000Z', id: 5 });
    pos = advance(pos, '2026-03-02T11:00:00.000Z', 1, startedAt);
    expect(pos).toEqual({ at: '2026-03-02T10:00:00.000Z', id: 1 });
    const value = encodeCursor({ v: 1, projects: { 'b/b': pos, 'a/a': pos } });
    expect(value.indexOf('a/a')).toBeLessThan(value.indexOf('b/b'));
    expect(decodeCursor(value, 's')).toEqual({ v: 1, projects: { 'a/a': pos, 'b/b': pos } });
    expect(() => decodeCursor('2026-03-02', 'merge_request')).toThrow(
      /delete the cursor row|not a GitLab cursor/,
    );
  });
});
