import { normaliseEmail, type Person } from '../model/index.js';
import type { ApplyContext } from './context.js';
import { embeddedUser, nameUuid } from './record-facts.js';

/**
 * Turns a mapped user identity (`jira:<accountId>`, `servicenow:sys_user:<id>`, …) into a
 * Person id (DESIGN §3): the person already holding the identity, else the person with the
 * same email when the record tells us one, else a new person for that identity.
 */
export async function resolvePersonId(
  ctx: Pick<ApplyContext, 'store' | 'm' | 'people' | 'now'> &
    Partial<Pick<ApplyContext, 'users' | 'settings' | 'cache'>>,
  identity: unknown,
  record: unknown,
): Promise<string | null> {
  if (typeof identity !== 'string' || identity === '') return null;
  const cached = ctx.people.get(identity);
  if (cached) return cached;
  const { store, m } = ctx;
  // Absent when this transaction's batch lookup (prefetchPeople) found no owner.
  const absent = ctx.cache?.absentIdentities.delete(identity) ?? false;
  const known = absent ? null : await store.people.findByIdentity(identity, m);
  if (known) {
    ctx.people.set(identity, known.id);
    return known.id;
  }
  // A configured identity link (DESIGN §3) names the person's other accounts.
  const link = ctx.settings?.identities.linkOf(identity) ?? null;
  for (const sibling of link?.ids ?? []) {
    if (sibling === identity) continue;
    const owner = await store.people.findByIdentity(sibling, m);
    if (!owner) continue;
    await store.people.save(
      { ...owner, identities: [...owner.identities, identity], updatedAt: ctx.now },
      m,
    );
    ctx.people.set(identity, owner.id);
    return owner.id;
  }
  // Jira account ids contain colons (`712020:…`): strip the system prefix, not the last part.
  const userId = identity.replace(/^(servicenow:sys_user:|jira:|github:|gitlab:)/, '');
  const details = ctx.users?.get(identity) ?? embeddedUser(record, userId);
  const email = normaliseEmail(link?.email ?? details?.email ?? null);
  const byEmail = email ? await store.people.findByEmail(email, m) : null;
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
    displayName: link?.name ?? details?.displayName ?? identity,
    email,
    identities: [identity],
    updatedAt: ctx.now,
  };
  // Nobody owns the identity (looked up above); the person id is derived from it.
  await store.people.create(person, m);
  ctx.people.set(identity, person.id);
  return person.id;
}
