import type { Person } from '../../../src/model/index.js';
import { IdentityDirectory, type IdentityLink } from '../../../src/sync/identity-directory.js';
import { aPerson, plus, T0 } from '../policy/builders.js';

/** One human across systems (DESIGN §3): configured identity links, then email. */

const BOB: IdentityLink = {
  name: 'Bob Builder',
  email: 'Bob.Builder@Example.com',
  ids: [
    'servicenow:sys_user:6816f79cc0a8016401c5a33be04be441',
    'jira:5b10ac8d82e05b22',
    'github:bob',
  ],
};
const CAROL: IdentityLink = { name: 'Carol Ops', ids: ['gitlab:carol', 'github:carol-ops'] };

const directory = () => new IdentityDirectory([BOB, CAROL]);

describe('IdentityDirectory.linkOf and siblings', () => {
  it.each<[string, IdentityLink | null, string[]]>([
    [
      'github:bob',
      BOB,
      ['servicenow:sys_user:6816f79cc0a8016401c5a33be04be441', 'jira:5b10ac8d82e05b22'],
    ],
    [
      'jira:5b10ac8d82e05b22',
      BOB,
      ['servicenow:sys_user:6816f79cc0a8016401c5a33be04be441', 'github:bob'],
    ],
    ['gitlab:carol', CAROL, ['github:carol-ops']],
    ['github:carol', null, []],
    ['GITHUB:bob', null, []],
  ])('%s', (identity, link, siblings) => {
    expect(directory().linkOf(identity)).toBe(link);
    expect(directory().siblings(identity)).toEqual(siblings);
  });

  it('knows nothing without configured links', () => {
    const empty = new IdentityDirectory([]);
    expect(empty.linkOf('github:bob')).toBeNull();
    expect(empty.siblings('github:bob')).toEqual([]);
  });
});

/** Canonical id of each person id, as a plain object for exact comparison. */
function rootsOf(dir: IdentityDirectory, people: Person[], extra: string[] = []) {
  const c = dir.canonicaliser(people);
  return Object.fromEntries([...people.map((p) => p.id), ...extra].map((id) => [id, c.id(id)]));
}

