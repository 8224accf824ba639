import { Database, type DatabaseOptions } from './database.js';
import { ChangeRepository } from './repositories/changes.js';
import { SyncRows } from './repositories/sync-rows.js';
import { CursorRepository } from './repositories/cursors.js';
import { DeadLetterRepository } from './repositories/dead-letters.js';
import { InboxRepository } from './repositories/inbox.js';
import { JobLeaseRepository } from './repositories/job-leases.js';
import { LinkRepository } from './repositories/links.js';
import { OutboxRepository } from './repositories/outbox.js';
import { PersonRepository } from './repositories/people.js';
import {
  approvalRepository,
  codeChangeRepository,
  deploymentRepository,
  findingRepository,
  incidentRepository,
} from './repositories/records.js';

/** Every repository over one database handle. Built once, in the composition root. */
export function createStore(db: Database) {
  return {
    db,
    changes: new ChangeRepository(db),
    links: new LinkRepository(db),
    people: new PersonRepository(db),
    approvals: approvalRepository(db),
    codeChanges: codeChangeRepository(db),
    deployments: deploymentRepository(db),
    incidents: incidentRepository(db),
    findings: findingRepository(db),
    inbox: new InboxRepository(db),
    outbox: new OutboxRepository(db),
    deadLetters: new DeadLetterRepository(db),
    cursors: new CursorRepository(db),
    jobLeases: new JobLeaseRepository(db),
    syncRows: new SyncRows(db),
  };
}

export type Store = ReturnType<typeof createStore>;

/** Opens the database and refuses to continue if its schema needs `migrate`. */
export async function openStore(options: DatabaseOptions): Promise<Store> {
  const db = await Database.open(options);
  try {
    await db.assertMigrated();
  } catch (error) {
    await db.close();
    throw error;
  }
  return createStore(db);
}
