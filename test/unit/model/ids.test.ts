import { identityId, parseSourceId, sourceId, InvalidIdError } from '../../../src/model/index.js';

describe('source ids', () => {
  it('builds <system>:<kind>:<connection>:<externalId>', () => {
    expect(
      sourceId({
        system: 'servicenow',
        kind: 'change_request',
        connection: 'prod',
        externalId: 'a1b2',
      }),
    ).toBe('servicenow:change_request:prod:a1b2');
  });

  it('round-trips external ids that contain ":" and "/"', () => {
    const id = 'github:pull_request:gh:acme/api#12:x';
    expect(parseSourceId(id)).toEqual({
      system: 'github',
      kind: 'pull_request',
      connection: 'gh',
      externalId: 'acme/api#12:x',
    });
    expect(sourceId(parseSourceId(id))).toBe(id);
  });

  it('refuses a connection containing ":" so ids stay parseable', () => {
    expect(() =>
      sourceId({ system: 'jira', kind: 'issue', connection: 'a:b', externalId: '1' }),
    ).toThrow(/connection "a:b" is not a valid id segment/);
  });

  it('refuses unknown systems and short ids with the expected shape in the message', () => {
    expect(() => parseSourceId('svn:commit:x:1')).toThrow(InvalidIdError);
    expect(() => parseSourceId('jira:issue:1')).toThrow(
      /expected <system>:<kind>:<connection>:<externalId>/,
    );
  });

  it('names identities per DESIGN §3', () => {
    expect(identityId('servicenow', 'abc')).toBe('servicenow:sys_user:abc');
    expect(identityId('github', 'octocat')).toBe('github:octocat');
  });
});