describe('IdentityDirectory.canonicaliser', () => {
  it('folds people with the same email (case-insensitive) into the smallest id', () => {
    const people = [
      aPerson('person-b', { email: 'dana@example.com', identities: ['github:dana'] }),
      aPerson('person-a', { email: 'Dana@Example.com ', identities: ['jira:77'] }),
      aPerson('person-c', { email: 'eve@example.com' }),
    ];
    expect(rootsOf(new IdentityDirectory([]), people)).toEqual({
      'person-b': 'person-a',
      'person-a': 'person-a',
      'person-c': 'person-c',
    });
  });

  it('does not fold people without email', () => {
    const people = [
      aPerson('person-a', { email: null }),
      aPerson('person-b', { email: null }),
      aPerson('person-c', { email: '  ' }),
    ];
    expect(rootsOf(new IdentityDirectory([]), people)).toEqual({
      'person-a': 'person-a',
      'person-b': 'person-b',
      'person-c': 'person-c',
    });
  });

  it('folds people whose identities fall in one configured link, taking its name and email', () => {
    const people = [
      aPerson('p-9', { displayName: 'bob (GitHub)', email: null, identities: ['github:bob'] }),
      aPerson('p-3', {
        displayName: 'Robert B.',
        email: 'robert@corp.example',
        identities: ['jira:5b10ac8d82e05b22'],
      }),
      aPerson('p-5', { displayName: 'Carol', email: null, identities: ['gitlab:carol'] }),
    ];
    const c = directory().canonicaliser(people);
    expect([c.id('p-9'), c.id('p-3'), c.id('p-5')]).toEqual(['p-3', 'p-3', 'p-5']);
    expect([...c.people.keys()].sort()).toEqual(['p-3', 'p-5']);
    expect(c.people.get('p-3')).toEqual({
      id: 'p-3',
      displayName: 'Bob Builder',
      email: 'bob.builder@example.com',
      identities: ['github:bob', 'jira:5b10ac8d82e05b22'],
      updatedAt: T0,
    });
    // A link without an email keeps the person's own (none here).
    expect(c.people.get('p-5')).toEqual({
      id: 'p-5',
      displayName: 'Carol Ops',
      email: null,
      identities: ['gitlab:carol'],
      updatedAt: T0,
    });
  });

  it('folds transitively: A~B by email, B~C by a configured link → one root', () => {
    const people = [
      aPerson('person-c', { email: null, identities: ['github:bob'] }),
      aPerson('person-b', { email: 'shared@example.com', identities: ['jira:5b10ac8d82e05b22'] }),
      aPerson('person-a', { email: 'shared@example.com', identities: [] }),
      aPerson('person-d', { email: 'other@example.com', identities: [] }),
    ];
    const c = directory().canonicaliser(people);
    expect(rootsOf(directory(), people)).toEqual({
      'person-c': 'person-a',
      'person-b': 'person-a',
      'person-a': 'person-a',
      'person-d': 'person-d',
    });
    expect(c.people.get('person-a')).toMatchObject({
      id: 'person-a',
      displayName: 'Bob Builder',
      email: 'bob.builder@example.com',
      identities: ['github:bob', 'jira:5b10ac8d82e05b22'],
    });
    expect([...c.people.keys()].sort()).toEqual(['person-a', 'person-d']);
  });

  it('folds a chain whose links are discovered in reverse order', () => {
    // z~y by email, y~x by email, x~w by link: the root must still be the smallest id.
    const people = [
      aPerson('w', { email: null, identities: ['gitlab:carol'] }),
      aPerson('z', { email: 'z@example.com' }),
      aPerson('y', { email: 'z@example.com', identities: ['github:carol-ops'] }),
      aPerson('x', { email: 'x@example.com', identities: [] }),
      aPerson('v', { email: 'x@example.com', identities: ['github:carol-ops'] }),
    ];
    expect(rootsOf(directory(), people)).toEqual({ w: 'v', z: 'v', y: 'v', x: 'v', v: 'v' });
  });

  it('maps unknown person ids to themselves and null or undefined to null', () => {
    const c = directory().canonicaliser([aPerson('person-a')]);
    expect(c.id('person-unknown')).toBe('person-unknown');
    expect(c.id(null)).toBeNull();
    expect(c.id(undefined)).toBeNull();
    expect(c.id('')).toBeNull();
  });

  it('merges the identities of every folded row, sorted and without repeats', () => {
    const people = [
      aPerson('person-a', { email: 'f@example.com', identities: ['jira:1', 'github:f'] }),
      aPerson('person-b', { email: 'F@example.com', identities: ['github:f', 'gitlab:f'] }),
    ];
    const c = new IdentityDirectory([]).canonicaliser(people);
    expect(c.people.get('person-a')).toEqual({
      id: 'person-a',
      displayName: 'A',
      email: 'f@example.com',
      identities: ['github:f', 'gitlab:f', 'jira:1'],
      updatedAt: T0,
    });
  });

  it('the choice of root does not depend on the order people come in', () => {
    const people = [
      aPerson('person-m', { email: 'm@example.com', updatedAt: plus(T0, 1) }),
      aPerson('person-k', { email: 'M@example.com' }),
      aPerson('person-l', { email: null, identities: ['github:bob'] }),
      aPerson('person-n', { email: 'm@example.com', identities: ['jira:5b10ac8d82e05b22'] }),
    ];
    const forward = rootsOf(directory(), people);
    const backward = rootsOf(directory(), [...people].reverse());
    expect(forward).toEqual({
      'person-m': 'person-k',
      'person-k': 'person-k',
      'person-l': 'person-k',
      'person-n': 'person-k',
    });
    expect(backward).toEqual(forward);
  });
});
