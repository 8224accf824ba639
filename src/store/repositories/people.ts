import { In, type EntityManager } from 'typeorm';
import { normaliseEmail, type Person } from '../../model/index.js';
import type { Database } from '../database.js';
import {
  PersonEntity,
  PersonIdentityEntity,
  type PersonIdentityRow,
  type PersonRow,
} from '../entities/index.js';
import { RowCodec } from '../row-codec.js';

/** People and their identities across systems (DESIGN §3 Person). */
export class PersonRepository {
  private readonly rows: RowCodec<PersonRow>;
  private readonly identityRows: RowCodec<PersonIdentityRow>;

  constructor(private readonly db: Database) {
    this.rows = new RowCodec(PersonEntity, db.dialect);
    this.identityRows = new RowCodec(PersonIdentityEntity, db.dialect);
  }

  /** Person ids of the identities that have an owner (raw IN queries: the sync's batch read). */
  async ownersOf(identities: readonly string[], m: EntityManager): Promise<Map<string, string>> {
    const found = await this.identityRows.selectIn(m, 'identity', identities);
    return new Map(found.map((r) => [r.identity, r.personId]));
  }

  /**
   * Stores a new person and claims its identities: two raw upserts, where `save` reads,
   * deletes and inserts. For a person whose identities nobody owns yet (the caller
   * checked); a row already holding the id is updated rather than failing.
   */
  create(person: Person, m: EntityManager): Promise<void> {
    return this.createMany([person], m);
  }

  /** `create` for many people, in multi-row statements (the sync's deferred writes). */
  async createMany(people: readonly Person[], m: EntityManager): Promise<void> {
    if (people.length === 0) return;
    await this.rows.upsertMany(
      m,
      people.map((person) => ({
        id: person.id,
        displayName: person.displayName,
        email: normaliseEmail(person.email),
        updatedAt: person.updatedAt,
      })),
      ['id'],
    );
    await this.identityRows.upsertMany(
      m,
      people.flatMap((person) =>
        person.identities.map((identity) => ({ identity, personId: person.id })),
      ),
      ['identity'],
    );
  }

  /** Which of these (normalised) emails some person has, in IN queries. */
  async emailsTaken(emails: readonly string[], m: EntityManager): Promise<Set<string>> {
    if (emails.length === 0) return new Set();
    const found = await this.rows.selectIn(m, 'email', emails);
    return new Set(found.map((r) => normaliseEmail(r.email)).filter((e) => e !== null));
  }

  findById(id: string, manager?: EntityManager): Promise<Person | null> {
    return this.db.with(manager, async (m) => {
      const row = await m.getRepository(PersonEntity).findOneBy({ id });
      return row ? (await this.hydrate(m, [row]))[0]! : null;
    });
  }

  findByIds(ids: readonly string[], manager?: EntityManager): Promise<Person[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.with(manager, async (m) => {
      const rows = await m.getRepository(PersonEntity).findBy({ id: In([...ids]) });
      return rows.length ? this.hydrate(m, rows) : [];
    });
  }

  findByIdentity(identity: string, manager?: EntityManager): Promise<Person | null> {
    return this.db.with(manager, async (m) => {
      const link = await m.getRepository(PersonIdentityEntity).findOneBy({ identity });
      if (!link) return null;
      const row = await m.getRepository(PersonEntity).findOneBy({ id: link.personId });
      return row ? (await this.hydrate(m, [row]))[0]! : null;
    });
  }

  findByEmail(email: string, manager?: EntityManager): Promise<Person | null> {
    const normalised = normaliseEmail(email);
    if (!normalised) return Promise.resolve(null);
    return this.db.with(manager, async (m) => {
      const row = await m.getRepository(PersonEntity).findOneBy({ email: normalised });
      return row ? (await this.hydrate(m, [row]))[0]! : null;
    });
  }

  /** Saves the person and claims each identity for them (an identity has one owner). */
  async save(person: Person, manager?: EntityManager): Promise<void> {
    const work = async (m: EntityManager) => {
      await m.getRepository(PersonEntity).save({
        id: person.id,
        displayName: person.displayName,
        email: normaliseEmail(person.email),
        updatedAt: person.updatedAt,
      });
      const identities = m.getRepository(PersonIdentityEntity);
      await identities.delete({ personId: person.id });
      if (person.identities.length > 0) {
        await identities.save(
          person.identities.map((identity) => ({ identity, personId: person.id })),
        );
      }
    };
    await (manager ? work(manager) : this.db.transaction(work));
  }

  private async hydrate(m: EntityManager, rows: PersonRow[]): Promise<Person[]> {
    const links = await m
      .getRepository(PersonIdentityEntity)
      .findBy({ personId: In(rows.map((r) => r.id)) });
    return rows.map((r) => ({
      ...r,
      identities: links
        .filter((l) => l.personId === r.id)
        .map((l) => l.identity)
        .sort(),
    }));
  }
}
