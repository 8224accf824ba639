import { normaliseEmail, type Person } from '../model/index.js';
import type { ApplyContext } from './context.js';
import { embeddedUser, nameUuid } from './record-facts.js';
import { flushPeople } from './tx-cache.js';

type PeopleContext = Pick<ApplyContext, 'store' | 'm' | 'people' | 'now'> &
  Partial<Pick<ApplyContext, 'users' | 'settings' | 'cache'>>;

/** What the record and the config say about the person behind an identity. */
export function personDetails(
  ctx: Pick<PeopleContext, 'users' | 'settings'>,
  identity: string,
  record: unknown,
): { displayName: string | null; email: string | null; linkIds: readonly string[] } {
  // A configured identity link (DESIGN §3) names the person's other accounts.
  const link = ctx.settings?.identities.linkOf(identity) ?? null;
  // Jira account ids contain colons (`712020:…`): strip the system prefix, not the last part.
  const userId = identity.replace(/^(servicenow:sys_user:|jira:|github:|gitlab:)/, '');
  const details = ctx.users?.get(identity) ?? embeddedUser(record, userId);
  return {
    displayName: link?.name ?? details?.displayName ?? null,
    email: normaliseEmail(link?.email ?? details?.email ?? null),
    linkIds: link?.ids ?? [],
  };
}

/**
 * Turns a mapped user identity (`jira:<accountId>`, `servicenow:sys_user:<id>`, …) into a
 * Person id (DESIGN §3): the person already holding the identity, else the person with the
 * same email when the record tells us one, else a new person for that identity. Within a
 * sync transaction (`ctx.cache`) new people are written by `flush`, many per statement.
 */
export async function resolvePersonId(
  ctx: PeopleContext,
  identity: unknown,
  record: unknown,
): Promise<string | null> {
  if (typeof identity !== 'string' || identity === '') return null;
  const cached = ctx.people.get(identity);
  if (cached) return cached;
  const { store, m, cache } = ctx;
  // Absent when this transaction's batch lookup (prefetchPeople) found no owner.
  const absent = cache?.absentIdentities.delete(identity) ?? false;
  const known = absent ? null : await store.people.findByIdentity(identity, m);
  if (known) {
    ctx.people.set(identity, known.id);
    return known.id;
  }
  const { displayName, email, linkIds } = personDetails(ctx, identity, record);
  const siblings = linkIds.filter((sibling) => sibling !== identity);
  if (cache && (siblings.length > 0 || (email && !cache.absentEmails.has(email))))
    await flushPeople({ store, m, cache }); // the lookups below must see them
  for (const sibling of siblings) {
    const owner = await store.people.findByIdentity(sibling, m);
    if (!owner) continue;
    await store.people.save(
      { ...owner, identities: [...owner.identities, identity], updatedAt: ctx.now },
      m,
    );
    ctx.people.set(identity, owner.id);
    return owner.id;
  }
  const pending = email && cache ? cache.pendingPeopleByEmail.get(email) : undefined;
  if (cache && pending) {
    // Created earlier in this transaction and not written yet (or written by the flush
    // above, which then upserts it again with this identity at the next flush).
    pending.identities.push(identity);
    cache.pendingPeople.set(pending.id, pending);
    ctx.people.set(identity, pending.id);
    return pending.id;
  }
  const mayExist = email !== null && !(cache?.absentEmails.has(email) ?? false);
  const byEmail = mayExist ? await store.people.findByEmail(email, m) : null;
  if (byEmail) {
    await store.people.save(
      { ...byEmail, identities: [...byEmail.identities, identity], updatedAt: ctx.now },
      m,
    );
    ctx.people.set(identity, byEmail.id);
    return byEmail.id;
  }
  const person: Person = {
    id: nameUuid(`person:${identity}`),
    displayName: displayName ?? identity,
    email,
    identities: [identity],
    updatedAt: ctx.now,
  };
  // Nobody owns the identity (looked up above); the person id is derived from it.
  if (cache) {
    cache.pendingPeople.set(person.id, person);
    if (email) cache.pendingPeopleByEmail.set(email, person);
  } else {
    await store.people.create(person, m);
  }
  ctx.people.set(identity, person.id);
  return person.id;
}

/**
 * The owners of a batch's person identities, in one IN query: known ones go to the
 * process's identity → Person cache, unknown ones are remembered as absent so resolving
 * them creates the person without asking again. For the unknown ones, the emails their
 * records name are looked up the same way, so a new person whose email nobody has is
 * created without a query of its own.
 */
export async function prefetchPeople(
  ctx: ApplyContext,
  identities: Iterable<{ identity: string; record: unknown }>,
): Promise<void> {
  const records = new Map<string, unknown>();
  for (const { identity, record } of identities)
    if (!ctx.people.has(identity) && !records.has(identity)) records.set(identity, record);
  if (records.size === 0) return;
  const owners = await ctx.store.people.ownersOf([...records.keys()], ctx.m);
  const emails = new Set<string>();
  for (const [identity, record] of records) {
    const owner = owners.get(identity);
    if (owner) {
      ctx.people.set(identity, owner);
      continue;
    }
    ctx.cache.absentIdentities.add(identity);
    const email = personDetails(ctx, identity, record).email;
    if (email) emails.add(email);
  }
  const taken = await ctx.store.people.emailsTaken([...emails], ctx.m);
  for (const email of emails) if (!taken.has(email)) ctx.cache.absentEmails.add(email);
}
